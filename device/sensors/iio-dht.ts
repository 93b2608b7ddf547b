/**
 * DHT11/DHT22 through the kernel IIO driver (`dtoverlay=dht11,gpiopin=N`).
 * Values are milli-°C and milli-%RH as decimal text; failures come back as
 * errno (`EIO` for checksum or decoding, `ETIMEDOUT` for a silent sensor).
 */
import { join } from "node:path";
import type { Logger } from "../../lib/log.ts";
import { SensorReadError, failureCodeOf } from "./errors.ts";
import type { Sensor, SensorSample, SysfsReader, TemperatureRangeC } from "./sensor.ts";
import { fsSysfsReader } from "./sysfs-reader.ts";

/** Datasheet ranges: DHT11 0–50 °C, DHT22/AM2302 −40–80 °C. */
export const DHT_RANGE_C: Readonly<Record<11 | 22, TemperatureRangeC>> = Object.freeze({
  11: { minC: 0, maxC: 50 },
  22: { minC: -40, maxC: 80 },
});

/** The driver serves a cached value for 2 s after a good transfer, and the sensor needs 2 s of rest after a bad one. */
export const DHT_MIN_INTERVAL_MS = 2000;

const MILLI_VALUE = /^(-?\d+)\n?$/;

export interface IioDhtOptions {
  sysfsRoot: string;
  /** BCM pin of the data line; the overlay names the device `dht11@<pin>`. */
  bcm: number;
  dhtType: 11 | 22;
  reader?: SysfsReader;
  logger?: Logger;
}

/** Parses a milli-unit value file such as `"23400\n"`. */
export function parseMilliValue(text: string): number | undefined {
  const match = MILLI_VALUE.exec(text);
  return match === null ? undefined : Number(match[1]) / 1000;
}

export class IioDhtSensor implements Sensor {
  readonly minIntervalMs = DHT_MIN_INTERVAL_MS;
  readonly rangeC: TemperatureRangeC;
  private readonly options: IioDhtOptions;
  private readonly reader: SysfsReader;
  private devicePath: string | undefined;
  private deviceName = "";

  constructor(options: IioDhtOptions) {
    this.options = options;
    this.reader = options.reader ?? fsSysfsReader;
    this.rangeC = DHT_RANGE_C[options.dhtType];
  }

  get description(): string {
    return `iio-dht ${this.deviceName || `dht11@${this.options.bcm}`}`;
  }

  /**
   * Finds the IIO device by its `name`, never by its index, which follows
   * registration order. The overlay names it `dht11@<pin>`; older overlays
   * used `dht11@0`, so a single other `dht11…` device is accepted with a warning.
   */
  private async findDevice(): Promise<string> {
    const devicesDir = join(this.options.sysfsRoot, "bus/iio/devices");
    let entries: string[];
    try {
      entries = await this.reader.list(devicesDir);
    } catch (error) {
      throw new SensorReadError(this.description, "NOT_FOUND", `no IIO devices at ${devicesDir}; add "dtoverlay=dht11,gpiopin=${this.options.bcm}" to /boot/firmware/config.txt and reboot`, { cause: error });
    }

    const candidates: { path: string; name: string }[] = [];
    for (const entry of entries.filter((name) => name.startsWith("iio:device")).sort()) {
      const path = join(devicesDir, entry);
      const name = await this.reader.readText(join(path, "name")).then((text) => text.trim(), () => "");
      if (name.startsWith("dht11")) candidates.push({ path, name });
    }

    const wanted = `dht11@${this.options.bcm}`;
    const exact = candidates.find((candidate) => candidate.name === wanted);
    const chosen = exact ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (chosen === undefined) {
      const found = candidates.length === 0 ? "none" : candidates.map((candidate) => candidate.name).join(", ");
      throw new SensorReadError(this.description, "NOT_FOUND", `no IIO device named ${wanted} in ${devicesDir} (DHT devices found: ${found}); check "dtoverlay=dht11,gpiopin=${this.options.bcm}" in /boot/firmware/config.txt`);
    }
    if (exact === undefined) {
      this.options.logger?.warnOnce(`dht-name-${chosen.name}`, "dht_device_name_differs", { expected: wanted, found: chosen.name, path: chosen.path });
    }
    this.deviceName = chosen.name;
    return chosen.path;
  }

  private async readValue(file: string): Promise<number> {
    const path = join(this.devicePath ?? "", file);
    let text: string;
    try {
      text = await this.reader.readText(path);
    } catch (error) {
      const code = failureCodeOf(error);
      // ENOENT: the device went away (module reload, overlay removed); look it up again next time.
      if (code === "ENOENT") this.devicePath = undefined;
      throw new SensorReadError(this.description, code, `reading ${path} failed with ${(error as { code?: string }).code ?? String(error)}`, { cause: error });
    }
    const value = parseMilliValue(text);
    if (value === undefined) throw new SensorReadError(this.description, "MALFORMED", `${path} contains ${JSON.stringify(text)}, expected milli-units such as "23400\\n"`);
    return value;
  }

  async read(): Promise<SensorSample> {
    this.devicePath ??= await this.findDevice();

    // Both files within the driver's 2 s cache cost one transfer.
    const temperatureC = await this.readValue("in_temp_input");
    const humidityPercent = await this.readValue("in_humidityrelative_input");
    return { temperatureC, humidityPercent };
  }
}
