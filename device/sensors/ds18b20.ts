/**
 * DS18B20 (and the other w1_therm families) through 1-Wire sysfs. Three files
 * report the same conversion with different failure behaviour:
 * - `w1_slave`: two lines with the scratchpad and CRC; empty on failure;
 * - `temperature`: `"<milli-°C>\n"`; empty on failure;
 * - `hwmon/hwmonK/temp1_input`: `"<milli-°C>\n"`; errno on failure (`EIO`, `ENODEV`, `EAGAIN`).
 * The device folder disappears about 100 s after the sensor is unplugged (`ENOENT`).
 */
import { join } from "node:path";
import type { Ds18b20Source } from "../config/keys.ts";
import { SensorReadError, failureCodeOf } from "./errors.ts";
import type { Sensor, SensorSample, SysfsReader, TemperatureRangeC } from "./sensor.ts";
import { fsSysfsReader } from "./sysfs-reader.ts";
import { parseMilliValue } from "./iio-dht.ts";
import { parseW1Slave } from "./w1-slave.ts";

/** Datasheet range of the DS18B20. */
export const DS18B20_RANGE_C: TemperatureRangeC = Object.freeze({ minC: -55, maxC: 125 });
/** A 12-bit conversion takes 750 ms and every read starts one. */
export const DS18B20_MIN_INTERVAL_MS = 1000;
/** The temperature register's power-on value; a reading of exactly this means no conversion completed. */
export const POWER_ON_RESET_MILLI_C = 85_000;
/** w1_therm family codes: DS18S20, DS1822, DS18B20, DS1825, DS28EA00. */
const THERM_FAMILIES = ["10", "22", "28", "3b", "42"];

export interface Ds18b20Options {
  sysfsRoot: string;
  /** 1-Wire id such as `28-3c01d607d4a1`; the first thermometer on the bus when absent. */
  id?: string;
  source: Ds18b20Source;
  reader?: SysfsReader;
}

export class Ds18b20Sensor implements Sensor {
  readonly minIntervalMs = DS18B20_MIN_INTERVAL_MS;
  readonly rangeC = DS18B20_RANGE_C;
  private readonly options: Ds18b20Options;
  private readonly reader: SysfsReader;
  private id: string | undefined;

  constructor(options: Ds18b20Options) {
    this.options = options;
    this.reader = options.reader ?? fsSysfsReader;
    this.id = options.id;
  }

  get description(): string {
    return `ds18b20 ${this.id ?? "(not found yet)"} ${this.options.source}`;
  }

  private get devicesDir(): string {
    return join(this.options.sysfsRoot, "bus/w1/devices");
  }

  /** Finds the first thermometer listed by a bus master, then by the device folder. */
  private async findId(): Promise<string> {
    const isThermometer = (name: string) => /^[0-9a-f]{2}-[0-9a-f]{12}$/.test(name) && THERM_FAMILIES.includes(name.slice(0, 2));
    let entries: string[];
    try {
      entries = await this.reader.list(this.devicesDir);
    } catch (error) {
      throw new SensorReadError(this.description, "NOT_FOUND", `no 1-Wire bus at ${this.devicesDir}; add "dtoverlay=w1-gpio" to /boot/firmware/config.txt and reboot`, { cause: error });
    }
    for (const master of entries.filter((name) => name.startsWith("w1_bus_master")).sort()) {
      const slaves = await this.reader.readText(join(this.devicesDir, master, "w1_master_slaves")).catch(() => "");
      const found = slaves.split("\n").map((line) => line.trim()).find(isThermometer);
      if (found !== undefined) return found;
    }
    const direct = entries.filter(isThermometer).sort()[0];
    if (direct !== undefined) return direct;
    throw new SensorReadError(this.description, "NOT_FOUND", `no DS18B20 found in ${this.devicesDir}; check the wiring and the 4.7 kΩ pull-up from DATA to 3.3 V`);
  }

  private async readFile(path: string): Promise<string> {
    try {
      return await this.reader.readText(path);
    } catch (error) {
      const code = failureCodeOf(error);
      // ENOENT: the device folder is removed once the bus has missed the sensor for about 100 s.
      let hint = "";
      if (code === "ENOENT") hint = " (sensor disconnected)";
      if (code === "ENODEV") hint = " (no presence pulse: sensor disconnected or unpowered)";
      throw new SensorReadError(this.description, code, `reading ${path} failed with ${(error as { code?: string }).code ?? String(error)}${hint}`, { cause: error });
    }
  }

  private async readMilliC(deviceDir: string): Promise<number> {
    const source = this.options.source;
    if (source === "w1_slave") {
      const result = parseW1Slave(await this.readFile(join(deviceDir, "w1_slave")));
      if (!result.ok) throw new SensorReadError(this.description, result.code, result.reason);
      return result.milliC;
    }

    let path = join(deviceDir, "temperature");
    if (source === "hwmon") {
      const hwmonDir = join(deviceDir, "hwmon");
      const hwmon = (await this.reader.list(hwmonDir).catch(() => [] as string[])).filter((name) => name.startsWith("hwmon")).sort()[0];
      if (hwmon === undefined) throw new SensorReadError(this.description, "NOT_FOUND", `no hwmon folder in ${hwmonDir}; the kernel may lack CONFIG_HWMON, so use ds18b20_source = "w1_slave"`);
      path = join(hwmonDir, hwmon, "temp1_input");
    }
    const text = await this.readFile(path);
    if (text.length === 0) throw new SensorReadError(this.description, "EMPTY_READ", `${path} was empty: no presence pulse, or the CRC failed on every try`);
    const value = parseMilliValue(text);
    if (value === undefined) throw new SensorReadError(this.description, "MALFORMED", `${path} contains ${JSON.stringify(text.slice(0, 60))}, expected milli-°C such as "23125\\n"`);
    return Math.round(value * 1000);
  }

  async read(): Promise<SensorSample> {
    this.id ??= await this.findId();

    const milliC = await this.readMilliC(join(this.devicesDir, this.id));
    // NOTE: a real 85.000 °C is also rejected; a room that hot is past any cut-off, and the next conversion rarely lands on exactly 85.000.
    if (milliC === POWER_ON_RESET_MILLI_C) {
      throw new SensorReadError(this.description, "POWER_ON_RESET", "read 85.000 °C, the power-on value of a DS18B20 that has not finished a conversion");
    }
    return { temperatureC: milliC / 1000 };
  }
}
