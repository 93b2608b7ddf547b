#!/usr/bin/env bun
/**
 * The cloud API. Exports `handler` for AWS Lambda (function URL events) and,
 * run directly, serves the same app with Bun.serve using the environment's
 * configuration: `THERMO_TABLE=thermo bun run lambda.ts [--port 8787]`, with
 * `AWS_REGION` and credentials in the environment as Lambda sets them (see the
 * README). `bun run dev` is the usual local entry, and it also starts the store.
 */
import { handle } from "hono/aws-lambda";
import { buildAppFromEnv } from "./cloud/app-from-env.ts";

const app = buildAppFromEnv(process.env);

/** The Lambda entry point, for function URL (payload 2.0) events. */
export const handler = handle(app);

if (import.meta.main) {
  const { serveLocally } = await import("./cloud/serve-locally.ts");
  await serveLocally(app, process.argv.slice(2));
}
