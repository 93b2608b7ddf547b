/**
 * DynamoDBHttpClient against dynalite on 127.0.0.1: every operation round-trips
 * plain values, and DynamoDB's errors arrive under their own names. An AWS SDK
 * client reads back what this client wrote, as a second implementation.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDBHttpClient } from "../../cloud/store/dynamodb-http.ts";
import { STORE_OPERATIONS } from "../../cloud/store/dynamodb-operations.ts";
import { STORE_ACTIONS } from "../../cloud/store/table.ts";
import { startDynalite } from "../../dev/dynalite.ts";
import { ensureTable } from "../../dev/ensure-table.ts";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../dev/stack.ts";
import { Logger } from "../../lib/log.ts";
import { dynamoFailureOf } from "../helpers/dynamodb-failure.ts";

const TABLE = "thermo-client";
const dynamo = await startDynalite();
const sdkClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
await ensureTable(sdkClient, TABLE);
const sdkDocuments = DynamoDBDocumentClient.from(sdkClient);
const client = new DynamoDBHttpClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, logger: new Logger("dynamodb", { level: "silent" }) });

afterAll(async () => {
  sdkClient.destroy();
  await dynamo.close();
});

/** An item with every kind of value the client must carry, and undefined members that must be dropped. */
const RICH_ITEM = {
  pk: "round#trip",
  sk: "2026-03-10T12:00:00.000Z",
  text: "Grüße, 温度 🌡",
  integer: 42,
  negative: -17.25,
  zero: 0,
  on: true,
  off: false,
  nothing: null,
  dropped: undefined,
  nested: { setpoint: 68, unit: "F", deeper: { list: [1, "two", { three: 3 }], skipped: undefined } },
  tags: new Set(["a", "b"]),
  bytes: new Uint8Array([0, 1, 2, 250, 255]),
};
const RICH_ITEM_STORED = (() => {
  const { dropped: _dropped, ...rest } = RICH_ITEM;
  return { ...rest, nested: { setpoint: 68, unit: "F", deeper: { list: [1, "two", { three: 3 }] } } };
})();

