/**
 * DHT11/DHT22 through the `node-dht-sensor` native package (0.4.x), which
 * bit-bangs the pin in user space. The package loads only when this driver is
 * selected; see load-native-module.ts.
 */
import { z } from "zod";
import type { NativeModuleLoader } from "../native/load-native-module.ts";
import { NativeModuleError, SensorReadError } from "./errors.ts";
import { DHT_RANGE_C } from "./iio-dht.ts";
import type { Sensor, SensorSample, TemperatureRangeC } from "./sensor.ts";

/** node-dht-sensor returns cached values for 3 s after a good read of the same pin. */
export const NODE_DHT_MIN_INTERVAL_MS = 3000;

/** The parts of node-dht-sensor's API this driver calls (its `promises` export). */
export interface NodeDhtModule {
  promises: {
    read(type: 11 | 22, pin: number): Promise<{ temperature: number; humidity: number }>;
    setMaxRetries(retries: number): void;
  };
}

const moduleShape = z.object({
  promises: z.object({ read: z.function(), setMaxRetries: z.function() }),
});

const resultShape = z.object({ temperature: z.number(), humidity: z.number() });

export interface NodeDhtOptions {
  dhtType: 11 | 22;
  bcm: number;
  loadModule: NativeModuleLoader;
}

export class NodeDhtSensor implements Sensor {
  readonly minIntervalMs = NODE_DHT_MIN_INTERVAL_MS;
  readonly rangeC: TemperatureRangeC;
  readonly description: string;
  private readonly options: NodeDhtOptions;
  private readonly module: NodeDhtModule;

  /** @throws {NativeModuleError} when node-dht-sensor is missing, unbuilt or not the expected API */
  constructor(options: NodeDhtOptions) {
    this.options = options;
    this.rangeC = DHT_RANGE_C[options.dhtType];
    this.description = `node-dht-sensor DHT${options.dhtType} on BCM ${options.bcm}`;
    const loaded = options.loadModule("node-dht-sensor");
    if (!moduleShape.safeParse(loaded).success) {
      throw new NativeModuleError("node-dht-sensor", "node-dht-sensor loaded but has no promises.read(); install version 0.4.5");
    }
    this.module = loaded as NodeDhtModule;
    // Our own retry loop spaces attempts by the sensor's rest time, so the package's 450 ms retries are kept short.
    this.module.promises.setMaxRetries(1);
  }

  async read(): Promise<SensorSample> {
    let result: unknown;
    try {
      result = await this.module.promises.read(this.options.dhtType, this.options.bcm);
    } catch (error) {
      // The package reports "failed to read sensor" (timing or checksum) and "failed to initialize sensor" (GPIO access).
      const message = error instanceof Error ? error.message : String(error);
      throw new SensorReadError(this.description, "DRIVER_ERROR", `node-dht-sensor: ${message}`, { cause: error });
    }
    const parsed = resultShape.safeParse(result);
    if (!parsed.success) throw new SensorReadError(this.description, "MALFORMED", `node-dht-sensor returned ${JSON.stringify(result)}, expected { temperature, humidity }`);
    return { temperatureC: parsed.data.temperature, humidityPercent: parsed.data.humidity };
  }
}
