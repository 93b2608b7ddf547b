/** lib/log.ts: JSON lines, levels, child loggers, warnOnce and error fields. */
import { afterEach, describe, expect, test } from "bun:test";
import { Logger, memorySink } from "../../lib/log.ts";

const savedLevel = process.env.THERMO_LOG_LEVEL;
afterEach(() => {
  if (savedLevel === undefined) delete process.env.THERMO_LOG_LEVEL;
  else process.env.THERMO_LOG_LEVEL = savedLevel;
});

describe("Logger", () => {
  test("writes one JSON object per line", () => {
    const memory = memorySink();
    const logger = new Logger("api", { sink: memory.sink, context: { stage: "test" } });

    logger.info("request", { status: 200, route: "/" });

    expect(memory.lines).toHaveLength(1);
    const record = memory.records()[0] as Record<string, unknown>;
    expect(record).toMatchObject({ level: "info", logger: "api", event: "request", stage: "test", status: 200, route: "/" });
    expect(Number.isNaN(Date.parse(String(record.time)))).toBe(false);
  });

  test("fields cannot replace line keys", () => {
    const memory = memorySink();
    const logger = new Logger("store", { sink: memory.sink, context: { level: "context" } });

    logger.warn("reading_from_future", { time: "9999-12-31T23:59:59.000Z", event: "other", logger: "x" });

    const record = memory.records()[0] as Record<string, unknown>;
    expect(record.level).toBe("warn");
    expect(record.logger).toBe("store");
    expect(record.event).toBe("reading_from_future");
    expect(record.time).not.toBe("9999-12-31T23:59:59.000Z");
    expect(record.field_time).toBe("9999-12-31T23:59:59.000Z");
    expect(record.field_event).toBe("other");
    expect(record.field_level).toBe("context");
  });

  test.each([
    ["debug", ["debug", "info", "warn", "error"]],
    ["info", ["info", "warn", "error"]],
    ["warn", ["warn", "error"]],
    ["error", ["error"]],
    ["silent", []],
  ] as const)("level %s filters lower", (level, written) => {
    const memory = memorySink();
    const logger = new Logger("api", { sink: memory.sink, level });

    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");

    expect(memory.records().map((record) => record.level)).toEqual([...written]);
  });

  test("level from THERMO_LOG_LEVEL", () => {
    process.env.THERMO_LOG_LEVEL = "WARN";
    const memory = memorySink();
    const logger = new Logger("api", { sink: memory.sink });

    logger.info("hidden");
    logger.warn("shown");

    expect(memory.records().map((record) => record.event)).toEqual(["shown"]);
  });

  test("unknown THERMO_LOG_LEVEL means info", () => {
    process.env.THERMO_LOG_LEVEL = "loud";
    const memory = memorySink();
    const logger = new Logger("api", { sink: memory.sink });

    logger.debug("hidden");
    logger.info("shown");

    expect(memory.records().map((record) => record.event)).toEqual(["shown"]);
  });

  test("child keeps sink and level, adds fields", () => {
    const memory = memorySink();
    const parent = new Logger("api", { sink: memory.sink, level: "warn", context: { stage: "test" } });

    const child = parent.child({ request_id: "r1" }, "store");
    child.info("hidden");
    child.warn("retry", { attempt: 2 });

    expect(memory.records()).toEqual([expect.objectContaining({ logger: "store", event: "retry", stage: "test", request_id: "r1", attempt: 2 })]);
  });

  test("warnOnce per key", () => {
    const memory = memorySink();
    const logger = new Logger("device", { sink: memory.sink });

    logger.warnOnce("sensor", "fallback", { sensor: "ds18b20" });
    logger.warnOnce("sensor", "fallback", { sensor: "ds18b20" });
    logger.warnOnce("relay", "fallback", { relay: "sysfs" });

    expect(memory.records().map((record) => [record.level, record.event, record.sensor ?? record.relay])).toEqual([
      ["warn", "fallback", "ds18b20"],
      ["warn", "fallback", "sysfs"],
    ]);
  });

  test("error fields keep name, code and cause", () => {
    const memory = memorySink();
    const logger = new Logger("store", { sink: memory.sink });
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });

    logger.error("store_unavailable", { error: new Error("DynamoDB Query failed", { cause }) });

    expect(memory.records()[0]?.error).toEqual({
      name: "Error",
      message: "DynamoDB Query failed",
      cause: { name: "Error", message: "connect ECONNREFUSED 127.0.0.1:1", code: "ECONNREFUSED" },
    });
  });
});
