/** Creates the readings table when it is missing, for the local store. */
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, ResourceNotFoundException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { tableDefinition } from "../cloud/store/table.ts";
import { sleep } from "../lib/retry.ts";

/** Returns "created" or "exists" once the table is ACTIVE. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<"created" | "exists"> {
  let outcome: "created" | "exists" = "exists";
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    try {
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
      outcome = "created";
    } catch (createError) {
      // Another process created it between the two calls.
      if (!(createError instanceof ResourceInUseException)) throw createError;
    }
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (described.Table?.TableStatus === "ACTIVE") return outcome;
    await sleep(50);
  }
  throw new Error(`table ${tableName} did not become ACTIVE within 5 s`);
}
