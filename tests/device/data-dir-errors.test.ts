/** A data_dir thermo cannot use is reported with the key, the path and what to do. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { runCommand } from "../../device/cli/commands/run.ts";
import { runCli } from "../../device/cli/main.ts";
import { loadConfig } from "../../device/config/load.ts";
import { describeDataDirError } from "../../device/outbox/database.ts";
import { EXIT_CODES } from "../../device/run/exit-codes.ts";
import { Logger, memorySink } from "../../lib/log.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";

let tree: ReturnType<typeof makeTempTree>;

beforeEach(() => {
  tree = makeTempTree();
});

afterEach(() => tree.remove());

describe("data_dir errors", () => {
  test("EACCES names the key, path and fix", () => {
    const error = Object.assign(new Error("EACCES: permission denied, mkdir '/root/x'"), { code: "EACCES" });
    const message = describeDataDirError("/root/x", error).message;
    expect(message).toContain('data_dir "/root/x"');
    expect(message).toContain("EACCES: permission denied, mkdir '/root/x'");
    expect(message).toContain("writable");
    expect(message).toContain("--data-dir");
  });

  test("run logs start_failed with data_dir", async () => {
    // A regular file in the way makes mkdir fail even for root, which ignores permission bits.
    const blocker = tree.write("blocker", "");
    const dataDir = join(blocker, "data");
    const config = loadConfig({ flags: { sensor: "simulated", relay: "simulated", data_dir: dataDir, api_port: "0" }, env: {}, readTextFile: () => "" });
    const sink = memorySink();

    const code = await runCommand({ config, logger: new Logger("thermo", { sink: sink.sink }) });

    expect(code).toBe(EXIT_CODES.startFailure);
    const failure = sink.records().find((record) => record.event === "start_failed") as { error: { message: string } } | undefined;
    expect(failure?.error.message).toContain(`data_dir ${JSON.stringify(dataDir)}`);
    expect(failure?.error.message).toContain("ENOTDIR");
  });

  test("requeue names data_dir", async () => {
    const dataDir = join(tree.write("blocker", ""), "data");
    const err: string[] = [];

    const code = await runCli(["requeue-dead-letters", "--data-dir", dataDir], { io: { out: () => {}, err: (text) => void err.push(text) }, env: {}, readTextFile: () => "", logSink: () => {} });

    expect(code).toBe(EXIT_CODES.startFailure);
    expect(err[0]).toContain(`data_dir ${JSON.stringify(dataDir)}`);
  });
});
