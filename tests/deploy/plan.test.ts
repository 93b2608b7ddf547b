import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { createWorld, type World } from "./world.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

describe("plan", () => {
  test("fresh account lists every creation", async () => {
    const result = await world.run(["--plan"]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual([]);
    expect(existsSync(world.statePath())).toBe(false);
    expect(result.stdout).toContain("Plan: Deploying thermo stage prod in us-east-1");
    expect(result.stdout).toContain("would create table thermo-prod: on-demand, deletion protection, point-in-time recovery");
    expect(result.stdout).toContain("would create log group /aws/lambda/thermo-prod: retention 30 days");
    expect(result.stdout).toContain("would create role thermo-prod-function");
    expect(result.stdout).toContain("would create function thermo-prod: nodejs24.x arm64, 128 MB, 10 s");
    expect(result.stdout).toContain("would create reserved concurrency of function thermo-prod: none → 5");
    expect(result.stdout).toContain("would create function URL of thermo-prod: AuthType NONE");
    expect(result.stdout).toContain("would create invoke permissions of thermo-prod: +lambda:InvokeFunctionUrl, +lambda:InvokeFunction");
    expect(result.stdout).toContain("Plan: 7 to create, 0 to update, 0 to delete, 0 unchanged; run without --plan to apply");
    expect(result.stdout).not.toContain("Tokens");
  });

  test("drift is listed and left alone", async () => {
    await world.run([]);
    world.cloud.functions.get("thermo-prod")!.configuration.MemorySize = 512;
    world.cloud.logGroups.get("/aws/lambda/thermo-prod")!.retentionInDays = 1;
    world.writeBundle("export const handler = async () => 'v2';\n");
    world.clearCalls();

    const result = await world.run(["--plan", "--retention-days", "30"]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual([]);
    expect(result.stdout).toContain("would update table thermo-prod: TTL on expires_at off → on");
    expect(result.stdout).toContain("would update log group /aws/lambda/thermo-prod: retention 1 → 30 days");
    expect(result.stdout).toContain("would update function thermo-prod: memory 512 → 128 MB, environment +THERMO_RETENTION_DAYS, code");
    expect(result.stdout).toContain("Plan: 0 to create, 3 to update, 0 to delete, 4 unchanged");
    expect(world.cloud.functions.get("thermo-prod")!.configuration.MemorySize).toBe(512);
  });

  test("nothing to change says so", async () => {
    await world.run([]);

    const result = await world.run(["--plan"]);

    expect(result.stdout).toContain("Plan: 0 to create, 0 to update, 0 to delete, 7 unchanged; nothing to change");
  });

  test("json plan has no tokens", async () => {
    const result = await world.run(["--plan", "--json"]);

    expect(result.json.isPlan).toBe(true);
    expect(result.json.tokens).toBeUndefined();
    expect(result.json.changes.created).toBe(7);
  });
});
