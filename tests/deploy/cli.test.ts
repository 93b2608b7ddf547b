import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createAwsClients } from "../../deploy/clients.ts";

const ENTRY = resolve(import.meta.dir, "../../deploy.ts");
const home = mkdtempSync(join(tmpdir(), "thermo-cli-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/**
 * Runs deploy.ts in a child with no AWS settings at all: no region, no
 * credentials, config files that do not exist and the instance metadata
 * service turned off, so nothing can reach AWS.
 */
async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(["bun", ENTRY, ...args], {
    cwd: home,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      AWS_CONFIG_FILE: join(home, "missing-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, "missing-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

describe("deploy.ts", () => {
  test("--help prints usage, exit 0", async () => {
    const result = await runCli(["--help"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: bun run deploy.ts [options]");
    expect(result.stdout).toContain("--delete-data");
    expect(result.stdout).toContain("--retire-old-tokens");
    expect(result.stdout).toContain("--scope SCOPE");
  });

  test("invalid option exits 2 without a stack", async () => {
    const result = await runCli(["--stage", "Nope"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: invalid --stage "Nope"');
    expect(result.stderr).not.toContain("    at ");
  });

  test("missing region says how to set one", async () => {
    const result = await runCli(["--plan", "--bundle", ENTRY]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: no AWS region configured");
    expect(result.stderr).toContain("fix: pass --region us-east-1");
  });
});

describe("createAwsClients", () => {
  test("passes region and profile to every client", async () => {
    const clients = createAwsClients({ region: "eu-west-1", profile: "thermo" });

    for (const client of Object.values(clients)) {
      expect(await client.config.region()).toBe("eu-west-1");
      expect(client.config.profile).toBe("thermo");
      client.destroy();
    }
  });
});
