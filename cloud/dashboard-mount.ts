/** Mounts the dashboard page next to the API. */
import type { Hono } from "hono";
import { dashboardRoutes as dashboardApp } from "../dashboard/routes.ts";
import type { AppEnv } from "./context.ts";

/** Serves the dashboard page at `/` and its files under `/assets/`. */
export function dashboardRoutes(app: Hono<AppEnv>): void {
  app.route("/", dashboardApp());
}
