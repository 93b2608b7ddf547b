/**
 * `thermo relay on|off`: drives the relay by hand. "off" is what the systemd
 * unit's ExecStopPost runs. "on" keeps the relay on for a few seconds and then
 * turns it off, so a wiring check cannot leave the heater running.
 */
import type { Logger } from "../../../lib/log.ts";
import type { DeviceConfig } from "../../config/load.ts";
import { RelayGuard } from "../../relays/relay-guard.ts";
import { createHardware, createRelay, type HardwareOverrides } from "../../run/create-hardware.ts";
import { EXIT_CODES } from "../../run/exit-codes.ts";
import type { CliIo } from "../io.ts";

/** Default seconds `relay on` keeps the relay on. */
export const DEFAULT_HOLD_S = 10;
const MAX_HOLD_S = 3600;

export async function relayCommand(options: {
  config: DeviceConfig;
  logger: Logger;
  io: CliIo;
  state: string | undefined;
  holdS: string | undefined;
  overrides?: HardwareOverrides;
  /** Resolves when the user interrupts the hold. @default SIGINT or SIGTERM */
  interrupted?: Promise<void>;
}): Promise<number> {
  const { config, io } = options;
  if (options.state !== "on" && options.state !== "off") {
    io.err(`error: thermo relay needs "on" or "off", got ${options.state === undefined ? "nothing" : `"${options.state}"`}`);
    return EXIT_CODES.usage;
  }
  const holdS = options.holdS === undefined ? DEFAULT_HOLD_S : Number(options.holdS);
  if (!Number.isFinite(holdS) || holdS <= 0 || holdS > MAX_HOLD_S) {
    io.err(`error: --hold-s must be a number of seconds from 1 to ${MAX_HOLD_S}, got "${options.holdS}"`);
    return EXIT_CODES.usage;
  }

  const hardware = createHardware(config, options.overrides);
  const relay = new RelayGuard({ driver: await createRelay(config, hardware, options.overrides), clock: hardware.clock, logger: options.logger });
  io.out(`relay ${relay.description}: BCM ${config.relay_bcm}, header pin ${config.relay_header_pin}${config.relay_active_low ? ", active-low" : ""}`);
  try {
    await relay.open();
    if (options.state === "off") {
      io.out("relay off");
      await relay.close();
      return EXIT_CODES.ok;
    }

    await relay.set(true, "manual");
    io.out(`relay on for ${holdS} s (Ctrl-C turns it off sooner)`);
    const interrupted =
      options.interrupted ??
      new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
    await Promise.race([hardware.clock.sleep(holdS * 1000), interrupted]);
    await relay.close();
    io.out("relay off");
    return EXIT_CODES.ok;
  } catch (error) {
    relay.forceOffSync();
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_CODES.relayFailure;
  }
}
