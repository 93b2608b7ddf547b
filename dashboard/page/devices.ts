/** The device picker's labels and the choice of device to show when the address names none or an unknown one. */
import type { DevicesResponse } from "../../schema.ts";
import type { IgnoredPart } from "./url-state.ts";

export type Device = DevicesResponse["devices"][number];

/**
 * Returns the picker's label: the device id, marked when the device has a
 * desired state but has never sent a reading (`last_seen` null).
 */
export function deviceLabel(device: Device): string {
  return device.last_seen === null ? `${device.device_id} (no readings yet)` : device.device_id;
}

/**
 * Chooses the device to show: the one the address requests, else the one
 * this browser showed last, else the first that has sent readings, else the
 * first. A requested device that is not in the list is reported as ignored.
 * @throws {RangeError} when `devices` is empty
 */
export function chooseDevice(devices: readonly Device[], requested: string | null, remembered: string | null): { deviceId: string; ignored: IgnoredPart | null } {
  const first = devices[0];
  if (first === undefined) throw new RangeError("chooseDevice needs at least one device");
  const known = new Set(devices.map((device) => device.device_id));
  if (requested !== null && known.has(requested)) return { deviceId: requested, ignored: null };

  const ignored = requested === null ? null : { key: "device", reason: `unknown device ${JSON.stringify(requested)}` };
  if (remembered !== null && known.has(remembered)) return { deviceId: remembered, ignored };
  const withReadings = devices.find((device) => device.last_seen !== null);
  return { deviceId: (withReadings ?? first).device_id, ignored };
}
