/** readDevTokens: `bun run dev` takes only tokens that the API can accept in an Authorization header. */
import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { bearerToken, isTokenValid, sha256Hex, TOKEN_FORM } from "../../cloud/auth.ts";
import { loadConfig } from "../../cloud/config.ts";
import { ConfigError } from "../../cloud/errors.ts";
import { readDevTokens } from "../../dev/tokens-from-env.ts";

const PROCESS_TIMEOUT_MS = 20_000;

const REJECTED: [string, string][] = [
  ["space inside", "dev read token"],
  ["leading space", " dev-read-token"],
  ["trailing space", "dev-read-token "],
  ["tab inside", "dev\tread"],
  ["newline inside", "dev\nread"],
  ["513 characters", "r".repeat(513)],
];

const ACCEPTED: [string, string][] = [
  ["one character", "r"],
  ["512 characters", "r".repeat(512)],
  ["punctuation", "dev-read_token.~+/="],
];

function problemsOf(env: Record<string, string>): string[] {
  try {
    readDevTokens(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("readDevTokens accepted the environment");
}

/** Checks whether the API accepts `token` for reads when it is the configured read token and sent as a bearer header. */
async function isAcceptedByApi(token: string): Promise<boolean> {
  const config = loadConfig({ THERMO_TABLE: "thermo", THERMO_READ_TOKEN_SHA256: await sha256Hex(token) });
  return isTokenValid(config, "read", bearerToken(`Bearer ${token}`));
}

describe("readDevTokens", () => {
  test.each(REJECTED)("%s rejected", (_label, token) => {
    const problems = problemsOf({ THERMO_READ_TOKEN: token });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith(`THERMO_READ_TOKEN (${token.length} characters) is not a token the API accepts`);
    expect(problems[0]).toContain(TOKEN_FORM);
    expect(problems[0]).not.toContain(token);
  });

  test.each(REJECTED)("%s never accepted by API", async (_label, token) => {
    expect(await isAcceptedByApi(token)).toBe(false);
  });

  test.each(ACCEPTED)("%s accepted", async (_label, token) => {
    expect(readDevTokens({ THERMO_INGEST_TOKEN: token })).toEqual({ ingest: token });
    expect(await isAcceptedByApi(token)).toBe(true);
  });

  test("every bad variable named", () => {
    const problems = problemsOf({ THERMO_INGEST_TOKEN: "a b", THERMO_READ_TOKEN: "fine", THERMO_ADMIN_TOKEN: "x".repeat(600) });

    expect(problems).toHaveLength(2);
    expect(problems[0]).toStartWith("THERMO_INGEST_TOKEN (3 characters)");
    expect(problems[1]).toStartWith("THERMO_ADMIN_TOKEN (600 characters)");
  });

  test("unset and empty left out", () => {
    expect(readDevTokens({ THERMO_INGEST_TOKEN: "", THERMO_READ_TOKEN: "read-token" })).toEqual({ read: "read-token" });
  });
});

describe("dev command tokens", () => {
  test("token with space exits 2", async () => {
    const child = Bun.spawn(["bun", "run", resolve(import.meta.dir, "../../dev.ts"), "--memory", "--no-device", "--port", "0"], {
      env: { ...process.env, THERMO_INGEST_TOKEN: "secret ingest value" },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);

    expect(exitCode).toBe(2);
    expect(stderr).toContain("THERMO_INGEST_TOKEN (19 characters) is not a token the API accepts");
    expect(stderr).not.toContain("secret ingest value");
    expect(stdout).not.toContain("running");
  }, PROCESS_TIMEOUT_MS);
});
