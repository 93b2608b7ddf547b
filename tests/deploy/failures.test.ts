import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { IAMServiceException } from "@aws-sdk/client-iam";
import { AccessDeniedException as LogsAccessDenied } from "@aws-sdk/client-cloudwatch-logs";
import { InvalidParameterValueException, ResourceConflictException, TooManyRequestsException } from "@aws-sdk/client-lambda";
import { tableDefinition } from "../../cloud/store/table.ts";
import { ACCOUNT_ID } from "./fake-control-plane.ts";
import { createWorld, type World } from "./world.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

const METADATA = { httpStatusCode: 400, requestId: "test", attempts: 1, totalRetryDelay: 0 };
const roleNotAssumable = () =>
  new InvalidParameterValueException({ message: "The role defined for the function cannot be assumed by Lambda.", Type: "User", $metadata: METADATA });
const updateInProgress = () =>
  new ResourceConflictException({
    message: `The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:thermo-prod`,
    Type: "User",
    $metadata: { ...METADATA, httpStatusCode: 409 },
  });

describe("role propagation", () => {
  test("CreateFunction retries until the role is assumable", async () => {
    world.cloud.failNext("CreateFunction", roleNotAssumable, 3);

    const result = await world.run([]);

    expect(result.code).toBe(0);
    expect(world.cloud.inputsOf("CreateFunction")).toHaveLength(4);
    expect(result.stdout).toContain("InvalidParameterValueException on lambda:CreateFunction, retry 1");
    expect(world.clock.sleeps.length).toBeGreaterThanOrEqual(3);
  });

  test("gives up after the bounded budget", async () => {
    world.cloud.failNext("CreateFunction", roleNotAssumable, 100);

    const result = await world.run([]);

    expect(result.code).toBe(1);
    expect(world.cloud.inputsOf("CreateFunction").length).toBeLessThanOrEqual(12);
    expect(result.stderr).toContain("error: lambda:CreateFunction on function thermo-prod failed: InvalidParameterValueException");
    expect(result.stderr).toContain("fix: run again; deploy resumes where it stopped");
  });
});

describe("update in progress", () => {
  test("ResourceConflictException waits then retries", async () => {
    await world.run([]);
    world.writeBundle("export const handler = async () => 'v2';\n");
    world.cloud.failNext("UpdateFunctionCode", updateInProgress, 1);
    world.clearCalls();

    const result = await world.run([]);

    expect(result.code).toBe(0);
    expect(world.cloud.inputsOf("UpdateFunctionCode")).toHaveLength(2);
    const commands = world.cloud.log.map((entry) => entry.command);
    const first = commands.indexOf("UpdateFunctionCode");
    expect(commands[first + 1]).toBe("GetFunctionConfiguration");
  });

  test("function busy at start is awaited first", async () => {
    await world.run([]);
    const fn = world.cloud.functions.get("thermo-prod")!;
    fn.configuration.LastUpdateStatus = "InProgress";
    fn.settlePolls = 2;
    world.clearCalls();

    const result = await world.run(["--timezone", "Asia/Tokyo"]);

    expect(result.code).toBe(0);
    expect(world.cloud.inputsOf("UpdateFunctionConfiguration")).toHaveLength(1);
    expect(result.stdout).toContain("waiting for State Active and LastUpdateStatus Successful, now State Active, LastUpdateStatus InProgress");
  });
});

