/**
 * Store faults seen from the API: dynalite stopped and restarted mid-run,
 * and BatchWriteItem leaving items unprocessed. The API must return 5xx with
 * Retry-After whenever it cannot store a whole batch, never a 2xx for a
 * batch it did not store, and a client that retries must end with every
 * reading stored once and every item complete.
 */
import { afterAll, beforeAll } from "bun:test";
import { startCloud, type Cloud, type StoredItem } from "../harness/cloud.ts";
import { deliverBatch, isDelivered, postBatch } from "../harness/client.ts";
import { countDelivery, daysOf, makeReadings, type TakenReading } from "../harness/ledger.ts";
import { scenario, type Checks } from "../harness/scenario.ts";

let cloud: Cloud;

beforeAll(async () => {
  cloud = await startCloud();
});

afterAll(async () => {
  await cloud?.stop();
});

const ITEM_FIELDS = ["pk", "sk", "device_id", "day", "record_date", "thermostat_on", "temperature", "thermostat_value", "unit", "received_at"] as const;

function checkComplete(checks: Checks, items: readonly StoredItem[]): void {
  const incomplete = items.filter((item) => ITEM_FIELDS.some((field) => item[field] === undefined));
  checks.expect(incomplete.length === 0, `${incomplete.length} stored items miss a field, e.g. ${JSON.stringify(incomplete[0])}`);
}

async function tally(checks: Checks, deviceId: string, taken: readonly TakenReading[]) {
  const stored = await cloud.readingsOf(deviceId, daysOf(taken));
  checkComplete(checks, stored);
  const delivery = countDelivery(taken, stored);
  checks.expect(delivery.altered.length === 0, `stored items differ from the readings sent: ${delivery.altered.join(", ")}`);
  if (delivery.lost > 0) checks.note(`lost e.g. ${delivery.lostKeys.slice(0, 3).join(", ")}`);
  return { taken: delivery.taken, stored: delivery.stored, lost: delivery.lost, duplicated: delivery.duplicated };
}

scenario("store: dynalite restart (API, harness client)", { timeoutMs: 120_000 }, async (checks) => {
  const deviceId = "store-restart";
  const url = cloud.url;
  const token = cloud.ingestToken;
  const batches = Array.from({ length: 6 }, (_, index) => makeReadings({ deviceId, startMs: Date.UTC(2026, 2, 8, 6) + index * 3_600_000, count: 200, stepMs: 15_000 }));
  const taken = batches.flat();

  const first = await postBatch({ url, token, readings: batches[0]! });
  checks.expect(first.status === 200, `first batch returned ${first.status ?? first.error}, expected 200`);

  // Stop the store while a batch is being written, so a request meets the outage mid-write.
  const midWrite = postBatch({ url, token, readings: batches[1]! });
  await Bun.sleep(5);
  await cloud.stopStore();
  const midWriteResult = await midWrite;

  const duringOutage = await postBatch({ url, token, readings: batches[2]! });
  checks.expect(duringOutage.status === 503, `a batch during the outage returned ${duringOutage.status ?? duringOutage.error}, expected 503`);
  checks.expect(duringOutage.retryAfter !== null, "the 503 during the outage has no Retry-After");
  const single = await fetch(`${url}/`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(batches[3]![0]) });
  await single.text();
  checks.expect(single.status === 503, `POST / during the outage returned ${single.status}, expected 503`);

  await cloud.startStore();
  for (const [index, readings] of batches.entries()) {
    if (index === 0 || (index === 1 && midWriteResult.status === 200)) continue;
    const attempts = await deliverBatch({ url, token, readings });
    checks.expect(isDelivered(attempts), `batch ${index} was not accepted after the restart: ${JSON.stringify(attempts.at(-1))}`);
  }
  checks.note(`the batch cut mid-write returned ${midWriteResult.status ?? midWriteResult.error}`);
  return await tally(checks, deviceId, taken);
});

scenario("store: unprocessed items (API, harness client)", { timeoutMs: 120_000 }, async (checks) => {
  const deviceId = "store-unprocessed";
  const url = cloud.url;
  const token = cloud.ingestToken;
  const persistent = makeReadings({ deviceId, startMs: Date.UTC(2026, 2, 9, 6), count: 100, stepMs: 15_000 });
  const transient = makeReadings({ deviceId, startMs: Date.UTC(2026, 2, 9, 12), count: 100, stepMs: 15_000 });

  // Items that stay unprocessed past the store's deadline must fail the request.
  cloud.setBatchWriteMode({ kind: "unprocessed", keep: 10 });
  const failed = await postBatch({ url, token, readings: persistent });
  checks.expect(failed.status === 503, `a batch with items left unprocessed returned ${failed.status ?? failed.error}, expected 503`);
  checks.expect(failed.retryAfter !== null, "the 503 for unprocessed items has no Retry-After");
  const afterFailure = countDelivery(persistent, await cloud.readingsOf(deviceId, daysOf(persistent)));
  checks.note(`after the 503, ${afterFailure.stored} of ${persistent.length} readings were already stored; the retry stored the rest once`);

  // Unprocessed items that clear within the deadline are retried by the store and the request succeeds.
  const callsBefore = cloud.batchWriteCalls();
  const pending = postBatch({ url, token, readings: transient });
  await Bun.sleep(300);
  cloud.setBatchWriteMode({ kind: "normal" });
  const recovered = await pending;
  checks.expect(recovered.status === 200, `a batch whose unprocessed items cleared returned ${recovered.status ?? recovered.error}, expected 200`);
  checks.expect(cloud.batchWriteCalls() - callsBefore > 4, "the store made no retry call for unprocessed items, so the fault was not met");

  const attempts = await deliverBatch({ url, token, readings: persistent });
  checks.expect(isDelivered(attempts), `the failed batch was not accepted once the store recovered: ${JSON.stringify(attempts.at(-1))}`);
  return await tally(checks, deviceId, [...persistent, ...transient]);
});
