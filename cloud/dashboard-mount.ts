/** Mounts the dashboard page next to the API. */
import type { Hono } from "hono";
import type { AppEnv } from "./context.ts";

// TODO: the dashboard page is not built yet, so GET / answers the API's 404 until it is mounted here.
export function dashboardRoutes(_app: Hono<AppEnv>): void {}
