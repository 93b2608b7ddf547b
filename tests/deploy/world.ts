/**
 * Test world for deploy runs: dynalite on 127.0.0.1 for the table, the fake
 * control plane for IAM, Lambda, CloudWatch Logs and STS, a temporary
 * config home for the state file, a small fake bundle and a fake clock.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { main } from "../../deploy/main.ts";
import type { Clock } from "../../deploy/context.ts";
import { FakeControlPlane, REGION } from "./fake-control-plane.ts";
import { installDynamoShim, type DynamoShim } from "./dynamodb-shim.ts";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Parsed stdout when the run used --json and succeeded. */
  json: any;
}

export interface World {
  readonly cloud: FakeControlPlane;
  readonly dynamo: DynamoDBClient;
  readonly shim: DynamoShim;
  readonly configHome: string;
  /** The directory deploy runs in; the state file must never land inside it. */
  readonly workingDirectory: string;
  readonly bundlePath: string;
  readonly clock: Clock & { sleeps: number[] };
  /** Runs deploy.ts with `args` plus --bundle and --region, and captures its output. */
  /** `isBuilt` runs the project's real Lambda build instead of passing --bundle. */
  run(args: string[], options?: { isInteractive?: boolean; answer?: string; isBuilt?: boolean }): Promise<RunResult>;
  /** Writes new handler code, as a rebuild would. */
  writeBundle(source: string): void;
  statePath(stage?: string): string;
  /** Mutating calls of every service since the last clearCalls, in order. */
  mutatingCalls(): string[];
  clearCalls(): void;
  close(): Promise<void>;
}

/**
 * Starts a fresh world; call close() when done. `createTableMs` is how long
 * dynalite keeps a new table CREATING, in real time.
 */
export async function createWorld(options: { createTableMs?: number } = {}): Promise<World> {
  const server = dynalite({ createTableMs: options.createTableMs ?? 5, deleteTableMs: 5, updateTableMs: 5 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const dynamo = new DynamoDBClient({
    region: REGION,
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "fake-secret" },
    maxAttempts: 1,
  });
  const shim = installDynamoShim(dynamo);
  const cloud = new FakeControlPlane();
  const root = mkdtempSync(join(tmpdir(), "thermo-deploy-test-"));
  const configHome = join(root, "config");
  const workingDirectory = join(root, "work");
  const bundlePath = join(root, "index.mjs");
  mkdirSync(workingDirectory);
  writeFileSync(bundlePath, "export const handler = async () => ({ statusCode: 200, body: 'v1' });\n");

  let nowMs = Date.parse("2026-12-01T12:00:00Z");
  const sleeps: number[] = [];
  const clock = {
    sleeps,
    now: () => nowMs,
    random: () => 0.5,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      nowMs += ms;
      // Yields to the event loop so dynalite can finish its short CREATING phase.
      await new Promise((resolve) => setTimeout(resolve, 1));
    },
  };

  return {
    cloud,
    dynamo,
    shim,
    configHome,
    workingDirectory,
    bundlePath,
    clock,
    async run(args, options = {}) {
      let stdout = "";
      let stderr = "";
      const code = await main({
        argv: [...args, ...(options.isBuilt === true ? [] : ["--bundle", bundlePath]), "--region", REGION],
        env: { XDG_CONFIG_HOME: configHome, HOME: root },
        workingDirectory,
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
        isInteractive: options.isInteractive ?? false,
        prompt: async () => options.answer ?? null,
        createClients: () => ({ ...cloud.clients, dynamodb: dynamo }),
        clock,
      });
      let json: unknown;
      if (code === 0 && args.includes("--json")) json = JSON.parse(stdout);
      return { code, stdout, stderr, json };
    },
    writeBundle(source) {
      writeFileSync(bundlePath, source);
    },
    statePath(stage = "prod") {
      return join(configHome, "thermo", `deploy-${stage}-${REGION}.json`);
    },
    mutatingCalls() {
      const dynamoMutations = shim.log.filter((entry) => /^(Create|Update|Delete|Put|Tag)/.test(entry.command)).map((entry) => entry.command);
      return [...dynamoMutations, ...cloud.mutatingCommands()];
    },
    clearCalls() {
      cloud.clearLog();
      shim.log.length = 0;
    },
    async close() {
      dynamo.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
