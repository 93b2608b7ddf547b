/**
 * Runs `thermo` in this process with its clock 30 times faster, so a test can
 * see the heater switch on without waiting out the 30 s minimum off time.
 * Usage: bun run-fast-clock.ts <thermo arguments…>
 */
import { runCli } from "../../../device/cli/main.ts";
import { createScaledClock, systemClock } from "../../../device/time/clock.ts";

/** How many times faster than real time the clock runs. */
export const FAST_CLOCK_SPEED = 30;

/** Returns runCli overrides with a clock FAST_CLOCK_SPEED times faster. */
export function fastClockOverrides() {
  return { clock: createScaledClock(FAST_CLOCK_SPEED, systemClock) };
}

if (import.meta.main) process.exit(await runCli(process.argv.slice(2), { overrides: fastClockOverrides() }));
