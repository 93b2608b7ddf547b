/** A sensor that reads the room model, with a little deterministic noise as a DHT22 shows. */
import type { Clock } from "../time/clock.ts";
import type { RoomModel } from "../simulation/room-model.ts";
import { DHT_RANGE_C } from "./iio-dht.ts";
import type { Sensor, SensorSample } from "./sensor.ts";

export class SimulatedSensor implements Sensor {
  readonly description = "simulated room";
  readonly minIntervalMs = 0;
  readonly rangeC = DHT_RANGE_C[22];
  private readonly model: RoomModel;
  private readonly clock: Clock;
  private count = 0;

  constructor(model: RoomModel, clock: Clock) {
    this.model = model;
    this.clock = clock;
  }

  async read(): Promise<SensorSample> {
    const nowMs = this.clock.monotonicNow();
    // ±0.05 °C of noise, repeating every 7 reads, rounded to the DHT22's 0.1 °C steps.
    const noiseC = ((this.count++ % 7) - 3) / 60;
    const temperatureC = Math.round((this.model.temperatureAt(nowMs) + noiseC) * 10) / 10;
    const humidityPercent = Math.round(this.model.humidityAt(nowMs) * 10) / 10;
    return { temperatureC, humidityPercent };
  }
}
