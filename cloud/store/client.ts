/** Builds the DynamoDB document client through the SDK's default configuration chain. */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * Returns a document client. `AWS_REGION`, credentials and
 * `AWS_ENDPOINT_URL_DYNAMODB` come from the standard chain unless `config` overrides them.
 */
export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
