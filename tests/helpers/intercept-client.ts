/**
 * Wrappers around a real DynamoDB document client that let tests watch or
 * alter single commands while everything else reaches the store (dynalite).
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Sends a command to the wrapped, real client. */
export type SendToStore = (command: object) => Promise<unknown>;
/** Handles one command: pass it on with `sendToStore`, change it, or return a result without the store. */
export type SendInterceptor = (command: object, sendToStore: SendToStore) => Promise<unknown>;

/** Returns `client` with `send` routed through `intercept`; every other member is the client's own. */
export function interceptSend(client: DynamoDBDocumentClient, intercept: SendInterceptor): DynamoDBDocumentClient {
  const sendToStore: SendToStore = (command) => (client.send as (command: object) => Promise<unknown>)(command);
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "send") return (command: object) => intercept(command, sendToStore);
      return Reflect.get(target, property, receiver);
    },
  });
}

/** Returns `client` with the class name of every command it sends appended to `names`. */
export function recordCommandNames(client: DynamoDBDocumentClient, names: string[]): DynamoDBDocumentClient {
  return interceptSend(client, (command, sendToStore) => {
    names.push(command.constructor.name);
    return sendToStore(command);
  });
}

export interface UnprocessedFault {
  /** BatchWrite calls so far that returned part of their items as unprocessed. */
  faultedCalls: number;
  /** Items handed back as unprocessed, over all calls. */
  unprocessedItems: number;
  intercept: SendInterceptor;
}

/**
 * For the first `calls` BatchWrite calls, writes only the first half of the
 * items (at least one is held back) and returns the rest as UnprocessedItems,
 * as DynamoDB does under throttling. Later calls pass through unchanged.
 * Pass `Infinity` for a store that never finishes a batch.
 */
export function unprocessedFor(calls: number): UnprocessedFault {
  const fault: UnprocessedFault = {
    faultedCalls: 0,
    unprocessedItems: 0,
    intercept: async (command, sendToStore) => {
      if (!(command instanceof BatchWriteCommand) || fault.faultedCalls >= calls) return sendToStore(command);
      fault.faultedCalls++;
      const requestItems = command.input.RequestItems ?? {};
      const [table, requests = []] = Object.entries(requestItems)[0] ?? [];
      if (table === undefined) return sendToStore(command);
      const keep = Math.floor(requests.length / 2);
      const unprocessed = requests.slice(keep);
      fault.unprocessedItems += unprocessed.length;
      if (keep > 0) await sendToStore(new BatchWriteCommand({ RequestItems: { [table]: requests.slice(0, keep) } }));
      return { UnprocessedItems: { [table]: unprocessed }, $metadata: {} };
    },
  };
  return fault;
}
