import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { createWorld, type World } from "./world.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
  expect((await world.run([])).code).toBe(0);
  world.clearCalls();
});
afterEach(async () => {
  await world.close();
});

async function tableExists(): Promise<boolean> {
  try {
    const table = await world.dynamo.send(new DescribeTableCommand({ TableName: "thermo-prod" }));
    return table.Table?.TableStatus !== "DELETING";
  } catch {
    return false;
  }
}

describe("destroy", () => {
  test("keeps the table and the state file", async () => {
    const result = await world.run(["--destroy"]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual(["DeleteFunctionUrlConfig", "DeleteFunction", "DeleteLogGroup", "DeleteRolePolicy", "DeleteRole"]);
    expect(world.cloud.functions.size).toBe(0);
    expect(world.cloud.roles.size).toBe(0);
    expect(world.cloud.logGroups.size).toBe(0);
    expect(await tableExists()).toBe(true);
    expect(existsSync(world.statePath())).toBe(true);
    expect(result.stdout).toContain("kept         table thermo-prod: your readings stay; add --delete-data to delete them");
  });

  test("second destroy finds nothing", async () => {
    await world.run(["--destroy"]);
    world.clearCalls();

    const result = await world.run(["--destroy"]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual([]);
    expect(result.stdout).toContain("absent       function thermo-prod");
  });

  test("redeploy after destroy reuses the tokens", async () => {
    const tokens = JSON.parse(await Bun.file(world.statePath()).text()).tokens;
    await world.run(["--destroy"]);

    const result = await world.run(["--json"]);

    expect(result.code).toBe(0);
    expect(JSON.parse(await Bun.file(world.statePath()).text()).tokens).toEqual(tokens);
  });

  test("delete-data without a terminal or --yes is refused", async () => {
    const result = await world.run(["--destroy", "--delete-data"]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: --delete-data needs a confirmation, and there is no terminal to type it on");
    expect(result.stderr).toContain("fix: pass --yes");
    expect(world.mutatingCalls()).toEqual([]);
  });

  test("delete-data with --yes removes everything", async () => {
    const result = await world.run(["--destroy", "--delete-data", "--yes"]);

    expect(result.code).toBe(0);
    expect(world.cloud.mutatingCommands()).toEqual(["DeleteFunctionUrlConfig", "DeleteFunction", "DeleteLogGroup", "DeleteRolePolicy", "DeleteRole"]);
    expect(world.shim.log.filter((entry) => /^(Update|Delete)/.test(entry.command)).map((entry) => entry.command)).toEqual(["UpdateTable", "DeleteTable"]);
    expect(world.shim.log.find((entry) => entry.command === "UpdateTable")?.input).toEqual({ TableName: "thermo-prod", DeletionProtectionEnabled: false });
    expect(await tableExists()).toBe(false);
    expect(existsSync(world.statePath())).toBe(false);
  });

  test("typed confirmation must match", async () => {
    const wrong = await world.run(["--destroy", "--delete-data"], { isInteractive: true, answer: "yes" });
    const right = await world.run(["--destroy", "--delete-data"], { isInteractive: true, answer: "thermo-prod" });

    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('confirmation did not match: expected "thermo-prod", nothing was deleted');
    expect(right.code).toBe(0);
    expect(await tableExists()).toBe(false);
  });

  test("plan destroy changes nothing", async () => {
    const result = await world.run(["--destroy", "--delete-data", "--plan"]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual([]);
    expect(result.stdout).toContain("would delete table thermo-prod: with every reading");
    expect(result.stdout).toContain("would delete function thermo-prod");
    expect(await tableExists()).toBe(true);
  });
});
