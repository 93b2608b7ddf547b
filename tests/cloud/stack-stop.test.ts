/** dev/stack.ts: stopping the stack while requests are in flight. */
import { describe, expect, test } from "bun:test";
import { Logger } from "../../lib/log.ts";
import { startStack } from "../../dev/stack.ts";
import { wireReadings } from "../helpers/wire-reading.ts";

describe("startStack stop", () => {
  test("stop under load raises no error", async () => {
    const uncaught: unknown[] = [];
    const onError = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onError);
    process.on("unhandledRejection", onError);
    try {
      const stack = await startStack({ logger: new Logger("test", { level: "silent" }), dashboard: false });
      const requests = Array.from({ length: 40 }, (_, index) =>
        fetch(`${stack.url}/readings`, {
          method: "POST",
          headers: { authorization: `Bearer ${stack.tokens.ingest}` },
          body: JSON.stringify({ readings: wireReadings(100, { startMs: Date.UTC(2026, 2, 10) + index * 100_000, deviceId: "busy" }) }),
        }).then(
          (response) => response.status,
          () => "failed",
        ),
      );
      await Bun.sleep(20);

      await stack.stop();
      const statuses = await Promise.all(requests);
      await Bun.sleep(200);

      expect(uncaught).toEqual([]);
      // Requests the server accepted before stopping got a full response, never one cut off mid-store.
      for (const status of statuses) expect([200, "failed"]).toContain(status);
    } finally {
      process.off("uncaughtException", onError);
      process.off("unhandledRejection", onError);
    }
  }, 30_000);
});
