/**
 * Conversion between plain JavaScript values and the attribute values of
 * DynamoDB's JSON protocol. @aws-sdk/util-dynamodb does the type mapping.
 * This file adds what the SDK's protocol layer would otherwise do: binary
 * values (`B`, `BS`) travel as base64 text in the JSON body.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import type { NativeItem, NativeWriteRequest } from "./dynamodb-operations.ts";

/** Marshals a native map, dropping `undefined` members as the store expects. */
export function toAttributeMap(item: NativeItem): Record<string, AttributeValue> {
  return marshall(item, { removeUndefinedValues: true });
}

/** Marshals the keys and items of BatchWriteItem's `RequestItems`. */
export function toWireWriteRequests(requestItems: Record<string, NativeWriteRequest[]>): Record<string, unknown[]> {
  const wire: Record<string, unknown[]> = {};
  for (const [table, requests] of Object.entries(requestItems)) {
    wire[table] = requests.map((request) => {
      if (request.PutRequest !== undefined) return { PutRequest: { Item: toAttributeMap(request.PutRequest.Item) } };
      if (request.DeleteRequest !== undefined) return { DeleteRequest: { Key: toAttributeMap(request.DeleteRequest.Key) } };
      throw new TypeError(`a BatchWriteItem request for table ${table} has neither PutRequest nor DeleteRequest`);
    });
  }
  return wire;
}

/** Serializes a request body, writing binary values as base64. */
export function stringifyRequestBody(body: object): string {
  return JSON.stringify(body, encodeBinary);
}

/**
 * Unmarshals an attribute map from a response body.
 * @throws {TypeError} when `value` is not an attribute map
 */
export function fromAttributeMap(value: unknown): NativeItem {
  if (!isRecord(value)) throw new TypeError(`expected a DynamoDB attribute map, got ${describe(value)}`);
  const decoded: Record<string, AttributeValue> = {};
  for (const [name, attribute] of Object.entries(value)) decoded[name] = decodeBinary(attribute);
  return unmarshall(decoded);
}

/** Unmarshals BatchWriteItem's `UnprocessedItems`, which has the request's shape. */
export function fromWireWriteRequests(value: unknown): Record<string, NativeWriteRequest[]> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new TypeError(`expected UnprocessedItems to be a map of tables, got ${describe(value)}`);
  const native: Record<string, NativeWriteRequest[]> = {};
  for (const [table, requests] of Object.entries(value)) {
    if (!Array.isArray(requests)) throw new TypeError(`expected the UnprocessedItems of table ${table} to be a list, got ${describe(requests)}`);
    native[table] = requests.map((request: unknown): NativeWriteRequest => {
      if (isRecord(request) && isRecord(request.PutRequest)) return { PutRequest: { Item: fromAttributeMap(request.PutRequest.Item) } };
      if (isRecord(request) && isRecord(request.DeleteRequest)) return { DeleteRequest: { Key: fromAttributeMap(request.DeleteRequest.Key) } };
      throw new TypeError(`expected an unprocessed PutRequest or DeleteRequest for table ${table}, got ${describe(request)}`);
    });
  }
  return native;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON.stringify replacer. It reads the holder's own member because Buffer's toJSON has already run on `value`. */
function encodeBinary(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof ArrayBuffer) return Buffer.from(original).toString("base64");
  if (ArrayBuffer.isView(original)) return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString("base64");
  return value;
}

/** Turns the base64 text of `B` and `BS` values back into bytes, through lists and maps. */
function decodeBinary(attribute: unknown): AttributeValue {
  if (!isRecord(attribute)) throw new TypeError(`expected a DynamoDB attribute value, got ${describe(attribute)}`);
  if (typeof attribute.B === "string") return { B: fromBase64(attribute.B) };
  if (Array.isArray(attribute.BS)) return { BS: attribute.BS.map((entry: unknown) => fromBase64(String(entry))) };
  if (Array.isArray(attribute.L)) return { L: attribute.L.map(decodeBinary) };
  if (isRecord(attribute.M)) {
    const members: Record<string, AttributeValue> = {};
    for (const [name, member] of Object.entries(attribute.M)) members[name] = decodeBinary(member);
    return { M: members };
  }
  // Scalars and the other sets are already in the form unmarshall reads.
  return attribute as unknown as AttributeValue;
}

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
