/** loadConfig and buildAppFromEnv: every bad variable named, and a misconfigured app that returns 500. */
import { describe, expect, test } from "bun:test";
import { buildAppFromEnv } from "../../cloud/app-from-env.ts";
import { loadConfig } from "../../cloud/config.ts";
import { ConfigError } from "../../cloud/errors.ts";
import { Logger, memorySink } from "../../lib/log.ts";

const HASH = "a".repeat(64);
const VALID = { THERMO_TABLE: "thermo", THERMO_INGEST_TOKEN_SHA256: HASH, THERMO_READ_TOKEN_SHA256: HASH };
/** DynamoDB settings for buildAppFromEnv. No test here sends a request to the endpoint. */
const AWS_ENV = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "test-secret", AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9" };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("loadConfig accepted the environment");
}

describe("loadConfig", () => {
  test("defaults for minimal env", () => {
    const config = loadConfig({ THERMO_TABLE: "thermo" });

    expect(config.tableName).toBe("thermo");
    expect(config.timeZone).toBe("UTC");
    expect(config.defaultUnit).toBe("F");
    expect(config.retentionDays).toBeUndefined();
    expect(config.maxResponseBytes).toBe(4_000_000);
    expect(config.corsOrigins).toEqual([]);
    expect(config.tokenHashes).toEqual({ ingest: [], read: [], admin: [] });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test("full env parsed", () => {
    const config = loadConfig({
      ...VALID,
      THERMO_TIMEZONE: " America/Chicago ",
      THERMO_DEFAULT_UNIT: "C",
      THERMO_INGEST_TOKEN_SHA256: ` ${HASH.toUpperCase()} , ${"b".repeat(64)} `,
      THERMO_ADMIN_TOKEN_SHA256: "c".repeat(64),
      THERMO_RETENTION_DAYS: "365",
      THERMO_CORS_ORIGINS: "https://thermo.example, http://127.0.0.1:8787",
      THERMO_MAX_RESPONSE_BYTES: "1024",
    });

    expect(config.timeZone).toBe("America/Chicago");
    expect(config.defaultUnit).toBe("C");
    expect(config.tokenHashes.ingest).toHaveLength(2);
    expect(config.tokenHashes.ingest[0]).toEqual(new Uint8Array(32).fill(0xaa));
    expect(config.tokenHashes.admin).toHaveLength(1);
    expect(config.retentionDays).toBe(365);
    expect(config.corsOrigins).toEqual(["https://thermo.example", "http://127.0.0.1:8787"]);
    expect(config.maxResponseBytes).toBe(1024);
  });

  test.each([
    ["THERMO_TABLE", { THERMO_TABLE: undefined }],
    ["THERMO_TABLE", { THERMO_TABLE: "ab" }],
    ["THERMO_TABLE", { THERMO_TABLE: "my table" }],
    ["THERMO_TIMEZONE", { THERMO_TIMEZONE: "Mars/Olympus_Mons" }],
    ["THERMO_TIMEZONE", { THERMO_TIMEZONE: "CDT-5" }],
    ["THERMO_DEFAULT_UNIT", { THERMO_DEFAULT_UNIT: "K" }],
    ["THERMO_DEFAULT_UNIT", { THERMO_DEFAULT_UNIT: "f" }],
    ["THERMO_INGEST_TOKEN_SHA256", { THERMO_INGEST_TOKEN_SHA256: "not-a-hash" }],
    ["THERMO_READ_TOKEN_SHA256", { THERMO_READ_TOKEN_SHA256: `${HASH},${"a".repeat(63)}` }],
    ["THERMO_ADMIN_TOKEN_SHA256", { THERMO_ADMIN_TOKEN_SHA256: "g".repeat(64) }],
    ["THERMO_RETENTION_DAYS", { THERMO_RETENTION_DAYS: "0" }],
    ["THERMO_RETENTION_DAYS", { THERMO_RETENTION_DAYS: "1.5" }],
    ["THERMO_RETENTION_DAYS", { THERMO_RETENTION_DAYS: "36501" }],
    ["THERMO_RETENTION_DAYS", { THERMO_RETENTION_DAYS: "ten" }],
    ["THERMO_CORS_ORIGINS", { THERMO_CORS_ORIGINS: "thermo.example" }],
    ["THERMO_MAX_RESPONSE_BYTES", { THERMO_MAX_RESPONSE_BYTES: "1023" }],
  ])("bad %s named", (name, override) => {
    const problems = problemsOf({ ...VALID, ...override });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith(name);
  });

  test("every problem listed at once", () => {
    const problems = problemsOf({
      THERMO_TABLE: "x",
      THERMO_TIMEZONE: "Nowhere/City",
      THERMO_DEFAULT_UNIT: "K",
      THERMO_INGEST_TOKEN_SHA256: "abc,def",
      THERMO_RETENTION_DAYS: "-3",
    });

    expect(problems.map((problem) => problem.split(" ")[0])).toEqual([
      "THERMO_TABLE",
      "THERMO_TIMEZONE",
      "THERMO_DEFAULT_UNIT",
      "THERMO_INGEST_TOKEN_SHA256",
      "THERMO_INGEST_TOKEN_SHA256",
      "THERMO_RETENTION_DAYS",
    ]);
    expect(problems[3]).toContain("entry 1");
    expect(problems[4]).toContain("entry 2");
  });

  test("error message lists problems", () => {
    let caught: unknown;
    try {
      loadConfig({ THERMO_TABLE: "x", THERMO_DEFAULT_UNIT: "K" });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).name).toBe("ConfigError");
    expect((caught as ConfigError).message).toStartWith("invalid configuration: THERMO_TABLE");
    expect((caught as ConfigError).message).toContain("THERMO_DEFAULT_UNIT");
  });

  test("bad hash value left out of message", () => {
    const problems = problemsOf({ ...VALID, THERMO_INGEST_TOKEN_SHA256: "my-plain-secret-token" });

    expect(problems[0]).not.toContain("my-plain-secret-token");
  });
});

describe("buildAppFromEnv", () => {
  test("bad config answers 500 misconfigured", async () => {
    const memory = memorySink();
    const app = buildAppFromEnv({ ...AWS_ENV, THERMO_TABLE: "", THERMO_TIMEZONE: "Mars/Base" }, new Logger("api", { sink: memory.sink }));

    for (const [method, path] of [["GET", "/health"], ["POST", "/readings"], ["GET", "/devices"]] as const) {
      const response = await app.request(path, { method });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: "misconfigured", message: "the server's configuration is invalid; its log names the problem" });
    }
    const logged = memory.records().filter((record) => record.event === "invalid_configuration");
    expect(logged).toHaveLength(1);
    expect(logged[0]?.level).toBe("error");
    const problems = logged[0]?.problems as string[];
    expect(problems).toHaveLength(2);
    expect(problems[0]).toStartWith("THERMO_TABLE");
    expect(problems[1]).toStartWith("THERMO_TIMEZONE");
  });

  test("missing tokens warned per scope", async () => {
    const memory = memorySink();
    // No request here reaches the store, so the DynamoDB client it builds never sends anything.
    const app = buildAppFromEnv({ ...AWS_ENV, THERMO_TABLE: "thermo", THERMO_READ_TOKEN_SHA256: HASH }, new Logger("api", { sink: memory.sink }));

    const response = await app.request("/health");

    expect(response.status).toBe(200);
    const warnings = memory.records().filter((record) => record.event === "no_tokens");
    expect(warnings.map((warning) => warning.scope)).toEqual(["ingest"]);
    expect((await app.request("/", { method: "POST", body: "{}" })).status).toBe(401);
  });

  test("missing AWS_REGION is 500 misconfigured", async () => {
    const memory = memorySink();
    const { AWS_REGION: _region, ...env } = AWS_ENV;
    const app = buildAppFromEnv({ ...VALID, ...env }, new Logger("api", { sink: memory.sink }));

    const response = await app.request("/health");

    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: string }).error).toBe("misconfigured");
    const problems = memory.records().find((record) => record.event === "invalid_configuration")?.problems as string[];
    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith("AWS_REGION is not set");
  });

  test.each(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])("missing %s named, no secret logged", async (missing) => {
    const memory = memorySink();
    const secrets = { AWS_ACCESS_KEY_ID: "AKIDSHOULDNOTLEAK", AWS_SECRET_ACCESS_KEY: "secret-should-not-leak", AWS_SESSION_TOKEN: "token-should-not-leak" };
    const env: Record<string, string | undefined> = { ...VALID, ...AWS_ENV, ...secrets, [missing]: undefined };
    const app = buildAppFromEnv(env, new Logger("api", { sink: memory.sink }));

    const response = await app.request("/devices");

    expect(response.status).toBe(500);
    const problems = memory.records().find((record) => record.event === "invalid_configuration")?.problems as string[];
    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith(`${missing} is not set`);
    for (const value of Object.values(secrets)) expect(memory.lines.join("\n")).not.toContain(value);
  });

  test("app and AWS problems reported together", () => {
    const memory = memorySink();

    buildAppFromEnv({ THERMO_TABLE: "" }, new Logger("api", { sink: memory.sink }));

    const logged = memory.records().filter((record) => record.event === "invalid_configuration");
    expect(logged).toHaveLength(1);
    const problems = logged[0]?.problems as string[];
    expect(problems[0]).toStartWith("THERMO_TABLE");
    expect(problems[1]).toStartWith("AWS_REGION");
    expect(problems[2]).toStartWith("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
  });
});
