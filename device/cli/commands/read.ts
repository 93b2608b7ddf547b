/** `thermo read`: one reading through the configured driver, for checking the wiring. */
import type { Logger } from "../../../lib/log.ts";
import type { DeviceConfig } from "../../config/load.ts";
import { fromCelsius } from "../../control/units.ts";
import { createHardware, createSensor, type HardwareOverrides } from "../../run/create-hardware.ts";
import { EXIT_CODES } from "../../run/exit-codes.ts";
import { PlausibilityFilter } from "../../sensors/plausibility.ts";
import { readWithRetries } from "../../sensors/read-with-retries.ts";
import type { CliIo } from "../io.ts";

export async function readCommand(options: { config: DeviceConfig; logger: Logger; io: CliIo; json: boolean; overrides?: HardwareOverrides }): Promise<number> {
  const { config, io } = options;
  const hardware = createHardware(config, options.overrides);
  const sensor = createSensor(config, hardware, options.logger, options.overrides);

  let sample;
  try {
    sample = await readWithRetries(sensor, { clock: hardware.clock, budgetMs: 10_000, logger: options.logger });
  } catch (error) {
    io.err(`error: reading ${sensor.description} failed: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_CODES.startFailure;
  }
  const check = new PlausibilityFilter(sensor.rangeC).check(sample, hardware.clock.monotonicNow());
  const temperature = Math.round(fromCelsius(sample.temperatureC, config.unit) * 100) / 100;

  if (options.json) {
    io.out(JSON.stringify({ sensor: sensor.description, temperature, unit: config.unit, temperature_c: sample.temperatureC, humidity: sample.humidityPercent ?? null, plausible: check.ok, rejection: check.ok ? null : check.message }));
  } else {
    const humidity = sample.humidityPercent === undefined ? "" : `, humidity ${sample.humidityPercent} %`;
    io.out(`${sensor.description}: ${temperature} °${config.unit} (${sample.temperatureC} °C)${humidity}`);
    io.out(check.ok ? "verdict: accepted; thermo run would use this reading" : `verdict: rejected: ${check.message}; thermo run would drop this reading`);
  }
  return check.ok ? EXIT_CODES.ok : EXIT_CODES.startFailure;
}
