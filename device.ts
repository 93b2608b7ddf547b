#!/usr/bin/env bun
/**
 * thermo: the Raspberry Pi thermostat. Reads a temperature sensor, switches a
 * heater relay, and delivers every reading to the thermo cloud API.
 * Run `thermo --help` for the commands and options; docs/device.md has the
 * installation guide.
 */
import { runCli } from "./device/cli/main.ts";

if (import.meta.main) process.exit(await runCli(process.argv.slice(2)));
