/**
 * Runs `thermo run` in this process and throws an uncaught error once the
 * heater is on, to check that the crash path drives the relay off. The clock
 * runs fast, as in run-fast-clock.ts.
 * Usage: bun run-then-throw.ts <value-file> <thermo run arguments…>
 */
import { readFileSync } from "node:fs";
import { runCli } from "../../../device/cli/main.ts";
import { fastClockOverrides } from "./run-fast-clock.ts";

const [valueFile, ...args] = process.argv.slice(2) as [string, ...string[]];
const timer = setInterval(() => {
  if (readFileSync(valueFile, "utf8").trim() === "1") {
    clearInterval(timer);
    setTimeout(() => {
      throw new Error("simulated bug in the control loop");
    }, 10);
  }
}, 20);
process.exit(await runCli(args, { overrides: fastClockOverrides() }));