describe("throttling", () => {
  test("Lambda TooManyRequestsException is retried", async () => {
    world.cloud.failNext("GetFunction", () => new TooManyRequestsException({ message: "Rate exceeded", Type: "User", Reason: "CallerRateLimitExceeded", $metadata: { ...METADATA, httpStatusCode: 429 } }), 2);

    const result = await world.run([]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("TooManyRequestsException on lambda:GetFunction, retry 2");
  });

  test("IAM Throttling is retried", async () => {
    world.cloud.failNext("CreateRole", () => new IAMServiceException({ name: "Throttling", $fault: "client", message: "Rate exceeded", $metadata: METADATA }), 1);

    const result = await world.run([]);

    expect(result.code).toBe(0);
    expect(world.cloud.inputsOf("CreateRole")).toHaveLength(2);
  });
});

describe("table still CREATING", () => {
  test("deploy waits until ACTIVE", async () => {
    await world.close();
    world = await createWorld({ createTableMs: 200 });
    await world.dynamo.send(new CreateTableCommand(tableDefinition("thermo-prod")));

    const result = await world.run([]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("table thermo-prod: waiting for status ACTIVE, now CREATING");
    expect(world.shim.log.filter((entry) => entry.command === "CreateTable")).toHaveLength(1);
    expect(result.stdout).toContain("updated      table thermo-prod: deletion protection off → on");
  });

  test("table with other keys is rejected", async () => {
    await world.dynamo.send(
      new CreateTableCommand({
        TableName: "thermo-prod",
        AttributeDefinitions: [{ AttributeName: "Record_Day", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "Record_Day", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );

    const result = await world.run([]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("table thermo-prod exists with keys (Record_Day HASH), but thermo needs (pk HASH, sk RANGE)");
    expect(result.stderr).toContain("fix: use another --stage");
  });
});

describe("credentials", () => {
  test("missing credentials explain how to configure", async () => {
    world.cloud.mocks.sts.reset();
    world.cloud.mocks.sts.rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));

    const result = await world.run([]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: no AWS credentials found while calling sts:GetCallerIdentity");
    expect(result.stderr).toContain("aws configure");
    expect(result.stderr).toContain("--profile NAME");
    expect(result.stderr).not.toContain("    at ");
    expect(world.mutatingCalls()).toEqual([]);
  });

  test("expired token asks to log in again", async () => {
    world.cloud.mocks.sts.reset();
    world.cloud.mocks.sts.rejects(Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredToken" }));

    const result = await world.run([]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("AWS rejected the credentials (ExpiredToken)");
    expect(result.stderr).toContain("aws sso login");
  });
});

describe("access denied", () => {
  test("IAM AccessDenied names the missing action", async () => {
    world.cloud.failNext("CreateRole", () =>
      new IAMServiceException({
        name: "AccessDenied",
        $fault: "client",
        message: `User: arn:aws:iam::${ACCOUNT_ID}:user/deployer is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCOUNT_ID}:role/thermo-prod-function because no identity-based policy allows the iam:CreateRole action`,
        $metadata: { ...METADATA, httpStatusCode: 403 },
      }),
    );

    const result = await world.run([]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: iam:CreateRole on role thermo-prod-function failed: AccessDenied: missing permission iam:CreateRole");
    expect(result.stderr).toContain("fix: allow iam:CreateRole for the identity that runs deploy");
    expect(world.cloud.inputsOf("CreateRole")).toHaveLength(1);
  });

  test("explicit deny points at the administrator", async () => {
    world.cloud.failNext("CreateLogGroup", () =>
      new LogsAccessDenied({
        message: `User: arn:aws:iam::${ACCOUNT_ID}:user/deployer is not authorized to perform: logs:CreateLogGroup on resource: arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:/aws/lambda/thermo-prod with an explicit deny in a service control policy`,
        $metadata: { ...METADATA, httpStatusCode: 400 },
      }),
    );

    const result = await world.run([]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("AccessDeniedException: missing permission logs:CreateLogGroup");
    expect(result.stderr).toContain("explicit deny");
  });
});

describe("reserved concurrency rejected", () => {
  test("warns, records, and is not retried", async () => {
    world.cloud.reservableConcurrency = 0;

    const first = await world.run(["--json"]);
    world.clearCalls();
    const second = await world.run([]);

    expect(first.code).toBe(0);
    expect(first.json.warnings[0]).toContain("reserved concurrency 5 for function thermo-prod skipped");
    expect(first.json.warnings[0]).toContain("UnreservedConcurrentExecution");
    const state = JSON.parse(readFileSync(world.statePath(), "utf8"));
    expect(state.reservedConcurrencySkipped.requested).toBe(5);
    expect(state.reservedConcurrencySkipped.reason).toContain("below its minimum value of [10]");
    expect(second.code).toBe(0);
    expect(world.cloud.inputsOf("PutFunctionConcurrency")).toEqual([]);
    expect(second.stdout).toContain("skipped      reserved concurrency of function thermo-prod: account concurrency too low");
  });

  test("is tried again when the value changes", async () => {
    world.cloud.reservableConcurrency = 0;
    await world.run([]);
    world.cloud.reservableConcurrency = 900;
    world.clearCalls();

    const result = await world.run(["--reserved-concurrency", "2"]);

    expect(result.code).toBe(0);
    expect(world.cloud.inputsOf("PutFunctionConcurrency")).toEqual([{ FunctionName: "thermo-prod", ReservedConcurrentExecutions: 2 }]);
    expect(JSON.parse(readFileSync(world.statePath(), "utf8")).reservedConcurrencySkipped).toBeUndefined();
  });
});
