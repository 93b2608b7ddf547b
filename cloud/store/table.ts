/**
 * The DynamoDB table layout, shared by the app, `bun run dev` and the deploy
 * script so all three agree on names and keys.
 *
 * One table contains two kinds of item:
 * - readings: partition `pk` = `<device>#<local day>`, sort `sk` = the instant
 *   in fixed-width UTC (`2026-03-08T07:59:59.123Z`), so string order is time order;
 * - the device registry: partition `pk` = `_devices`, sort `sk` = the device id,
 *   holding last-seen time, latest reading and desired state. Device ids never
 *   start with `_`, so the two kinds cannot collide.
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

export const PARTITION_KEY = "pk";
export const SORT_KEY = "sk";
/** Epoch-seconds attribute that DynamoDB's TTL deletes items by, when retention is configured. */
export const TTL_ATTRIBUTE = "expires_at";
export const REGISTRY_PARTITION = "_devices";

/** Every DynamoDB action the app performs on the table; the deploy script grants exactly these. */
export const STORE_ACTIONS = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"] as const;

/** Returns the CreateTable input for `tableName`: string keys, on-demand capacity. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: PARTITION_KEY, AttributeType: "S" },
      { AttributeName: SORT_KEY, AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: "HASH" },
      { AttributeName: SORT_KEY, KeyType: "RANGE" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  };
}

/** Returns the partition key of a device's day, e.g. `shop#2026-03-08`. */
export function dayPartition(deviceId: string, day: string): string {
  return `${deviceId}#${day}`;
}
