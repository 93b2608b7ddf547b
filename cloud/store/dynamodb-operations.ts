/**
 * The DynamoDB operations the readings store performs, with items, keys and
 * expression values as plain JavaScript values (the shape the AWS SDK's
 * document client uses). Every other field keeps the name and type of the
 * DynamoDB API. Legacy parameters that carry attribute values (`Expected`,
 * `AttributeUpdates`, `KeyConditions`, `QueryFilter`) and item collection
 * metrics are left out; use expressions instead.
 *
 * The imports below are types only, so the Lambda bundle contains no SDK code.
 */
import type {
  BatchWriteItemInput,
  BatchWriteItemOutput,
  GetItemInput,
  GetItemOutput,
  QueryInput,
  QueryOutput,
  UpdateItemInput,
  UpdateItemOutput,
} from "@aws-sdk/client-dynamodb";
import type { NativeAttributeValue } from "@aws-sdk/util-dynamodb";

/** An item, key or value map with plain JavaScript values. Members that are `undefined` are dropped when sent. */
export type NativeItem = Record<string, NativeAttributeValue>;

/** One put or delete of a BatchWriteItem request. */
export interface NativeWriteRequest {
  PutRequest?: { Item: NativeItem };
  DeleteRequest?: { Key: NativeItem };
}

export type BatchWriteItemRequest = Omit<BatchWriteItemInput, "RequestItems" | "ReturnItemCollectionMetrics"> & {
  RequestItems: Record<string, NativeWriteRequest[]>;
};
export type BatchWriteItemResult = Omit<BatchWriteItemOutput, "$metadata" | "UnprocessedItems" | "ItemCollectionMetrics"> & {
  /** Writes that DynamoDB did not perform, by table, or an empty object when all were done. */
  UnprocessedItems: Record<string, NativeWriteRequest[]>;
};

export type GetItemRequest = Omit<GetItemInput, "Key"> & { Key: NativeItem };
export type GetItemResult = Omit<GetItemOutput, "$metadata" | "Item"> & {
  /** Undefined when no item has the key. */
  Item?: NativeItem | undefined;
};

export type QueryRequest = Omit<QueryInput, "ExpressionAttributeValues" | "ExclusiveStartKey" | "KeyConditions" | "QueryFilter"> & {
  ExpressionAttributeValues?: NativeItem | undefined;
  ExclusiveStartKey?: NativeItem | undefined;
};
export type QueryResult = Omit<QueryOutput, "$metadata" | "Items" | "LastEvaluatedKey"> & {
  Items: NativeItem[];
  /** Key to pass as `ExclusiveStartKey` for the next page, or undefined on the last page. */
  LastEvaluatedKey?: NativeItem | undefined;
};

export type UpdateItemRequest = Omit<UpdateItemInput, "Key" | "ExpressionAttributeValues" | "Expected" | "AttributeUpdates" | "ReturnItemCollectionMetrics"> & {
  Key: NativeItem;
  ExpressionAttributeValues?: NativeItem | undefined;
};
export type UpdateItemResult = Omit<UpdateItemOutput, "$metadata" | "Attributes" | "ItemCollectionMetrics"> & {
  /** The attributes that `ReturnValues` requested, or undefined with the default `NONE`. */
  Attributes?: NativeItem | undefined;
};

/** Limits of one call, its retries included. */
export interface CallOptions {
  /**
   * Time by which the call must have succeeded or failed, in ms since the epoch. No attempt
   * and no wait between attempts runs past it. @default no deadline, only the per-attempt timeout
   */
  deadlineEpochMs?: number | undefined;
}

/**
 * The DynamoDB data-plane calls the store makes. DynamoDBHttpClient implements
 * it, and tests wrap it to watch calls or inject faults.
 */
export interface DynamoDBDataPlane {
  batchWriteItem(request: BatchWriteItemRequest, options?: CallOptions): Promise<BatchWriteItemResult>;
  getItem(request: GetItemRequest, options?: CallOptions): Promise<GetItemResult>;
  query(request: QueryRequest, options?: CallOptions): Promise<QueryResult>;
  updateItem(request: UpdateItemRequest, options?: CallOptions): Promise<UpdateItemResult>;
}

/** DynamoDB's name for each method of DynamoDBDataPlane. The IAM actions in STORE_ACTIONS (table.ts) must match, and a test checks that they do. */
export const STORE_OPERATIONS = {
  batchWriteItem: "BatchWriteItem",
  getItem: "GetItem",
  query: "Query",
  updateItem: "UpdateItem",
} as const satisfies Record<keyof DynamoDBDataPlane, string>;

export type StoreOperation = (typeof STORE_OPERATIONS)[keyof typeof STORE_OPERATIONS];
