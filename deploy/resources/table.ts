/**
 * The DynamoDB table: keys from cloud/store/table.ts, on-demand capacity,
 * deletion protection, point-in-time recovery, and TTL on `expires_at` when a
 * retention period is configured. Waits until the table is ACTIVE.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type TableDescription,
  type UpdateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { tableDefinition, TTL_ATTRIBUTE } from "../../cloud/store/table.ts";
import { callAws, isAwsError } from "../aws-call.ts";
import type { DeployContext } from "../context.ts";
import { IncompatibleResourceError } from "../errors.ts";
import type { Step } from "../output.ts";
import { waitFor } from "../wait.ts";

/** A new table is usually ACTIVE within seconds; give AWS far more before giving up. */
const TABLE_ACTIVE_TIMEOUT_MS = 10 * 60_000;

export const TABLE_TAGS = (stage: string) => [
  { Key: "app", Value: "thermo" },
  { Key: "thermo:stage", Value: stage },
];

/** Creates the table, or repairs its drifted settings, and waits until it is ACTIVE. */
export async function ensureTable(context: DeployContext): Promise<void> {
  const name = context.names.table;
  const resource = `table ${name}`;
  const step = context.reporter.step(resource);

  let table = await describeTable(context, resource);
  if (table?.TableStatus === "DELETING") {
    throw new IncompatibleResourceError(resource, `${resource} is being deleted`, { hint: "wait until the deletion finishes, then run deploy again" });
  }

  if (table === undefined) {
    if (context.reporter.isPlan) {
      const ttl = context.options.retentionDays === undefined ? [] : [`TTL on ${TTL_ATTRIBUTE}`];
      step.done("created", ["on-demand", "deletion protection", "point-in-time recovery", ...ttl]);
      return;
    }
    await callAws(context, { resource, action: "dynamodb:CreateTable" }, async () => {
      try {
        await context.clients.dynamodb.send(
          new CreateTableCommand({ ...tableDefinition(name), DeletionProtectionEnabled: true, Tags: TABLE_TAGS(context.names.stage) }),
        );
      } catch (error) {
        // A previous run that died right after CreateTable left the table behind.
        if (!isAwsError(error, "ResourceInUseException")) throw error;
      }
    });
    await waitForActive(context, step, resource);
    await ensureBackupsAndTtl(context, resource, step, []);
    step.done("created", []);
    return;
  }

  assertKeySchema(resource, table);
  if (table.TableStatus !== "ACTIVE" && !context.reporter.isPlan) table = await waitForActive(context, step, resource);

  const changes: string[] = [];
  const update: UpdateTableCommandInput = { TableName: name };
  if (table.BillingModeSummary?.BillingMode !== "PAY_PER_REQUEST") {
    update.BillingMode = "PAY_PER_REQUEST";
    changes.push(`BillingMode ${table.BillingModeSummary?.BillingMode ?? "PROVISIONED"} → PAY_PER_REQUEST`);
  }
  if (table.DeletionProtectionEnabled !== true) {
    update.DeletionProtectionEnabled = true;
    changes.push("deletion protection off → on");
  }
  if (changes.length > 0 && !context.reporter.isPlan) {
    await callAws(context, { resource, action: "dynamodb:UpdateTable" }, () => context.clients.dynamodb.send(new UpdateTableCommand(update)));
    await waitForActive(context, step, resource);
  }

  await ensureBackupsAndTtl(context, resource, step, changes);
  step.done(changes.length > 0 ? "updated" : "unchanged", changes);
}

