#!/usr/bin/env bun
/**
 * The cloud API. Exports `handler` for AWS Lambda (function URL events) and,
 * run directly, serves the same app with Bun.serve using the environment's
 * configuration: `THERMO_TABLE=thermo bun run lambda.ts [--port 8787]`, with
 * `AWS_REGION` and credentials in the environment as Lambda sets them (see the
 * README). `bun run dev` is the usual local entry, and it also starts the store.
 */
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { buildAppFromEnv } from "./cloud/app-from-env.ts";
import type { AppEnv } from "./cloud/context.ts";

/**
 * The Lambda entry point, for function URL (payload 2.0) events. Its app is
 * built at import. An invalid configuration does not throw there: the app
 * logs the problems and responds to every request with 500 `misconfigured`.
 * Run directly, lambda.ts does not use `handler`, so it builds no app here and
 * the local server builds its own once the flags are valid.
 */
export const handler = handle(import.meta.main ? new Hono<AppEnv>() : buildAppFromEnv(process.env));

if (import.meta.main) {
  const { runLocalServer } = await import("./cloud/local-server.ts");
  process.exitCode = runLocalServer(process.argv.slice(2), process.env);
}
