/** Builds the app from environment variables, as the Lambda function and `bun run lambda.ts` do. */
import { Hono } from "hono";
import { Logger } from "../lib/log.ts";
import type { ErrorResponse } from "../schema.ts";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import type { AppEnv } from "./context.ts";
import { dashboardRoutes } from "./dashboard-mount.ts";
import { ConfigError } from "./errors.ts";
import { DynamoDBHttpClient } from "./store/dynamodb-http.ts";
import { loadDynamoDBSettings } from "./store/dynamodb-settings.ts";
import { ReadingStore } from "./store/readings-store.ts";

/**
 * Returns the app configured from `env`. With an invalid configuration it
 * returns an app that responds 500 to every request and names the problem in the
 * log, so a bad deploy is visible in CloudWatch instead of failing at import.
 */
export function buildAppFromEnv(env: Record<string, string | undefined>, logger = new Logger("api")): Hono<AppEnv> {
  return checkAppFromEnv(env, logger).app;
}

/** An app built from the environment, with the configuration problems that make it respond 500 to every request. */
export interface CheckedApp {
  app: Hono<AppEnv>;
  /** Every invalid or missing variable; empty when the configuration is valid. */
  problems: readonly string[];
}

/**
 * Builds the app like {@link buildAppFromEnv} and also returns the problems,
 * for callers that stop instead of serving 500 to every request.
 */
export function checkAppFromEnv(env: Record<string, string | undefined>, logger = new Logger("api")): CheckedApp {
  const problems: string[] = [];
  const config = collectProblems(() => loadConfig(env), problems);
  const dynamo = collectProblems(() => loadDynamoDBSettings(env), problems);
  if (config === undefined || dynamo === undefined) {
    // No problem quotes a token, hash, key or secret, so the list is safe to log.
    logger.error("invalid_configuration", { problems });
    return { app: misconfiguredApp(), problems };
  }

  const client = new DynamoDBHttpClient({ ...dynamo, logger: logger.child({}, "dynamodb") });
  const store = new ReadingStore({
    client,
    tableName: config.tableName,
    timeZone: config.timeZone,
    retentionDays: config.retentionDays,
    logger: logger.child({}, "store"),
  });
  for (const scope of ["ingest", "read"] as const) {
    if (config.tokenHashes[scope].length === 0) logger.warn("no_tokens", { scope, hint: `set THERMO_${scope.toUpperCase()}_TOKEN_SHA256; every ${scope} request is rejected until then` });
  }
  return { app: createApp({ config, store, logger }, dashboardRoutes), problems };
}

/** Runs `load` and moves the problems of a ConfigError into `problems`. Other errors propagate. */
function collectProblems<T>(load: () => T, problems: string[]): T | undefined {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

function misconfiguredApp(): Hono<AppEnv> {
  const broken = new Hono<AppEnv>();
  broken.all("*", (c) => {
    const body: ErrorResponse = { error: "misconfigured", message: "the server's configuration is invalid; its log names the problem" };
    return c.json(body, 500);
  });
  return broken;
}