/** Turns on point-in-time recovery and sets TTL to match `--retention-days`; appends what changed to `changes`. */
async function ensureBackupsAndTtl(context: DeployContext, resource: string, step: Step, changes: string[]): Promise<void> {
  const { dynamodb } = context.clients;
  const TableName = context.names.table;

  const backups = await callAws(context, { resource, action: "dynamodb:DescribeContinuousBackups" }, () =>
    dynamodb.send(new DescribeContinuousBackupsCommand({ TableName })),
  );
  const pitr = backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
  if (pitr !== "ENABLED") {
    changes.push("point-in-time recovery off → on");
    if (!context.reporter.isPlan) {
      await callAws(
        context,
        // Right after CreateTable, AWS may still be turning on continuous backups.
        { resource, action: "dynamodb:UpdateContinuousBackups", retryIf: (error) => isAwsError(error, "ContinuousBackupsUnavailableException") },
        () => dynamodb.send(new UpdateContinuousBackupsCommand({ TableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })),
      );
    }
  }

  const ttl = await callAws(context, { resource, action: "dynamodb:DescribeTimeToLive" }, () => dynamodb.send(new DescribeTimeToLiveCommand({ TableName })));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus ?? "DISABLED";
  const currentAttribute = ttl.TimeToLiveDescription?.AttributeName;
  const wantsTtl = context.options.retentionDays !== undefined;
  if (status === "ENABLING" || status === "DISABLING") {
    step.progress(`TTL is ${status}; AWS finishes this within an hour, run deploy again afterwards to check it`);
    return;
  }
  const isEnabled = status === "ENABLED";
  if (wantsTtl && isEnabled && currentAttribute !== TTL_ATTRIBUTE) {
    throw new IncompatibleResourceError(resource, `${resource} has TTL on attribute "${currentAttribute}", but thermo uses "${TTL_ATTRIBUTE}"`, {
      hint: "disable TTL on the table in the DynamoDB console, wait for it to finish, then run deploy again",
    });
  }
  if (wantsTtl === isEnabled) return;

  changes.push(wantsTtl ? `TTL on ${TTL_ATTRIBUTE} off → on` : `TTL on ${currentAttribute ?? TTL_ATTRIBUTE} on → off`);
  if (context.reporter.isPlan) return;
  await callAws(context, { resource, action: "dynamodb:UpdateTimeToLive" }, () =>
    dynamodb.send(
      new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: wantsTtl ? TTL_ATTRIBUTE : (currentAttribute ?? TTL_ATTRIBUTE), Enabled: wantsTtl } }),
    ),
  );
}

/** Returns the table, or undefined when it does not exist. */
export async function describeTable(context: DeployContext, resource: string): Promise<TableDescription | undefined> {
  return await callAws(context, { resource, action: "dynamodb:DescribeTable" }, async () => {
    try {
      const output = await context.clients.dynamodb.send(new DescribeTableCommand({ TableName: context.names.table }));
      return output.Table;
    } catch (error) {
      if (isAwsError(error, "ResourceNotFoundException")) return undefined;
      throw error;
    }
  });
}

async function waitForActive(context: DeployContext, step: Step, resource: string): Promise<TableDescription> {
  return await waitFor(context, step, {
    resource,
    target: "status ACTIVE",
    timeoutMs: TABLE_ACTIVE_TIMEOUT_MS,
    read: async () => {
      const table = await describeTable(context, resource);
      const status = table?.TableStatus ?? "missing";
      return { status, isDone: status === "ACTIVE", failure: table === undefined ? "the table disappeared" : undefined, value: table! };
    },
  });
}

/** The keys cannot change in place; a table with other keys is not ours to repair. */
function assertKeySchema(resource: string, table: TableDescription): void {
  const expected = tableDefinition(table.TableName ?? "").KeySchema ?? [];
  const actual = table.KeySchema ?? [];
  const describe = (keys: typeof actual) => keys.map((key) => `${key.AttributeName} ${key.KeyType}`).join(", ");
  if (describe(expected) !== describe(actual)) {
    throw new IncompatibleResourceError(resource, `${resource} exists with keys (${describe(actual)}), but thermo needs (${describe(expected)})`, {
      hint: "use another --stage, or rename or delete the existing table",
    });
  }
}

/** Deletes the table: turns deletion protection off first, then deletes it. */
export async function deleteTable(context: DeployContext): Promise<void> {
  const resource = `table ${context.names.table}`;
  const step = context.reporter.step(resource);
  const table = await describeTable(context, resource);
  if (table === undefined || table.TableStatus === "DELETING") {
    step.done("absent");
    return;
  }
  if (context.reporter.isPlan) {
    step.done("deleted", ["with every reading"]);
    return;
  }
  const TableName = context.names.table;
  if (table.DeletionProtectionEnabled === true) {
    await callAws(context, { resource, action: "dynamodb:UpdateTable" }, () =>
      context.clients.dynamodb.send(new UpdateTableCommand({ TableName, DeletionProtectionEnabled: false })),
    );
    await waitForActive(context, step, resource);
  }
  await callAws(context, { resource, action: "dynamodb:DeleteTable" }, async () => {
    try {
      await context.clients.dynamodb.send(new DeleteTableCommand({ TableName }));
    } catch (error) {
      if (!isAwsError(error, "ResourceNotFoundException")) throw error;
    }
  });
  step.done("deleted", ["with every reading"]);
}
