import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createWorld, type World } from "./world.ts";

/** Runs one uninterrupted fresh deploy and returns its mutating calls in order. */
async function freshSequence(): Promise<string[]> {
  const world = await createWorld();
  try {
    await world.run([]);
    return world.mutatingCalls();
  } finally {
    await world.close();
  }
}

/** Makes the run die right after the mutating call with `index` succeeds, in whichever service it is. */
function crashAfter(world: World, index: number): void {
  let count = 0;
  const tick = (command: string) => {
    if (count++ === index) throw new Error(`simulated crash after ${command}`);
  };
  world.shim.afterMutation = tick;
  world.cloud.onMutation = tick;
}

describe("crash and resume", async () => {
  const sequence = await freshSequence();

  test("fresh sequence covers every step", () => {
    expect(sequence).toEqual([
      "CreateTable",
      "UpdateContinuousBackups",
      "CreateLogGroup",
      "PutRetentionPolicy",
      "CreateRole",
      "PutRolePolicy",
      "CreateFunction",
      "PutFunctionConcurrency",
      "CreateFunctionUrlConfig",
      "AddPermission",
      "AddPermission",
    ]);
  });

  test.each(sequence.map((command, index) => [index, command] as const))("crash after step %i (%s) resumes", async (index) => {
    const world = await createWorld();
    try {
      crashAfter(world, index);
      const crashed = await world.run(["--json"]);
      expect(crashed.code).toBe(1);
      expect(crashed.stderr).toContain("simulated crash");

      world.shim.afterMutation = undefined;
      world.cloud.onMutation = undefined;
      world.clearCalls();
      const resumed = await world.run(["--json"]);
      expect(resumed.code).toBe(0);
      expect(world.mutatingCalls()).toEqual(sequence.slice(index + 1));

      const state = JSON.parse(readFileSync(world.statePath(), "utf8"));
      expect(resumed.json.tokens).toEqual(state.tokens);
      world.clearCalls();
      const settled = await world.run([]);
      expect(settled.code).toBe(0);
      expect(world.mutatingCalls()).toEqual([]);
    } finally {
      await world.close();
    }
  });
});
