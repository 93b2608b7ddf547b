/** A helper that awaits a DynamoDB call which must fail. */
import { expect } from "bun:test";
import { DynamoDBError } from "../../cloud/errors.ts";

/** Returns the DynamoDBError that `call` rejects with. The test fails when `call` resolves or rejects with anything else. */
export async function dynamoFailureOf(call: Promise<unknown>): Promise<DynamoDBError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(DynamoDBError);
    return error as DynamoDBError;
  }
  throw new Error("the DynamoDB call succeeded, but a failure was expected");
}
