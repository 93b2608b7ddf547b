import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { statSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { unzipSync } from "fflate";
import { STORE_ACTIONS } from "../../cloud/store/table.ts";
import { hashToken } from "../../deploy/tokens.ts";
import { ACCOUNT_ID, FUNCTION_URL } from "./fake-control-plane.ts";
import { createWorld, type World } from "./world.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:thermo-prod`;

describe("fresh deploy", () => {
  test("creates every resource and prints the summary", async () => {
    const result = await world.run(["--json"]);

    expect(result.code).toBe(0);
    expect(result.json.url).toBe(FUNCTION_URL);
    expect(result.json.dashboardUrl).toBe(FUNCTION_URL);
    expect(result.json.table).toBe("thermo-prod");
    expect(result.json.function).toBe("thermo-prod");
    expect(result.json.region).toBe("us-east-1");
    expect(result.json.stage).toBe("prod");
    expect(result.json.changes.created).toBe(7);
    expect(result.stderr).toContain("created      table thermo-prod");
    expect(result.stderr).toContain("created      function thermo-prod");
  });

  test("table is on-demand, protected, PITR on, ACTIVE", async () => {
    await world.run([]);

    const table = (await world.dynamo.send(new DescribeTableCommand({ TableName: "thermo-prod" }))).Table!;
    expect(table.TableStatus).toBe("ACTIVE");
    expect(table.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(table.DeletionProtectionEnabled).toBe(true);
    expect(world.shim.tables.get("thermo-prod")?.isPitrEnabled).toBe(true);
    expect(world.shim.tables.get("thermo-prod")?.ttl).toBeUndefined();
  });

  test("retention enables TTL on expires_at", async () => {
    const result = await world.run(["--retention-days", "400"]);

    expect(result.code).toBe(0);
    expect(world.shim.log.find((entry) => entry.command === "UpdateTimeToLive")?.input).toEqual({
      TableName: "thermo-prod",
      TimeToLiveSpecification: { AttributeName: "expires_at", Enabled: true },
    });
    expect(world.cloud.functions.get("thermo-prod")?.configuration.Environment?.Variables?.THERMO_RETENTION_DAYS).toBe("400");
  });

  test("role trust policy is exact", async () => {
    await world.run([]);

    const [input] = world.cloud.inputsOf("CreateRole");
    expect(input.RoleName).toBe("thermo-prod-function");
    expect(JSON.parse(input.AssumeRolePolicyDocument)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } },
        },
      ],
    });
  });

  test("inline policy grants only store actions and own logs", async () => {
    await world.run([]);

    const inputs = world.cloud.inputsOf("PutRolePolicy");
    expect(inputs).toHaveLength(1);
    expect(inputs[0].RoleName).toBe("thermo-prod-function");
    expect(inputs[0].PolicyName).toBe("thermo-function-access");
    expect(JSON.parse(inputs[0].PolicyDocument)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadWriteReadings",
          Effect: "Allow",
          Action: ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"],
          Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT_ID}:table/thermo-prod`,
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:/aws/lambda/thermo-prod:*`,
        },
      ],
    });
    expect([...STORE_ACTIONS].sort()).toEqual(JSON.parse(inputs[0].PolicyDocument).Statement[0].Action);
    expect(world.cloud.inputsOf("AttachRolePolicy")).toEqual([]);
  });

  test("log group exists with retention before the function", async () => {
    await world.run([]);

    expect(world.cloud.inputsOf("CreateLogGroup")[0].logGroupName).toBe("/aws/lambda/thermo-prod");
    expect(world.cloud.inputsOf("PutRetentionPolicy")).toEqual([{ logGroupName: "/aws/lambda/thermo-prod", retentionInDays: 30 }]);
    const order = world.cloud.log.map((entry) => entry.command);
    expect(order.indexOf("PutRetentionPolicy")).toBeLessThan(order.indexOf("CreateFunction"));
  });

  test("function input is exact and holds no plaintext token", async () => {
    const result = await world.run(["--json", "--timezone", "America/Chicago"]);

    const [input] = world.cloud.inputsOf("CreateFunction");
    const { Code, ...rest } = input;
    expect(Code.ZipFile).toBeInstanceOf(Uint8Array);
    const tokens = result.json.tokens;
    expect(rest).toEqual({
      FunctionName: "thermo-prod",
      Description: "thermo prod: readings API and dashboard",
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
      Handler: "index.handler",
      MemorySize: 128,
      Timeout: 10,
      Role: `arn:aws:iam::${ACCOUNT_ID}:role/thermo-prod-function`,
      Environment: {
        Variables: {
          THERMO_TABLE: "thermo-prod",
          THERMO_TIMEZONE: "America/Chicago",
          THERMO_DEFAULT_UNIT: "F",
          THERMO_INGEST_TOKEN_SHA256: hashToken(tokens.ingest),
          THERMO_READ_TOKEN_SHA256: hashToken(tokens.read),
          THERMO_ADMIN_TOKEN_SHA256: hashToken(tokens.admin),
        },
      },
      LoggingConfig: { LogFormat: "Text", LogGroup: "/aws/lambda/thermo-prod" },
      Tags: { app: "thermo", "thermo:stage": "prod" },
    });
    const everything = JSON.stringify(world.cloud.log) + JSON.stringify(world.shim.log);
    for (const token of Object.values(tokens) as string[]) expect(everything).not.toContain(token);
  });

  test("function URL and both permissions are exact", async () => {
    await world.run([]);

    expect(world.cloud.inputsOf("CreateFunctionUrlConfig")).toEqual([{ FunctionName: "thermo-prod", AuthType: "NONE", InvokeMode: "BUFFERED" }]);
    expect(world.cloud.inputsOf("AddPermission")).toEqual([
      {
        FunctionName: "thermo-prod",
        StatementId: "thermo-url-invoke-function-url",
        Action: "lambda:InvokeFunctionUrl",
        Principal: "*",
        FunctionUrlAuthType: "NONE",
      },
      {
        FunctionName: "thermo-prod",
        StatementId: "thermo-url-invoke-function",
        Action: "lambda:InvokeFunction",
        Principal: "*",
        InvokedViaFunctionUrl: true,
      },
    ]);
    expect(world.cloud.functions.get("thermo-prod")?.statements.map((statement) => statement.Resource)).toEqual([FUNCTION_ARN, FUNCTION_ARN]);
  });

  test("reserved concurrency defaults to 5", async () => {
    await world.run([]);

    expect(world.cloud.inputsOf("PutFunctionConcurrency")).toEqual([{ FunctionName: "thermo-prod", ReservedConcurrentExecutions: 5 }]);
  });

  test("waits for Active before the next step", async () => {
    await world.run([]);

    const commands = world.cloud.log.map((entry) => entry.command);
    const created = commands.indexOf("CreateFunction");
    const polls = commands.slice(created + 1).findIndex((command) => command !== "GetFunctionConfiguration");
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(world.cloud.functions.get("thermo-prod")?.configuration.State).toBe("Active");
  });

  test("tokens are saved 0600 and shown once", async () => {
    const first = await world.run(["--json"]);
    const second = await world.run(["--json"]);

    const state = JSON.parse(readFileSync(world.statePath(), "utf8"));
    expect(state.tokens).toEqual(first.json.tokens);
    expect(state.tokensShown).toBe(true);
    expect(Object.keys(first.json.tokens)).toEqual(["ingest", "read", "admin"]);
    for (const token of Object.values(first.json.tokens) as string[]) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.json.tokens).toBeUndefined();
    expect(statSync(world.statePath()).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(world.statePath())).mode & 0o777).toBe(0o700);
  });

  test("human output shows URL and tokens", async () => {
    const result = await world.run([]);

    expect(result.stdout).toContain(`URL:        ${FUNCTION_URL}`);
    expect(result.stdout).toContain("New tokens (shown once");
    expect(result.stdout).not.toContain("Old tokens still work");
    expect(result.stdout).toMatch(/ingest {2}[A-Za-z0-9_-]{43}/);
    expect(result.stdout).toMatch(/Done in \d+\.\d s: 7 created/);
  });

  test("without --bundle runs the Lambda build", async () => {
    const result = await world.run([], { isBuilt: true });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Bundle \S+dist\/lambda\/index\.mjs \(\d+ bytes\)/);
    const zip: Uint8Array = world.cloud.inputsOf("CreateFunction")[0].Code.ZipFile;
    expect(Object.keys(unzipSync(zip))).toEqual(["index.mjs"]);
    expect(new TextDecoder().decode(unzipSync(zip)["index.mjs"])).toContain("handler");
  });
});
