/**
 * DynamoDB access for readings and the device registry. Every call goes
 * through here, and every failure leaves as StoreUnavailableError or
 * UnstoredReadingsError so the HTTP edge can respond 503 without detail.
 */
import type { DesiredState, Reading, StoredReading } from "../../schema.ts";
import { backoffDelayMs, sleep as realSleep } from "../../lib/retry.ts";
import type { Logger } from "../../lib/log.ts";
import { DynamoDBError, StoreUnavailableError, UnstoredReadingsError } from "../errors.ts";
import type { CallOptions, DynamoDBDataPlane, NativeWriteRequest, UpdateItemRequest } from "./dynamodb-operations.ts";
import { formatUtcKey } from "../../time/rfc3339.ts";
import { toItem, toStoredReading, type ReadingItem } from "./reading-item.ts";
import { NEWEST_FUTURE_ATTRIBUTE, parseDesired, toDeviceRecord, type DeviceRecord } from "./registry-item.ts";
import { dayPartition, PARTITION_KEY, REGISTRY_PARTITION, SORT_KEY } from "./table.ts";

/** BatchWriteItem takes at most 25 put requests. */
const BATCH_WRITE_LIMIT = 25;
/** Chunks of one ingest written at the same time. */
const WRITE_CONCURRENCY = 4;
/**
 * How far ahead of the server's clock a reading may be and still become the
 * device's latest. A device with a wrong clock would otherwise pin "latest" to
 * the future, hiding every real reading after it. Such readings are still stored.
 */
export const MAX_LATEST_CLOCK_SKEW_MS = 10 * 60_000;

