import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigFileError, OptionError } from "../../deploy/errors.ts";
import { parseOptions, type DeployOptions } from "../../deploy/options.ts";

function options(argv: string[]): DeployOptions {
  const parsed = parseOptions(argv);
  if (parsed.help) throw new Error("unexpected help");
  return parsed.options;
}

function optionError(argv: string[]): OptionError {
  try {
    parseOptions(argv);
  } catch (error) {
    if (error instanceof OptionError) return error;
    throw error;
  }
  throw new Error("no error");
}

const directories: string[] = [];
function configFile(name: string, text: string): string {
  const directory = mkdtempSync(join(tmpdir(), "thermo-options-"));
  directories.push(directory);
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe("parseOptions", () => {
  test("defaults", () => {
    expect(options([])).toEqual({
      mode: "deploy",
      isPlan: false,
      isJson: false,
      region: undefined,
      profile: undefined,
      stage: "prod",
      timezone: "UTC",
      retentionDays: undefined,
      logRetentionDays: 30,
      reservedConcurrency: 5,
      corsOrigins: [],
      defaultUnit: "F",
      rotateTokens: false,
      retireOldTokens: false,
      tokenScopes: ["ingest", "read", "admin"],
      deleteData: false,
      yes: false,
      bundlePath: undefined,
      configPath: undefined,
    });
    expect(Object.isFrozen(options([]))).toBe(true);
  });

  test("help", () => {
    expect(parseOptions(["--help"])).toEqual({ help: true });
    expect(parseOptions(["-h"])).toEqual({ help: true });
  });

  test("every flag", () => {
    const parsed = options([
      "--region", "eu-central-1", "--profile", "thermo", "--stage", "test-2", "--timezone", "America/Chicago",
      "--retention-days", "365", "--log-retention-days", "14", "--reserved-concurrency", "none",
      "--cors-origin", "https://example.com/", "--default-unit", "C", "--json", "--plan",
    ]);

    expect(parsed.region).toBe("eu-central-1");
    expect(parsed.profile).toBe("thermo");
    expect(parsed.stage).toBe("test-2");
    expect(parsed.timezone).toBe("America/Chicago");
    expect(parsed.retentionDays).toBe(365);
    expect(parsed.logRetentionDays).toBe(14);
    expect(parsed.reservedConcurrency).toBeNull();
    expect(parsed.corsOrigins).toEqual(["https://example.com"]);
    expect(parsed.defaultUnit).toBe("C");
    expect(parsed.isJson).toBe(true);
    expect(parsed.isPlan).toBe(true);
  });

  test.each([
    [["--stage", "Prod"], "--stage", 'invalid --stage "Prod"'],
    [["--stage", "a--b"], "--stage", 'invalid --stage "a--b"'],
    [["--stage", "prod-"], "--stage", 'invalid --stage "prod-"'],
    [["--stage", "1prod"], "--stage", 'invalid --stage "1prod"'],
    [["--stage", "a".repeat(25)], "--stage", "invalid --stage"],
    [["--region", "useast1"], "--region", 'invalid --region "useast1": expected an AWS region name'],
    [["--timezone", "Mars/Olympus"], "--timezone", 'invalid --timezone "Mars/Olympus": not an IANA time zone name'],
    [["--retention-days", "0"], "--retention-days", "invalid --retention-days 0: expected 1 to 36500"],
    [["--retention-days", "36501"], "--retention-days", "invalid --retention-days 36501: expected 1 to 36500"],
    [["--retention-days", "7.5"], "--retention-days", 'invalid --retention-days "7.5": expected a whole number'],
    [["--log-retention-days", "10"], "--log-retention-days", "invalid --log-retention-days 10: CloudWatch Logs accepts one of 1, 3, 5, 7, 14, 30"],
    [["--reserved-concurrency", "0"], "--reserved-concurrency", "invalid --reserved-concurrency 0: expected 1 to 1000, or none"],
    [["--cors-origin", "https://example.com/app"], "--cors-origin", 'invalid --cors-origin "https://example.com/app"'],
    [["--cors-origin", "ftp://example.com"], "--cors-origin", 'invalid --cors-origin "ftp://example.com"'],
    [["--cors-origin", "*"], "--cors-origin", 'invalid --cors-origin "*"'],
    [["--default-unit", "K"], "--default-unit", 'invalid --default-unit "K": expected F or C'],
    [["--bogus"], "--bogus", "unknown option --bogus"],
    [["--stage"], "--stage", "missing value for --stage"],
    [["deploy"], "deploy", 'unexpected argument "deploy"'],
    [["--delete-data"], "--delete-data", "--delete-data is only valid with --destroy"],
    [["--destroy", "--rotate-tokens"], "--rotate-tokens", "--rotate-tokens cannot be combined with --destroy"],
    [["--destroy", "--retire-old-tokens"], "--retire-old-tokens", "--retire-old-tokens cannot be combined with --destroy"],
    [["--rotate-tokens", "--retire-old-tokens"], "--retire-old-tokens", "--retire-old-tokens cannot be combined with --rotate-tokens"],
    [["--scope", "ingest"], "--scope", "--scope is only valid with --rotate-tokens or --retire-old-tokens"],
    [["--rotate-tokens", "--scope", "write"], "--scope", 'invalid --scope: "write" is not a token scope; expected ingest, read, admin'],
    [["--rotate-tokens", "--scope", "ingest,,read"], "--scope", 'invalid --scope: an empty scope in "ingest,,read" is not a token scope'],
    [["--retire-old-tokens", "--scope", "Ingest"], "--scope", 'invalid --scope: "Ingest" is not a token scope'],
    [["--rotate-tokens", "--scope"], "--scope", "missing value for --scope"],
  ])("rejects %p", (argv, option, message) => {
    const error = optionError(argv);

    expect(error.name).toBe("OptionError");
    expect(error.option).toBe(option);
    expect(error.message).toContain(message);
  });

  test("scope lists combine in scope order", () => {
    expect(options(["--rotate-tokens", "--scope", "admin", "--scope", "read, ingest", "--scope", "admin"]).tokenScopes).toEqual(["ingest", "read", "admin"]);
    expect(options(["--retire-old-tokens", "--scope", "read"]).tokenScopes).toEqual(["read"]);
    expect(options(["--retire-old-tokens"]).tokenScopes).toEqual(["ingest", "read", "admin"]);
    expect(options(["--retire-old-tokens"]).retireOldTokens).toBe(true);
  });

  test("toml config file, flags win", () => {
    const path = configFile("thermo.deploy.toml", 'stage = "home"\nregion = "us-west-2"\nretention_days = 90\ncors_origins = ["https://a.example"]\n');

    const parsed = options(["--config", path, "--region", "eu-west-1"]);

    expect(parsed.stage).toBe("home");
    expect(parsed.region).toBe("eu-west-1");
    expect(parsed.retentionDays).toBe(90);
    expect(parsed.corsOrigins).toEqual(["https://a.example"]);
    expect(parsed.configPath).toBe(path);
  });

  test("json config file values are validated by key", () => {
    const path = configFile("thermo.deploy.json", JSON.stringify({ log_retention_days: 8 }));

    const error = optionError(["--config", path]);

    expect(error.option).toBe(`log_retention_days in ${path}`);
    expect(error.message).toContain(`invalid log_retention_days in ${path} 8`);
  });

  test.each([
    ["unknown key", "x.json", JSON.stringify({ stag: "x" }), 'unknown key "stag"'],
    ["wrong type", "x.json", JSON.stringify({ retention_days: "ten" }), '"retention_days"'],
    ["run-only key", "x.toml", "destroy = true\n", 'key "destroy" is not allowed'],
    ["retire key", "x.json", JSON.stringify({ retire_old_tokens: true }), 'key "retire_old_tokens" is not allowed'],
    ["scope key", "x.toml", 'scope = "ingest"\n', 'key "scope" is not allowed'],
    ["bad toml", "x.toml", "stage = \n", "invalid config file"],
    ["bad extension", "x.yaml", "stage: x\n", "must end in .json or .toml"],
  ])("config file %s", (_case, name, text, message) => {
    const path = configFile(name, text);

    expect(() => parseOptions(["--config", path])).toThrow(ConfigFileError);
    expect(() => parseOptions(["--config", path])).toThrow(message);
  });

  test("missing config file", () => {
    expect(() => parseOptions(["--config", "/nonexistent/thermo.deploy.json"])).toThrow('cannot read config file "/nonexistent/thermo.deploy.json": file not found');
  });
});
