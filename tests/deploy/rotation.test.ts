import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { isTokenValid } from "../../cloud/auth.ts";
import { loadConfig, type Scope } from "../../cloud/config.ts";
import { hashToken } from "../../deploy/tokens.ts";
import { createWorld, type World } from "./world.ts";

let world: World;
/** Tokens printed by the first deploy. */
let original: Record<Scope, string>;

beforeEach(async () => {
  world = await createWorld();
  const first = await world.run(["--json"]);
  expect(first.code).toBe(0);
  original = first.json.tokens;
  world.clearCalls();
});
afterEach(async () => {
  await world.close();
});

function deployedEnvironment(): Record<string, string> {
  return { ...world.cloud.functions.get("thermo-prod")!.configuration.Environment!.Variables! };
}

/** Returns whether the app, configured from the deployed environment, accepts `token` for `scope`. */
async function isAccepted(scope: Scope, token: string): Promise<boolean> {
  return await isTokenValid(loadConfig(deployedEnvironment()), scope, token);
}

function readState(): any {
  return JSON.parse(readFileSync(world.statePath(), "utf8"));
}

describe("rotate one scope", () => {
  test("deploys new and old hashes for that scope only", async () => {
    const nowIso = new Date(world.clock.now()).toISOString();

    const result = await world.run(["--json", "--rotate-tokens", "--scope", "ingest"]);

    expect(result.code).toBe(0);
    const fresh: string = result.json.tokens.ingest;
    expect(Object.keys(result.json.tokens)).toEqual(["ingest"]);
    expect(world.mutatingCalls()).toEqual(["UpdateFunctionConfiguration"]);
    const [input] = world.cloud.inputsOf("UpdateFunctionConfiguration");
    expect(input).toEqual({
      FunctionName: "thermo-prod",
      Environment: {
        Variables: {
          THERMO_TABLE: "thermo-prod",
          THERMO_TIMEZONE: "UTC",
          THERMO_DEFAULT_UNIT: "F",
          THERMO_INGEST_TOKEN_SHA256: `${hashToken(fresh)},${hashToken(original.ingest)}`,
          THERMO_READ_TOKEN_SHA256: hashToken(original.read),
          THERMO_ADMIN_TOKEN_SHA256: hashToken(original.admin),
        },
      },
    });
    expect(readState().tokens).toEqual({ ...original, ingest: fresh });
    expect(readState().previousTokens).toEqual({ ingest: [{ sha256: hashToken(original.ingest), token: original.ingest, replacedAt: nowIso }] });
    expect(result.json.previousTokensAccepted).toEqual({ ingest: true, read: false, admin: false });
    expect(result.json.previousTokens).toEqual({ ingest: { count: 1, lastReplacedAt: nowIso } });
  });

  test("app accepts old and new tokens", async () => {
    const result = await world.run(["--json", "--rotate-tokens", "--scope", "ingest"]);
    const fresh: string = result.json.tokens.ingest;

    expect(await isAccepted("ingest", original.ingest)).toBe(true);
    expect(await isAccepted("ingest", fresh)).toBe(true);
    expect(await isAccepted("read", original.read)).toBe(true);
    expect(await isAccepted("admin", original.admin)).toBe(true);
    expect(await isAccepted("read", fresh)).toBe(false);
    expect(await isAccepted("admin", original.ingest)).toBe(false);
  });

  test("human output says old tokens work and how to finish", async () => {
    const result = await world.run(["--rotate-tokens", "--scope", "read"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Issuing new tokens for read; the tokens they replace stay accepted until --retire-old-tokens");
    expect(result.stdout).toContain("updated      function thermo-prod: environment THERMO_READ_TOKEN_SHA256 (1 → 2 hashes, 1 added)");
    expect(result.stdout).toMatch(/New tokens \(shown once[^\n]*\n {2}read {4}[A-Za-z0-9_-]{43} /);
    expect(result.stdout).not.toMatch(/\n {2}ingest {2}[A-Za-z0-9_-]{43}/);
    expect(result.stdout).toContain("Old tokens still work: the function accepts the replaced tokens next to the new ones.");
    expect(result.stdout).toContain("  read    1 old token, replaced 2026-12-01T12:00:");
    expect(result.stdout).toContain("--retire-old-tokens --scope read in place of --rotate-tokens.");
    expect(result.stdout).not.toContain(original.read);
  });

  test("plain run afterwards changes nothing", async () => {
    await world.run(["--rotate-tokens", "--scope", "admin"]);
    const stateBefore = readFileSync(world.statePath(), "utf8");
    world.clearCalls();

    const result = await world.run(["--json"]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual([]);
    expect(readFileSync(world.statePath(), "utf8")).toBe(stateBefore);
    expect(result.json.tokens).toBeUndefined();
    expect(result.json.previousTokensAccepted).toEqual({ ingest: false, read: false, admin: true });
  });

  test("second rotation keeps both old tokens", async () => {
    const first = await world.run(["--json", "--rotate-tokens", "--scope", "ingest"]);
    const second = await world.run(["--json", "--rotate-tokens", "--scope", "ingest"]);

    expect(second.code).toBe(0);
    expect(deployedEnvironment().THERMO_INGEST_TOKEN_SHA256).toBe(
      [second.json.tokens.ingest, original.ingest, first.json.tokens.ingest].map(hashToken).join(","),
    );
    expect(await isAccepted("ingest", original.ingest)).toBe(true);
    expect(await isAccepted("ingest", first.json.tokens.ingest)).toBe(true);
    expect(second.json.previousTokens.ingest.count).toBe(2);
  });

  test("crash before the update resumes on the next run", async () => {
    world.cloud.failNext("UpdateFunctionConfiguration", () => new Error("simulated crash"));
    const failed = await world.run(["--rotate-tokens", "--scope", "ingest"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("simulated crash");
    expect(deployedEnvironment().THERMO_INGEST_TOKEN_SHA256).toBe(hashToken(original.ingest));
    const fresh: string = readState().tokens.ingest;

    const resumed = await world.run(["--json"]);

    expect(resumed.code).toBe(0);
    expect(resumed.json.tokens).toEqual({ ingest: fresh });
    expect(deployedEnvironment().THERMO_INGEST_TOKEN_SHA256).toBe(`${hashToken(fresh)},${hashToken(original.ingest)}`);
  });
});

describe("retire old tokens", () => {
  test("leaves only the new hash", async () => {
    const rotated = await world.run(["--json", "--rotate-tokens", "--scope", "ingest"]);
    const fresh: string = rotated.json.tokens.ingest;
    world.clearCalls();

    const result = await world.run(["--json", "--retire-old-tokens", "--scope", "ingest"]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual(["UpdateFunctionConfiguration"]);
    const [input] = world.cloud.inputsOf("UpdateFunctionConfiguration");
    expect(input.Environment.Variables.THERMO_INGEST_TOKEN_SHA256).toBe(hashToken(fresh));
    expect(input.Environment.Variables.THERMO_READ_TOKEN_SHA256).toBe(hashToken(original.read));
    expect(await isAccepted("ingest", fresh)).toBe(true);
    expect(await isAccepted("ingest", original.ingest)).toBe(false);
    expect(readState().previousTokens).toBeUndefined();
    expect(readState().tokens.ingest).toBe(fresh);
    expect(result.json.tokens).toBeUndefined();
    expect(result.json.previousTokensAccepted).toEqual({ ingest: false, read: false, admin: false });
    expect(result.stderr).toContain("Retiring old ingest tokens: removing 1 previous token (replaced 2026-12-01T12:00:");
    expect(result.stderr).toContain("only the current ingest token stays accepted");
  });

  test("scope limit keeps other scopes' old tokens", async () => {
    await world.run(["--rotate-tokens"]);

    const result = await world.run(["--json", "--retire-old-tokens", "--scope", "read,admin"]);

    expect(result.code).toBe(0);
    expect(result.json.previousTokensAccepted).toEqual({ ingest: true, read: false, admin: false });
    expect(await isAccepted("ingest", original.ingest)).toBe(true);
    expect(await isAccepted("read", original.read)).toBe(false);
    expect(await isAccepted("admin", original.admin)).toBe(false);
  });

  test("second retire is a no-op", async () => {
    await world.run(["--rotate-tokens", "--scope", "ingest"]);
    await world.run(["--retire-old-tokens"]);
    const stateBefore = readFileSync(world.statePath(), "utf8");
    world.clearCalls();

    const result = await world.run(["--retire-old-tokens"]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual([]);
    expect(readFileSync(world.statePath(), "utf8")).toBe(stateBefore);
    expect(result.stdout).toContain("Retiring old ingest tokens: no previous tokens to retire");
    expect(result.stdout).toContain("No changes: everything is up to date");
  });

  test("without tokens in the state file is rejected", async () => {
    rmSync(world.statePath());

    const result = await world.run(["--retire-old-tokens"]);

    expect(result.code).toBe(1);
    expect(world.mutatingCalls()).toEqual([]);
    expect(result.stderr).toContain("error: cannot retire old tokens: state file");
    expect(result.stderr).toContain("fix: run --rotate-tokens first");
  });
});

describe("lost state file", () => {
  test("rotate keeps old hashes, retire removes them", async () => {
    rmSync(world.statePath());
    const nowIso = new Date(world.clock.now()).toISOString();

    const rotated = await world.run(["--json", "--rotate-tokens"]);

    expect(rotated.code).toBe(0);
    const fresh: Record<Scope, string> = rotated.json.tokens;
    expect(Object.keys(fresh)).toEqual(["ingest", "read", "admin"]);
    expect(rotated.json.warnings).toHaveLength(1);
    expect(rotated.json.warnings[0]).toContain("has no tokens, so this run issues new tokens for every scope and the 3 token hashes already deployed stay accepted");
    expect(rotated.json.warnings[0]).toContain("run with --retire-old-tokens: it removes every hash that the state file has no current token for");
    expect(rotated.json.previousTokensAccepted).toEqual({ ingest: true, read: true, admin: true });
    for (const scope of ["ingest", "read", "admin"] as const) {
      expect(await isAccepted(scope, original[scope])).toBe(true);
      expect(await isAccepted(scope, fresh[scope])).toBe(true);
    }
    expect(readState().previousTokens.read).toEqual([{ sha256: hashToken(original.read), replacedAt: nowIso }]);
    world.clearCalls();

    const settled = await world.run([]);
    expect(world.mutatingCalls()).toEqual([]);
    expect(settled.stdout).toContain("Old tokens still work");

    const retired = await world.run(["--retire-old-tokens"]);

    expect(retired.code).toBe(0);
    expect(retired.stdout).toContain(`Retiring old read tokens: removing 1 previous token (replaced ${nowIso}, 1 of them known only by hash from before the state file was lost)`);
    expect(world.mutatingCalls()).toEqual(["UpdateFunctionConfiguration"]);
    for (const scope of ["ingest", "read", "admin"] as const) {
      expect(await isAccepted(scope, original[scope])).toBe(false);
      expect(await isAccepted(scope, fresh[scope])).toBe(true);
    }
    expect(readState().previousTokens).toBeUndefined();
  });

  test("retire removes hashes the state file does not know", async () => {
    const stranger = "f".repeat(64);
    world.cloud.functions.get("thermo-prod")!.configuration.Environment!.Variables!.THERMO_ADMIN_TOKEN_SHA256 = `${hashToken(original.admin)},${stranger}`;

    const result = await world.run(["--retire-old-tokens", "--scope", "admin"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Retiring old admin tokens: removing 1 deployed hash that the state file does not know; only the current admin token stays accepted");
    expect(deployedEnvironment().THERMO_ADMIN_TOKEN_SHA256).toBe(hashToken(original.admin));
    expect(result.stdout).not.toContain(stranger);
  });

  test("scoped rotation is rejected", async () => {
    rmSync(world.statePath());

    const result = await world.run(["--rotate-tokens", "--scope", "ingest"]);

    expect(result.code).toBe(1);
    expect(world.mutatingCalls()).toEqual([]);
    expect(result.stderr).toContain("error: cannot rotate only ingest: state file");
    expect(result.stderr).toContain("has no tokens, so every scope needs a new token");
    expect(result.stderr).toContain("fix: run --rotate-tokens without --scope");
  });
});

describe("plan", () => {
  test("rotation lists the change and makes none", async () => {
    const stateBefore = readFileSync(world.statePath(), "utf8");

    const result = await world.run(["--plan", "--json", "--rotate-tokens", "--scope", "read"]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual([]);
    expect(readFileSync(world.statePath(), "utf8")).toBe(stateBefore);
    expect(result.stderr).toContain("Would issue new tokens for read; the tokens they replace stay accepted until --retire-old-tokens");
    expect(result.stderr).toContain("would update function thermo-prod: environment THERMO_READ_TOKEN_SHA256 (1 → 2 hashes, 1 added)");
    expect(result.stderr).toContain("Plan: 0 to create, 1 to update, 0 to delete, 6 unchanged; run without --plan to apply");
    expect(result.json.tokens).toBeUndefined();
    expect(result.json.previousTokensAccepted).toEqual({ ingest: false, read: true, admin: false });
  });

  test("retirement lists the removal and makes none", async () => {
    await world.run(["--rotate-tokens", "--scope", "ingest"]);
    const stateBefore = readFileSync(world.statePath(), "utf8");
    world.clearCalls();

    const result = await world.run(["--plan", "--retire-old-tokens"]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual([]);
    expect(readFileSync(world.statePath(), "utf8")).toBe(stateBefore);
    expect(result.stdout).toContain("Would retire old ingest tokens: would remove 1 previous token (replaced 2026-12-01T12:00:");
    expect(result.stdout).toContain("Would retire old read tokens: no previous tokens to retire");
    expect(result.stdout).toContain("would update function thermo-prod: environment THERMO_INGEST_TOKEN_SHA256 (2 → 1 hash, 1 removed)");
    expect(result.stdout).toContain("Plan: 0 to create, 1 to update, 0 to delete, 6 unchanged");
    expect(await isAccepted("ingest", original.ingest)).toBe(true);
  });
});

describe("scope option", () => {
  test("invalid scope exits 2 with the allowed values", async () => {
    const result = await world.run(["--rotate-tokens", "--scope", "write"]);

    expect(result.code).toBe(2);
    expect(world.mutatingCalls()).toEqual([]);
    expect(result.stderr).toContain('error: invalid --scope: "write" is not a token scope; expected ingest, read, admin');
    expect(result.stderr).toContain("fix: repeat --scope or separate scopes with commas");
  });

  test("repeated and comma-separated scopes combine", async () => {
    const result = await world.run(["--json", "--rotate-tokens", "--scope", "admin", "--scope", "ingest,admin"]);

    expect(result.code).toBe(0);
    expect(Object.keys(result.json.tokens)).toEqual(["ingest", "admin"]);
    expect(result.json.previousTokensAccepted).toEqual({ ingest: true, read: false, admin: true });
  });
});

describe("state file during rotation", () => {
  test("stays 0600 and outside the working tree", async () => {
    const rotated = await world.run(["--json", "--rotate-tokens"]);
    await world.run(["--retire-old-tokens"]);

    expect(statSync(world.statePath()).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(world.statePath())).mode & 0o777).toBe(0o700);
    expect(readdirSync(dirname(world.statePath()))).toEqual(["deploy-prod-us-east-1.json"]);
    expect(readdirSync(world.workingDirectory)).toEqual([]);
    expect(world.statePath().startsWith(world.configHome)).toBe(true);
    expect(readState().tokens).toEqual(rotated.json.tokens);
  });

  test("plaintext tokens never reach AWS", async () => {
    const rotated = await world.run(["--json", "--rotate-tokens"]);
    await world.run(["--retire-old-tokens"]);

    const everything = JSON.stringify(world.cloud.log, (_key, value) => (value instanceof Uint8Array ? "<zip>" : value));
    for (const token of [...Object.values(original), ...(Object.values(rotated.json.tokens) as string[])]) {
      expect(everything).not.toContain(token);
      expect(rotated.stderr).not.toContain(token);
    }
  });
});