export interface ReadingStoreOptions {
  client: DynamoDBDataPlane;
  tableName: string;
  timeZone: string;
  retentionDays?: number | undefined;
  logger: Logger;
  /**
   * Time that one ingest or one read may spend on DynamoDB, retries included, in ms.
   * Every call of the operation gets the same deadline, so the function responds 503
   * before its 10 s timeout instead of timing out. An ingest that runs out of time
   * stores some of its readings or none, and a retry of it is idempotent.
   * @default 8000
   */
  budgetMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface DayPage {
  readings: StoredReading[];
  /** The sort key of the last item returned when more may follow, else undefined. */
  lastKey: string | undefined;
}

export interface PutResult {
  stored: number;
  duplicates: number;
  /** Desired state of each device in the request. */
  desired: Map<string, DesiredState | null>;
}

export class ReadingStore {
  private readonly client: DynamoDBDataPlane;
  readonly tableName: string;
  private readonly timeZone: string;
  private readonly retentionDays: number | undefined;
  private readonly logger: Logger;
  private readonly budgetMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: ReadingStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.timeZone = options.timeZone;
    this.retentionDays = options.retentionDays;
    this.logger = options.logger;
    this.budgetMs = options.budgetMs ?? 8000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => realSleep(ms));
  }

  /**
   * Stores readings idempotently on (device, instant): a repeated reading
   * replaces itself. Within one call the last of several readings with the same
   * key wins, because DynamoDB rejects a batch that names a key twice.
   * @throws {UnstoredReadingsError} when items remain unprocessed at the deadline
   * @throws {StoreUnavailableError} when DynamoDB fails or a call runs out of time
   */
  async putReadings(readings: readonly Reading[]): Promise<PutResult> {
    const nowMs = this.now();
    const deadline: CallOptions = { deadlineEpochMs: nowMs + this.budgetMs };
    const byKey = new Map<string, ReadingItem>();
    for (const reading of readings) {
      const item = toItem(reading, { timeZone: this.timeZone, retentionDays: this.retentionDays, nowMs });
      byKey.set(`${item[PARTITION_KEY]}|${item[SORT_KEY]}`, item);
    }
    const items = [...byKey.values()];
    await this.batchWrite(items, deadline);

    // The newest reading that is not from the future moves the registry; one from a fast
    // device clock would hide every real reading after it.
    const latestAllowed = formatUtcKey(nowMs + MAX_LATEST_CLOCK_SKEW_MS);
    const newestByDevice = new Map<string, { allowed?: ReadingItem; future?: ReadingItem }>();
    for (const item of items) {
      const newest = newestByDevice.get(item.device_id) ?? {};
      newestByDevice.set(item.device_id, newest);
      if (item[SORT_KEY] > latestAllowed) {
        this.logger.warn("reading_from_future", { device: item.device_id, reading_time: item[SORT_KEY], server_time: new Date(nowMs).toISOString() });
        if (newest.future === undefined || newest.future[SORT_KEY] < item[SORT_KEY]) newest.future = item;
        continue;
      }
      if (newest.allowed === undefined || newest.allowed[SORT_KEY] < item[SORT_KEY]) newest.allowed = item;
    }
    const desired = new Map<string, DesiredState | null>();
    for (const [deviceId, newest] of newestByDevice) {
      if (newest.allowed !== undefined) desired.set(deviceId, await this.recordLatest(newest.allowed, nowMs, deadline));
      else if (newest.future !== undefined) desired.set(deviceId, await this.recordFutureReading(newest.future, deadline));
    }
    return { stored: items.length, duplicates: readings.length - items.length, desired };
  }

  private async batchWrite(items: ReadingItem[], deadline: CallOptions): Promise<void> {
    const chunks: ReadingItem[][] = [];
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) chunks.push(items.slice(i, i + BATCH_WRITE_LIMIT));
    let unstored = 0;
    let next = 0;
    let hasFailed = false;
    const worker = async () => {
      // After one chunk fails the ingest is a 503 anyway, so the other workers start no more chunks.
      while (next < chunks.length && !hasFailed) {
        const chunk = chunks[next++] as ReadingItem[];
        try {
          // Awaited before the addition: `unstored += await …` reads `unstored` first, so a worker
          // that finishes later would overwrite what another worker added in the meantime.
          const remaining = await this.writeChunk(chunk, deadline);
          unstored += remaining;
        } catch (error) {
          hasFailed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, chunks.length) }, worker));
    if (unstored > 0) throw new UnstoredReadingsError({ unstored, total: items.length, table: this.tableName });
  }

  /** Writes one chunk, retrying unprocessed items with backoff; returns how many remain unstored at the deadline. */
  private async writeChunk(chunk: ReadingItem[], deadline: CallOptions): Promise<number> {
    let pending: NativeWriteRequest[] = chunk.map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 1; ; attempt++) {
      const output = await this.call("BatchWriteItem", () => this.client.batchWriteItem({ RequestItems: { [this.tableName]: pending } }, deadline));
      pending = output.UnprocessedItems[this.tableName] ?? [];
      if (pending.length === 0) return 0;

      const delayMs = backoffDelayMs(attempt, { baseMs: 50, capMs: 1000 });
      if (this.now() + delayMs >= (deadline.deadlineEpochMs ?? Number.POSITIVE_INFINITY)) {
        this.logger.error("batch_write_unprocessed", { table: this.tableName, unprocessed: pending.length, attempts: attempt });
        return pending.length;
      }
      this.logger.warn("batch_write_retry", { table: this.tableName, unprocessed: pending.length, attempt, delay_ms: delayMs });
      await this.sleep(delayMs);
    }
  }

  /** Moves the registry's latest reading forward (never back), then returns the device's desired state. */
  private recordLatest(item: ReadingItem, nowMs: number, deadline: CallOptions): Promise<DesiredState | null> {
    const latest = toStoredReading(item as unknown as Record<string, unknown>);
    return this.updateRegistry(
      {
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: REGISTRY_PARTITION, [SORT_KEY]: item.device_id },
        UpdateExpression: "SET #lastSeen = :lastSeen, #latest = :latest, #updatedAt = :updatedAt",
        ConditionExpression: "attribute_not_exists(#lastSeen) OR #lastSeen < :lastSeen",
        ExpressionAttributeNames: { "#lastSeen": "last_seen", "#latest": "latest", "#updatedAt": "updated_at" },
        ExpressionAttributeValues: { ":lastSeen": item[SORT_KEY], ":latest": latest, ":updatedAt": new Date(nowMs).toISOString() },
        ReturnValues: "ALL_NEW",
      },
      deadline,
    );
  }

  /**
   * Moves the registry's newest future-dated reading time forward (never back), then returns the
   * device's desired state. The device then appears in the device list, and its missing latest
   * reading can be explained by its clock.
   */
  private recordFutureReading(item: ReadingItem, deadline: CallOptions): Promise<DesiredState | null> {
    return this.updateRegistry(
      {
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: REGISTRY_PARTITION, [SORT_KEY]: item.device_id },
        UpdateExpression: "SET #future = :future",
        ConditionExpression: "attribute_not_exists(#future) OR #future < :future",
        ExpressionAttributeNames: { "#future": NEWEST_FUTURE_ATTRIBUTE },
        ExpressionAttributeValues: { ":future": item[SORT_KEY] },
        ReturnValues: "ALL_NEW",
      },
      deadline,
    );
  }

  /** Applies a conditional update to one registry item, then returns the device's desired state. */
  private async updateRegistry(request: UpdateItemRequest, deadline: CallOptions): Promise<DesiredState | null> {
    try {
      const output = await this.client.updateItem(request, deadline);
      return parseDesired(output.Attributes?.desired);
    } catch (error) {
      // The registry already contains a later time, so nothing moves, but the desired state is still needed.
      if (error instanceof DynamoDBError && error.name === "ConditionalCheckFailedException") {
        return (await this.getDevice(String(request.Key[SORT_KEY]), deadline))?.desired ?? null;
      }
      throw new StoreUnavailableError({ operation: "UpdateItem", table: this.tableName, cause: error });
    }
  }

  /**
   * Returns one page of a device's local day in time order, starting after `afterKey`.
   * @param options.deadlineEpochMs when the query must have finished @default the budget from now
   */
  async queryDayPage(deviceId: string, day: string, options: { afterKey?: string | undefined; limit: number } & CallOptions): Promise<DayPage> {
    const deadline = { deadlineEpochMs: options.deadlineEpochMs ?? this.now() + this.budgetMs };
    const output = await this.call("Query", () =>
      this.client.query({
        TableName: this.tableName,
        KeyConditionExpression: "#pk = :pk",
        ExpressionAttributeNames: { "#pk": PARTITION_KEY },
        ExpressionAttributeValues: { ":pk": dayPartition(deviceId, day) },
        ScanIndexForward: true,
        Limit: options.limit,
        ExclusiveStartKey: options.afterKey === undefined ? undefined : { [PARTITION_KEY]: dayPartition(deviceId, day), [SORT_KEY]: options.afterKey },
      }, deadline),
    );
    const readings = output.Items.map((item) => toStoredReading(item));
    const lastKey = output.LastEvaluatedKey?.[SORT_KEY];
    return { readings, lastKey: typeof lastKey === "string" ? lastKey : undefined };
  }

  /**
   * Yields every reading of a device's local day in time order, one DynamoDB page at a time.
   * All pages share one budget, which starts at the first page.
   */
  async *readDay(deviceId: string, day: string, pageLimit = 5000): AsyncGenerator<StoredReading[]> {
    const deadlineEpochMs = this.now() + this.budgetMs;
    let afterKey: string | undefined;
    do {
      const page = await this.queryDayPage(deviceId, day, { afterKey, limit: pageLimit, deadlineEpochMs });
      if (page.readings.length > 0) yield page.readings;
      afterKey = page.lastKey;
    } while (afterKey !== undefined);
  }

  /**
   * Returns a device's registry record, or undefined when it has none.
   * @param deadline when the read must have finished @default the budget from now
   */
  async getDevice(deviceId: string, deadline: CallOptions = { deadlineEpochMs: this.now() + this.budgetMs }): Promise<DeviceRecord | undefined> {
    const key = { [PARTITION_KEY]: REGISTRY_PARTITION, [SORT_KEY]: deviceId };
    const output = await this.call("GetItem", () => this.client.getItem({ TableName: this.tableName, Key: key }, deadline));
    return output.Item === undefined ? undefined : toDeviceRecord(output.Item);
  }

  /** Lists devices from the registry partition with a Query, never a Scan. */
  async listDevices(): Promise<DeviceRecord[]> {
    const deadline: CallOptions = { deadlineEpochMs: this.now() + this.budgetMs };
    const devices: DeviceRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await this.call("Query", () =>
        this.client.query({
          TableName: this.tableName,
          KeyConditionExpression: "#pk = :pk",
          ExpressionAttributeNames: { "#pk": PARTITION_KEY },
          ExpressionAttributeValues: { ":pk": REGISTRY_PARTITION },
          ExclusiveStartKey: startKey,
        }, deadline),
      );
      for (const item of output.Items) {
        const device = toDeviceRecord(item);
        // Clearing a desired state leaves a registry item behind, even for a device that never sent a reading.
        if (device.lastSeen !== undefined || device.desired !== null || device.newestFutureTime !== undefined) devices.push(device);
      }
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
    return devices;
  }

  /** Sets or, with null, clears a device's desired state. */
  async setDesired(deviceId: string, desired: DesiredState | null): Promise<void> {
    const key = { [PARTITION_KEY]: REGISTRY_PARTITION, [SORT_KEY]: deviceId };
    const request: UpdateItemRequest =
      desired === null
        ? { TableName: this.tableName, Key: key, UpdateExpression: "REMOVE #desired", ExpressionAttributeNames: { "#desired": "desired" } }
        : {
            TableName: this.tableName,
            Key: key,
            UpdateExpression: "SET #desired = :desired",
            ExpressionAttributeNames: { "#desired": "desired" },
            ExpressionAttributeValues: { ":desired": desired },
          };
    await this.call("UpdateItem", () => this.client.updateItem(request, { deadlineEpochMs: this.now() + this.budgetMs }));
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new StoreUnavailableError({ operation, table: this.tableName, cause: error });
    }
  }
}
