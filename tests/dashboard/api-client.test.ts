import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ApiClient } from "../../dashboard/page/api.ts";
import { ApiError, NetworkError, ResponseShapeError, UnauthorizedError } from "../../dashboard/page/errors.ts";
import { generateDay } from "./fixtures.ts";
import { startDashboardStack, type DashboardStack } from "./stack.ts";

const ZONE = "America/Chicago";
const DAY = "2026-03-08";
const readings = generateDay({ deviceId: "shop", day: DAY, zone: ZONE, intervalS: 15 });

let stack: DashboardStack;
/** A server on 127.0.0.1 that misbehaves in the ways the client must survive. */
let odd: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  stack = await startDashboardStack({ timeZone: ZONE });
  await stack.ingest(readings);
  odd = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      if (path === "/devices/loop/days/2026-03-08") {
        return Response.json({ device_id: "loop", day: DAY, time_zone: ZONE, readings: [], summary: { count: 0, min: null, max: null, mean: null, heater_on_fraction: null, first: null, last: null, unit: null }, next_cursor: "same" });
      }
      if (path === "/devices") return Response.json({ devices: [{ device_id: 7 }] });
      if (path === "/devices/slow/latest") {
        await Bun.sleep(1000);
        return Response.json({});
      }
      return new Response("<html>proxy error</html>", { status: 502, statusText: "Bad Gateway" });
    },
  });
});

afterAll(async () => {
  await odd?.stop(true);
  await stack?.stop();
});

describe("ApiClient", () => {
  test("wholeDay follows the cursor to the end", async () => {
    const client = new ApiClient({ baseUrl: stack.url, token: stack.readToken });
    const counts: number[] = [];

    const day = await client.wholeDay("shop", DAY, { onPage: (count) => counts.push(count) });

    expect(day.pageCount).toBe(2);
    expect(counts).toEqual([5000, readings.length]);
    expect(day.readings.map((reading) => reading.time)).toEqual(readings.map((reading) => reading.time));
    expect(day.summary.count).toBe(readings.length);
    expect(day.timeZone).toBe(ZONE);
  });

  test("rejected token is an UnauthorizedError", async () => {
    const client = new ApiClient({ baseUrl: stack.url, token: "wrong" });

    const error = await client.devices().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).status).toBe(401);
    expect((error as UnauthorizedError).code).toBe("unauthorized");
  });

  test("store outage keeps the API's message", async () => {
    const client = new ApiClient({ baseUrl: stack.url, token: stack.readToken });
    stack.failStore(true);

    const error = await client.devices().catch((caught: unknown) => caught).finally(() => stack.failStore(false));

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect((error as ApiError).code).toBe("store_unavailable");
    expect((error as ApiError).message).toStartWith("the data store is unavailable");
  });

  test("latest of a silent device is null", async () => {
    const client = new ApiClient({ baseUrl: stack.url, token: stack.readToken });
    expect(await client.latest("nobody-here")).toBeNull();
  });

  test("repeated cursor stops the paging", async () => {
    const client = new ApiClient({ baseUrl: `http://127.0.0.1:${odd.port}`, token: "t" });

    const error = await client.wholeDay("loop", DAY).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toBe(`The server kept paging through ${DAY} (2 pages) without reaching the end`);
  });

  test("unexpected shape names the field", async () => {
    const client = new ApiClient({ baseUrl: `http://127.0.0.1:${odd.port}`, token: "t" });

    const error = await client.devices().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toStartWith("The response to /devices had an unexpected shape at devices.0.device_id:");
  });

  test("non-JSON error keeps the status line", async () => {
    const client = new ApiClient({ baseUrl: `http://127.0.0.1:${odd.port}`, token: "t" });

    const proxied = await client.latest("other").catch((caught: unknown) => caught);

    expect(proxied).toBeInstanceOf(ApiError);
    expect((proxied as ApiError).code).toBe("http_502");
    expect((proxied as ApiError).message).toBe("The API returned 502 Bad Gateway for /devices/other/latest");
  });

  test("slow response times out with a message", async () => {
    const client = new ApiClient({ baseUrl: `http://127.0.0.1:${odd.port}`, token: "t", timeoutMs: 200 });

    const error = await client.latest("slow").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe("No response from the API for /devices/slow/latest within 200 ms");
  });
});