describe("DynamoDBHttpClient on dynalite", () => {
  test("batch write then get round-trips", async () => {
    const written = await client.batchWriteItem({ RequestItems: { [TABLE]: [{ PutRequest: { Item: RICH_ITEM } }] } });

    const read = await client.getItem({ TableName: TABLE, Key: { pk: RICH_ITEM.pk, sk: RICH_ITEM.sk }, ConsistentRead: true });

    expect(written.UnprocessedItems).toEqual({});
    expect(read.Item).toEqual(RICH_ITEM_STORED);
    expect(read.Item).not.toHaveProperty("dropped");
  });

  test("SDK reads what client wrote", async () => {
    await client.batchWriteItem({ RequestItems: { [TABLE]: [{ PutRequest: { Item: { ...RICH_ITEM, sk: "sdk-check" } } }] } });

    const output = await sdkDocuments.send(new GetCommand({ TableName: TABLE, Key: { pk: RICH_ITEM.pk, sk: "sdk-check" } }));

    expect(output.Item).toEqual({ ...RICH_ITEM_STORED, sk: "sdk-check" });
  });

  test("get of missing key has no item", async () => {
    const read = await client.getItem({ TableName: TABLE, Key: { pk: "nobody", sk: "never" } });

    expect(read.Item).toBeUndefined();
  });

  test("batch delete removes item", async () => {
    const key = { pk: "delete#me", sk: "1" };
    await client.batchWriteItem({ RequestItems: { [TABLE]: [{ PutRequest: { Item: { ...key, value: 1 } } }] } });

    await client.batchWriteItem({ RequestItems: { [TABLE]: [{ DeleteRequest: { Key: key } }] } });

    expect((await client.getItem({ TableName: TABLE, Key: key })).Item).toBeUndefined();
  });

  test("query pages in sort order", async () => {
    const items = Array.from({ length: 5 }, (_, index) => ({ pk: "paged", sk: `k${index}`, index, flag: index % 2 === 0 }));
    await client.batchWriteItem({ RequestItems: { [TABLE]: items.map((item) => ({ PutRequest: { Item: item } })) } });

    const pages: Record<string, unknown>[][] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.query({
        TableName: TABLE,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": "paged" },
        Limit: 2,
        ExclusiveStartKey: startKey,
      });
      pages.push(page.Items);
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);

    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(items);
  });

  test("query counts and reverses", async () => {
    const page = await client.query({
      TableName: TABLE,
      KeyConditionExpression: "pk = :pk AND sk > :after",
      ExpressionAttributeValues: { ":pk": "paged", ":after": "k1", ":unused": undefined },
      ScanIndexForward: false,
    });

    expect(page.Items.map((item) => item.sk)).toEqual(["k4", "k3", "k2"]);
    expect(page.Count).toBe(3);
    expect(page.LastEvaluatedKey).toBeUndefined();
  });

  test("update returns new attributes", async () => {
    const key = { pk: "_devices", sk: "shop" };

    const output = await client.updateItem({
      TableName: TABLE,
      Key: key,
      UpdateExpression: "SET #desired = :desired, #seen = :seen",
      ExpressionAttributeNames: { "#desired": "desired", "#seen": "last_seen" },
      ExpressionAttributeValues: { ":desired": { setpoint: 19.5, unit: "C", note: undefined }, ":seen": "2026-03-10T12:00:00.000Z" },
      ReturnValues: "ALL_NEW",
    });

    expect(output.Attributes).toEqual({ ...key, desired: { setpoint: 19.5, unit: "C" }, last_seen: "2026-03-10T12:00:00.000Z" });
  });

  test("update without ReturnValues has no attributes", async () => {
    const output = await client.updateItem({ TableName: TABLE, Key: { pk: "_devices", sk: "shop" }, UpdateExpression: "REMOVE desired" });

    expect(output.Attributes).toBeUndefined();
  });

  test("failed condition is ConditionalCheckFailedException", async () => {
    const key = { pk: "_devices", sk: "conditional" };
    await client.updateItem({ TableName: TABLE, Key: key, UpdateExpression: "SET last_seen = :t", ExpressionAttributeValues: { ":t": "2026-03-10T12:00:00.000Z" } });

    const error = await dynamoFailureOf(
      client.updateItem({
        TableName: TABLE,
        Key: key,
        UpdateExpression: "SET last_seen = :t",
        ConditionExpression: "attribute_not_exists(last_seen) OR last_seen < :t",
        ExpressionAttributeValues: { ":t": "2026-03-10T11:00:00.000Z" },
      }),
    );

    expect(error.name).toBe("ConditionalCheckFailedException");
    expect(error.status).toBe(400);
    expect(error.operation).toBe("UpdateItem");
    expect(error.attempt).toBe(1);
    const stored = await client.getItem({ TableName: TABLE, Key: key, ConsistentRead: true });
    expect(stored.Item?.last_seen).toBe("2026-03-10T12:00:00.000Z");
  });

  test.each([
    ["BatchWriteItem", () => client.batchWriteItem({ RequestItems: { "no-such-table": [{ PutRequest: { Item: { pk: "a", sk: "b" } } }] } })],
    ["GetItem", () => client.getItem({ TableName: "no-such-table", Key: { pk: "a", sk: "b" } })],
    ["Query", () => client.query({ TableName: "no-such-table", KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": "a" } })],
    ["UpdateItem", () => client.updateItem({ TableName: "no-such-table", Key: { pk: "a", sk: "b" }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": 1 } })],
  ])("%s on missing table is ResourceNotFoundException", async (operation, call) => {
    const error = await dynamoFailureOf(call());

    expect(error.name).toBe("ResourceNotFoundException");
    expect(error.operation).toBe(operation);
    expect(error.status).toBe(400);
    expect(error.attempt).toBe(1);
  });

  test("invalid request is ValidationException", async () => {
    const error = await dynamoFailureOf(client.getItem({ TableName: TABLE, Key: { pk: "only the partition key" } }));

    expect(error.name).toBe("ValidationException");
    expect(error.message).toStartWith("DynamoDB GetItem failed with ValidationException (HTTP 400");
  });
});

describe("STORE_OPERATIONS", () => {
  test("match the IAM actions deploy grants", () => {
    const actions = Object.values(STORE_OPERATIONS).map((operation) => `dynamodb:${operation}`);

    expect(actions.sort()).toEqual([...STORE_ACTIONS].sort());
  });
});
