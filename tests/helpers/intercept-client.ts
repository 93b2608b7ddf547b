/**
 * Wrappers around the app's real DynamoDB client that let tests watch or
 * alter single calls while everything else reaches the store (dynalite).
 */
import type { DynamoDBDataPlane } from "../../cloud/store/dynamodb-operations.ts";

/** Returns a client whose methods are `overrides` where given and `client`'s own elsewhere. */
export function overrideCalls(client: DynamoDBDataPlane, overrides: Partial<DynamoDBDataPlane>): DynamoDBDataPlane {
  return {
    batchWriteItem: overrides.batchWriteItem ?? ((request, options) => client.batchWriteItem(request, options)),
    getItem: overrides.getItem ?? ((request, options) => client.getItem(request, options)),
    query: overrides.query ?? ((request, options) => client.query(request, options)),
    updateItem: overrides.updateItem ?? ((request, options) => client.updateItem(request, options)),
  };
}

/** Returns `client` with DynamoDB's name of every operation it performs, such as `Query`, appended to `names`. */
export function recordOperationNames(client: DynamoDBDataPlane, names: string[]): DynamoDBDataPlane {
  return {
    batchWriteItem: (request, options) => {
      names.push("BatchWriteItem");
      return client.batchWriteItem(request, options);
    },
    getItem: (request, options) => {
      names.push("GetItem");
      return client.getItem(request, options);
    },
    query: (request, options) => {
      names.push("Query");
      return client.query(request, options);
    },
    updateItem: (request, options) => {
      names.push("UpdateItem");
      return client.updateItem(request, options);
    },
  };
}

export interface UnprocessedFault {
  /** BatchWriteItem calls so far that returned part of their items as unprocessed. */
  faultedCalls: number;
  /** Items handed back as unprocessed, over all calls. */
  unprocessedItems: number;
  /** Returns `client` with the fault applied to its BatchWriteItem calls. */
  wrap(client: DynamoDBDataPlane): DynamoDBDataPlane;
}

/**
 * For the first `calls` BatchWriteItem calls, writes only the first half of
 * the items (at least one is held back) and returns the rest as
 * UnprocessedItems, as DynamoDB does under throttling. Later calls pass
 * through unchanged. Pass `Infinity` for a store that never finishes a batch.
 */
export function unprocessedFor(calls: number): UnprocessedFault {
  const fault: UnprocessedFault = {
    faultedCalls: 0,
    unprocessedItems: 0,
    wrap: (client) =>
      overrideCalls(client, {
        batchWriteItem: async (request, options) => {
          if (fault.faultedCalls >= calls) return client.batchWriteItem(request, options);
          const [table, requests = []] = Object.entries(request.RequestItems)[0] ?? [];
          if (table === undefined) return client.batchWriteItem(request, options);
          fault.faultedCalls++;
          const keep = Math.floor(requests.length / 2);
          const unprocessed = requests.slice(keep);
          fault.unprocessedItems += unprocessed.length;
          if (keep > 0) await client.batchWriteItem({ RequestItems: { [table]: requests.slice(0, keep) } }, options);
          return { UnprocessedItems: { [table]: unprocessed } };
        },
      }),
  };
  return fault;
}
