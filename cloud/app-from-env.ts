/** Builds the app from environment variables, as the Lambda function and `bun run lambda.ts` do. */
import { Hono } from "hono";
import { Logger } from "../lib/log.ts";
import type { ErrorResponse } from "../schema.ts";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import type { AppEnv } from "./context.ts";
import { dashboardRoutes } from "./dashboard-mount.ts";
import { ConfigError } from "./errors.ts";
import { createDocumentClient } from "./store/client.ts";
import { ReadingStore } from "./store/readings-store.ts";

/**
 * Returns the app configured from `env`. With an invalid configuration it
 * returns an app that responds 500 to every request and names the problem in the
 * log, so a bad deploy is visible in CloudWatch instead of failing at import.
 */
export function buildAppFromEnv(env: Record<string, string | undefined>, logger = new Logger("api")): Hono<AppEnv> {
  try {
    const config = loadConfig(env);
    const store = new ReadingStore({
      client: createDocumentClient(),
      tableName: config.tableName,
      timeZone: config.timeZone,
      retentionDays: config.retentionDays,
      logger: logger.child({}, "store"),
    });
    for (const scope of ["ingest", "read"] as const) {
      if (config.tokenHashes[scope].length === 0) logger.warn("no_tokens", { scope, hint: `set THERMO_${scope.toUpperCase()}_TOKEN_SHA256; every ${scope} request is rejected until then` });
    }
    return createApp({ config, store, logger }, dashboardRoutes);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger.error("invalid_configuration", { problems: error.problems });
    const broken = new Hono<AppEnv>();
    broken.all("*", (c) => {
      const body: ErrorResponse = { error: "misconfigured", message: "the server's configuration is invalid; its log names the problem" };
      return c.json(body, 500);
    });
    return broken;
  }
}
