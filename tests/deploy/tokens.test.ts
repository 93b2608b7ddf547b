import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { generateToken, hashToken } from "../../deploy/tokens.ts";
import { createWorld, type World } from "./world.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

function deployedHashes(): Record<string, string | undefined> {
  const variables = world.cloud.functions.get("thermo-prod")!.configuration.Environment!.Variables!;
  return {
    ingest: variables.THERMO_INGEST_TOKEN_SHA256,
    read: variables.THERMO_READ_TOKEN_SHA256,
    admin: variables.THERMO_ADMIN_TOKEN_SHA256,
  };
}

describe("tokens", () => {
  test("generateToken is 32 random bytes in base64url", () => {
    const tokens = new Set(Array.from({ length: 50 }, generateToken));

    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(Buffer.from(token, "base64url")).toHaveLength(32);
  });

  test("hashToken is lowercase hex SHA-256", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  test("lost state file keeps deployed hashes and warns", async () => {
    await world.run([]);
    const before = deployedHashes();
    rmSync(world.statePath());
    world.clearCalls();

    const result = await world.run(["--json"]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual([]);
    expect(deployedHashes()).toEqual(before);
    expect(result.json.tokens).toBeUndefined();
    expect(result.json.warnings[0]).toContain("cannot be recovered, because AWS stores only their SHA-256 hashes");
    expect(result.json.warnings[0]).toContain("--rotate-tokens");
  });

  test("rotate adds new hashes before old ones", async () => {
    const first = await world.run(["--json"]);
    world.clearCalls();

    const rotated = await world.run(["--json", "--rotate-tokens"]);

    expect(rotated.code).toBe(0);
    expect(rotated.json.tokens.ingest).not.toBe(first.json.tokens.ingest);
    expect(deployedHashes()).toEqual({
      ingest: `${hashToken(rotated.json.tokens.ingest)},${hashToken(first.json.tokens.ingest)}`,
      read: `${hashToken(rotated.json.tokens.read)},${hashToken(first.json.tokens.read)}`,
      admin: `${hashToken(rotated.json.tokens.admin)},${hashToken(first.json.tokens.admin)}`,
    });
    expect(world.mutatingCalls()).toEqual(["UpdateFunctionConfiguration"]);
    expect(JSON.parse(readFileSync(world.statePath(), "utf8")).tokens).toEqual(rotated.json.tokens);
  });

  test("rotate after a lost state file recovers access", async () => {
    await world.run([]);
    const before = deployedHashes();
    rmSync(world.statePath());

    const result = await world.run(["--json", "--rotate-tokens"]);

    expect(result.code).toBe(0);
    expect(deployedHashes().read).toBe(`${hashToken(result.json.tokens.read)},${before.read}`);
  });

  test("state file of another account is rejected", async () => {
    await world.run([]);
    const state = JSON.parse(readFileSync(world.statePath(), "utf8"));
    writeFileSync(world.statePath(), JSON.stringify({ ...state, accountId: "999999999999" }), { mode: 0o600 });

    const result = await world.run([]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("belongs to account 999999999999, but the credentials are for account 123456789012");
  });
});
