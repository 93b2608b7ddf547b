import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StateFileError } from "../../deploy/errors.ts";
import { readStateFile, stateFilePath, writeStateFile, type DeployState } from "../../deploy/state-file.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "thermo-state-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const STATE: DeployState = {
  version: 1,
  stage: "prod",
  region: "us-east-1",
  accountId: "123456789012",
  tokens: { ingest: "i".repeat(43), read: "r".repeat(43), admin: "a".repeat(43) },
  tokensShown: false,
};

describe("stateFilePath", () => {
  test("uses XDG_CONFIG_HOME", () => {
    expect(stateFilePath({ stage: "prod", region: "eu-west-1", env: { XDG_CONFIG_HOME: "/cfg" }, workingDirectory: root })).toBe("/cfg/thermo/deploy-prod-eu-west-1.json");
  });

  test("falls back to ~/.config", () => {
    expect(stateFilePath({ stage: "a", region: "us-east-1", env: { HOME: "/home/u" }, workingDirectory: root })).toBe("/home/u/.config/thermo/deploy-a-us-east-1.json");
  });

  test("rejects a path in the working tree", () => {
    expect(() => stateFilePath({ stage: "a", region: "us-east-1", env: { XDG_CONFIG_HOME: join(root, "cfg") }, workingDirectory: root })).toThrow(StateFileError);
  });
});

describe("writeStateFile", () => {
  test("writes 0600 in a 0700 folder, no temp left", () => {
    const path = join(root, "thermo", "deploy-prod-us-east-1.json");

    writeStateFile(path, STATE);

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, "thermo")).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(root, "thermo"))).toEqual(["deploy-prod-us-east-1.json"]);
    expect(readStateFile(path)).toEqual(STATE);
  });

  test("replaces the old file whole", () => {
    const path = join(root, "thermo", "s.json");
    writeStateFile(path, STATE);

    writeStateFile(path, { ...STATE, tokensShown: true });

    expect(readStateFile(path)?.tokensShown).toBe(true);
  });
});

describe("readStateFile", () => {
  test("missing file is undefined", () => {
    expect(readStateFile(join(root, "none.json"))).toBeUndefined();
  });

  test("invalid JSON names the file and the way out", () => {
    const path = join(root, "s.json");
    writeFileSync(path, "{", { mode: 0o600 });

    expect(() => readStateFile(path)).toThrow(`state file "${path}" is not valid JSON`);
  });

  test("wrong shape is rejected", () => {
    const path = join(root, "s.json");
    writeFileSync(path, JSON.stringify({ ...STATE, accountId: "x" }), { mode: 0o600 });

    expect(() => readStateFile(path)).toThrow("accountId");
  });

  test("previous tokens round-trip", () => {
    const path = join(root, "thermo", "s.json");
    const state: DeployState = {
      ...STATE,
      issuedScopes: ["ingest"],
      previousTokens: {
        ingest: [
          { sha256: "a".repeat(64), token: "o".repeat(43), replacedAt: "2026-12-01T12:00:00.000Z" },
          { sha256: "b".repeat(64), replacedAt: "2026-12-02T12:00:00.000Z" },
        ],
      },
    };

    writeStateFile(path, state);

    expect(readStateFile(path)).toEqual(state);
  });

  test("previous token with a bad hash is rejected", () => {
    const path = join(root, "s.json");
    const previousTokens = { read: [{ sha256: "not-a-hash", replacedAt: "2026-12-01T12:00:00.000Z" }] };
    writeFileSync(path, JSON.stringify({ ...STATE, previousTokens }), { mode: 0o600 });

    expect(() => readStateFile(path)).toThrow("sha256");
  });

  test("loose mode is narrowed and reported", () => {
    const path = join(root, "thermo", "s.json");
    mkdirSync(join(root, "thermo"));
    writeFileSync(path, JSON.stringify(STATE));
    chmodSync(path, 0o644);
    const reported: number[] = [];

    readStateFile(path, (mode) => reported.push(mode));

    expect(reported).toEqual([0o644]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
