import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { UpdateTableCommand } from "@aws-sdk/client-dynamodb";
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

describe("second run", () => {
  test("makes no mutating call and says so", async () => {
    const result = await world.run([]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual([]);
    expect(result.stdout).toMatch(/No changes: everything is up to date/);
    expect(result.stdout).toContain("unchanged    function thermo-prod");
    expect(result.stdout).not.toContain("Tokens (shown once");
  });

  test("leaves the state file untouched", async () => {
    const before = await Bun.file(world.statePath()).text();
    await world.run([]);

    expect(await Bun.file(world.statePath()).text()).toBe(before);
  });
});

describe("code change", () => {
  test("sends only UpdateFunctionCode", async () => {
    world.writeBundle("export const handler = async () => ({ statusCode: 200, body: 'v2' });\n");

    const result = await world.run([]);

    expect(result.code).toBe(0);
    expect(world.mutatingCalls()).toEqual(["UpdateFunctionCode"]);
    const [input] = world.cloud.inputsOf("UpdateFunctionCode");
    expect(input.FunctionName).toBe("thermo-prod");
    expect(input.Architectures).toEqual(["arm64"]);
    expect(result.stdout).toContain("updated      function thermo-prod: code");
  });

  test("waits for Successful after the update", async () => {
    world.writeBundle("export const handler = async () => 'v3';\n");

    await world.run([]);

    const commands = world.cloud.log.map((entry) => entry.command);
    expect(commands.slice(commands.indexOf("UpdateFunctionCode") + 1, commands.indexOf("UpdateFunctionCode") + 4)).toEqual([
      "GetFunctionConfiguration",
      "GetFunctionConfiguration",
      "GetFunctionConfiguration",
    ]);
    expect(world.cloud.functions.get("thermo-prod")?.configuration.LastUpdateStatus).toBe("Successful");
  });
});

describe("settings change", () => {
  test("timezone updates only the environment", async () => {
    const result = await world.run(["--timezone", "Europe/Berlin"]);

    expect(world.mutatingCalls()).toEqual(["UpdateFunctionConfiguration"]);
    const [input] = world.cloud.inputsOf("UpdateFunctionConfiguration");
    expect(Object.keys(input).sort()).toEqual(["Environment", "FunctionName"]);
    expect(input.Environment.Variables.THERMO_TIMEZONE).toBe("Europe/Berlin");
    expect(result.stdout).toContain('THERMO_TIMEZONE "UTC" → "Europe/Berlin"');
  });

  test("cors origin sets THERMO_CORS_ORIGINS, not URL CORS", async () => {
    await world.run(["--cors-origin", "https://example.com", "--cors-origin", "http://localhost:5173"]);

    const [input] = world.cloud.inputsOf("UpdateFunctionConfiguration");
    expect(input.Environment.Variables.THERMO_CORS_ORIGINS).toBe("https://example.com,http://localhost:5173");
    expect(world.cloud.inputsOf("UpdateFunctionUrlConfig")).toEqual([]);
    expect(world.cloud.functions.get("thermo-prod")?.url?.Cors).toBeUndefined();
  });

  test("log retention updates only the log group", async () => {
    await world.run(["--log-retention-days", "90"]);

    expect(world.mutatingCalls()).toEqual(["PutRetentionPolicy"]);
    expect(world.cloud.inputsOf("PutRetentionPolicy")).toEqual([{ logGroupName: "/aws/lambda/thermo-prod", retentionInDays: 90 }]);
  });
});

describe("console drift", () => {
  test("memory, timeout and env are repaired together", async () => {
    const fn = world.cloud.functions.get("thermo-prod")!;
    fn.configuration.MemorySize = 1024;
    fn.configuration.Timeout = 900;
    fn.configuration.Environment!.Variables!.DEBUG = "1";
    fn.configuration.Environment!.Variables!.THERMO_READ_TOKEN_SHA256 = "0".repeat(64);

    const result = await world.run([]);

    expect(world.mutatingCalls()).toEqual(["UpdateFunctionConfiguration"]);
    const [input] = world.cloud.inputsOf("UpdateFunctionConfiguration");
    expect(input.MemorySize).toBe(128);
    expect(input.Timeout).toBe(10);
    expect(input.Environment.Variables.DEBUG).toBeUndefined();
    expect(input.Environment.Variables.THERMO_READ_TOKEN_SHA256).not.toBe("0".repeat(64));
    expect(result.stdout).toContain("memory 1024 → 128 MB");
    expect(result.stdout).toContain("-DEBUG");
    expect(result.stdout).toContain("THERMO_READ_TOKEN_SHA256 (1 → 1 hash, 1 added, 1 removed)");
    expect(result.stdout).not.toContain("0".repeat(64));
  });

  test("log retention is repaired", async () => {
    world.cloud.logGroups.get("/aws/lambda/thermo-prod")!.retentionInDays = undefined;

    const result = await world.run([]);

    expect(world.mutatingCalls()).toEqual(["PutRetentionPolicy"]);
    expect(result.stdout).toContain("retention never expire → 30 days");
  });

  test("widened inline policy is replaced", async () => {
    const role = world.cloud.roles.get("thermo-prod-function")!;
    role.inline.set("thermo-function-access", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }] }));

    await world.run([]);

    expect(world.mutatingCalls()).toEqual(["PutRolePolicy"]);
    expect(JSON.parse(world.cloud.inputsOf("PutRolePolicy")[0].PolicyDocument).Statement[0].Action).toEqual([
      "dynamodb:BatchWriteItem",
      "dynamodb:GetItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]);
  });

  test("extra role policies are removed", async () => {
    const role = world.cloud.roles.get("thermo-prod-function")!;
    role.inline.set("debug", "{}");
    role.attached.push({ PolicyName: "AdministratorAccess", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });

    await world.run([]);

    expect(world.mutatingCalls()).toEqual(["DeleteRolePolicy", "DetachRolePolicy"]);
    expect(world.cloud.inputsOf("DeleteRolePolicy")).toEqual([{ RoleName: "thermo-prod-function", PolicyName: "debug" }]);
    expect(world.cloud.inputsOf("DetachRolePolicy")).toEqual([{ RoleName: "thermo-prod-function", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }]);
  });

  test("trust policy is restored", async () => {
    const role = world.cloud.roles.get("thermo-prod-function")!;
    role.trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] });

    await world.run([]);

    expect(world.mutatingCalls()).toEqual(["UpdateAssumeRolePolicy"]);
    expect(JSON.parse(world.cloud.inputsOf("UpdateAssumeRolePolicy")[0].PolicyDocument).Statement[0].Principal).toEqual({ Service: "lambda.amazonaws.com" });
  });

  test("URL CORS and auth type are reset", async () => {
    const url = world.cloud.functions.get("thermo-prod")!.url!;
    url.Cors = { AllowOrigins: ["*"], AllowMethods: ["*"] };
    url.AuthType = "AWS_IAM";

    await world.run([]);

    expect(world.cloud.inputsOf("UpdateFunctionUrlConfig")).toEqual([{ FunctionName: "thermo-prod", AuthType: "NONE", Cors: {} }]);
    expect(world.cloud.functions.get("thermo-prod")?.url?.Cors).toBeUndefined();
  });

  test("missing permission is added back", async () => {
    const fn = world.cloud.functions.get("thermo-prod")!;
    fn.statements = fn.statements.filter((statement) => statement.Action !== "lambda:InvokeFunction");

    await world.run([]);

    expect(world.mutatingCalls()).toEqual(["AddPermission"]);
    expect(world.cloud.inputsOf("AddPermission")[0].StatementId).toBe("thermo-url-invoke-function");
  });

  test("altered permission is replaced", async () => {
    const fn = world.cloud.functions.get("thermo-prod")!;
    fn.statements[0]!.Condition = undefined;

    await world.run([]);

    expect(world.mutatingCalls()).toEqual(["RemovePermission", "AddPermission"]);
  });

  test("table protection and PITR are restored", async () => {
    world.shim.tables.get("thermo-prod")!.isPitrEnabled = false;
    await world.dynamo.send(new UpdateTableCommand({ TableName: "thermo-prod", DeletionProtectionEnabled: false }));
    world.clearCalls();

    const result = await world.run([]);

    expect(world.mutatingCalls()).toEqual(["UpdateTable", "UpdateContinuousBackups"]);
    expect(world.shim.log.find((entry) => entry.command === "UpdateTable")?.input).toEqual({ TableName: "thermo-prod", DeletionProtectionEnabled: true });
    expect(result.stdout).toContain("deletion protection off → on");
  });

  test("reserved concurrency is restored", async () => {
    delete world.cloud.functions.get("thermo-prod")!.reservedConcurrency;

    await world.run([]);

    expect(world.mutatingCalls()).toEqual(["PutFunctionConcurrency"]);
  });
});
