/** Admin endpoints: a device's desired state, which ingest responses carry to the device. */
import { afterAll, describe, expect, test } from "bun:test";
import { startTestStack } from "../helpers/stack-fixture.ts";
import { wireReading } from "../helpers/wire-reading.ts";

const api = await startTestStack({ env: { THERMO_DEFAULT_UNIT: "F" } });
afterAll(() => api.stop());

const putDesired = (device: string, body: string) => api.send("PUT", `/devices/${device}/desired`, { token: api.tokens.admin, body });
const deleteDesired = (device: string) => api.send("DELETE", `/devices/${device}/desired`, { token: api.tokens.admin });

interface DevicesBody {
  devices: { device_id: string; last_seen: string | null; desired: { setpoint: number; unit: string } | null }[];
}

describe("PUT /devices/{device}/desired", () => {
  test("next ingest answer carries desired", async () => {
    const put = await putDesired("shop", '{"setpoint":68}');

    expect(put.status).toBe(200);
    const putBody = (await put.json()) as { device_id: string; desired: { setpoint: number; unit: string; updated_at: string } };
    expect(putBody.device_id).toBe("shop");
    expect(putBody.desired.setpoint).toBe(68);
    expect(putBody.desired.unit).toBe("F");
    expect(Number.isNaN(Date.parse(putBody.desired.updated_at))).toBe(false);

    const single = (await (await api.ingest("/", wireReading({ device_id: "shop" }))).json()) as { desired: unknown };
    const batch = (await (await api.ingest("/readings", { readings: [wireReading({ device_id: "shop", record_date: "2026-03-10T12:01:00Z" })] })).json()) as { desired: unknown };
    const viaPath = (await (await api.send("POST", `/ingest/${api.tokens.ingest}`, { body: JSON.stringify(wireReading({ device_id: "shop", record_date: "2026-03-10T12:02:00Z" })) })).json()) as { desired: unknown };
    expect(single.desired).toEqual(putBody.desired);
    expect(batch.desired).toEqual(putBody.desired);
    expect(viaPath.desired).toEqual(putBody.desired);
  });

  test("older reading still gets desired", async () => {
    await putDesired("older", '{"setpoint":20,"unit":"C"}');
    await api.ingest("/", wireReading({ device_id: "older", record_date: "2026-03-10T12:00:00Z", temperature: 20, thermostat_value: 20, unit: "C" }));

    const response = await api.ingest("/", wireReading({ device_id: "older", record_date: "2026-03-10T11:00:00Z", temperature: 20, thermostat_value: 20, unit: "C" }));

    expect(((await response.json()) as { desired: { setpoint: number; unit: string } }).desired).toMatchObject({ setpoint: 20, unit: "C" });
  });

  test("other device gets no desired", async () => {
    await putDesired("kitchen", '{"setpoint":70}');

    const response = await api.ingest("/", wireReading({ device_id: "garage" }));

    expect(((await response.json()) as { desired: unknown }).desired).toBeNull();
  });

  test("device list shows desired", async () => {
    await putDesired("planned", '{"setpoint":66}');

    const body = (await (await api.read("/devices")).json()) as DevicesBody;

    expect(body.devices.find((device) => device.device_id === "planned")).toMatchObject({ last_seen: null, desired: { setpoint: 66, unit: "F" } });
    expect((await api.read("/devices/planned/latest")).status).toBe(404);
  });

  test.each([
    ["setpoint 105 F", '{"setpoint":105}'],
    ["setpoint 31 F", '{"setpoint":31,"unit":"F"}'],
    ["setpoint 41 C", '{"setpoint":41,"unit":"C"}'],
    ["setpoint -1 C", '{"setpoint":-1,"unit":"C"}'],
    ["fractional setpoint", '{"setpoint":68.5}'],
    ["setpoint as string", '{"setpoint":"68"}'],
    ["setpoint null", '{"setpoint":null}'],
    ["setpoint missing", '{"unit":"F"}'],
    ["unit K", '{"setpoint":68,"unit":"K"}'],
    ["array body", "[68]"],
    ["null body", "null"],
    ["bad JSON", "{setpoint:68}"],
    ["empty body", ""],
  ])("%s is 400", async (_label, body) => {
    const response = await putDesired("strict", body);

    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string };
    expect(["invalid_desired", "invalid_json", "invalid_body"]).toContain(answer.error);
    const devices = (await (await api.read("/devices")).json()) as DevicesBody;
    expect(devices.devices.map((device) => device.device_id)).not.toContain("strict");
  });

  test("setpoint problem named", async () => {
    const response = await putDesired("strict", '{"setpoint":105}');

    const body = (await response.json()) as { problems: { field: string }[]; message: string };
    expect(body.problems.map((problem) => problem.field)).toEqual(["setpoint"]);
    expect(body.message).toContain("105");
  });

  test("body over 4096 bytes is 413", async () => {
    const response = await putDesired("strict", JSON.stringify({ setpoint: 68, padding: "x".repeat(5000) }));

    expect(response.status).toBe(413);
  });

  test("invalid device is 400", async () => {
    const response = await putDesired("Shop", '{"setpoint":68}');

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_device");
  });
});

describe("DELETE /devices/{device}/desired", () => {
  test("clears desired for next ingest", async () => {
    await putDesired("cleared", '{"setpoint":68}');
    await api.ingest("/", wireReading({ device_id: "cleared" }));

    const response = await deleteDesired("cleared");

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ device_id: "cleared", desired: null });
    const next = (await (await api.ingest("/", wireReading({ device_id: "cleared", record_date: "2026-03-10T13:00:00Z" }))).json()) as { desired: unknown };
    expect(next.desired).toBeNull();
  });

  test("unknown device stays unlisted", async () => {
    const response = await deleteDesired("ghost");

    expect(response.status).toBe(200);
    const body = (await (await api.read("/devices")).json()) as DevicesBody;
    expect(body.devices.map((device) => device.device_id)).not.toContain("ghost");
  });

  test("cleared plan without readings unlisted", async () => {
    await putDesired("abandoned", '{"setpoint":68}');

    await deleteDesired("abandoned");

    const body = (await (await api.read("/devices")).json()) as DevicesBody;
    expect(body.devices.map((device) => device.device_id)).not.toContain("abandoned");
  });

  test("invalid device is 400", async () => {
    expect((await deleteDesired("..%2Fx")).status).toBe(400);
  });
});
