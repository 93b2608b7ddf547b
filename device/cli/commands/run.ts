/**
 * `thermo run`: the control loop with its local API. Installs the process
 * handlers that drive the relay off on SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, uncaught
 * errors and exit, before the relay is claimed.
 */
import type { Logger } from "../../../lib/log.ts";
import { createLocalApi } from "../../api/app.ts";
import type { DeviceConfig } from "../../config/load.ts";
import { describeConfig } from "../../config/load.ts";
import { SETPOINT_SOURCES } from "../../control/setpoint-store.ts";
import { isStorageUnavailableError, openDataDirDatabase } from "../../outbox/database.ts";
import { createHardware, createRelay, createSensor, type HardwareOverrides } from "../../run/create-hardware.ts";
import { EXIT_CODES } from "../../run/exit-codes.ts";
import { ThermostatService } from "../../run/thermostat-service.ts";
import { VERSION } from "../../version.ts";

/** Signals that stop the service cleanly, with the relay driven off. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;

/** Seconds to wait for a clean stop after an uncaught error before exiting anyway. */
const CRASH_EXIT_DEADLINE_MS = 10_000;

export interface RunCommandOptions {
  config: DeviceConfig;
  logger: Logger;
  overrides?: HardwareOverrides;
  fetch?: typeof fetch;
  /** Called once the service and API run, with the API's URL. */
  onStarted?: (info: { apiUrl: string; service: ThermostatService }) => void;
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  const { config, logger } = options;
  logger.info("thermo_starting", { version: VERSION, config: describeConfig(config) });

  let service: ThermostatService;
  let db;
  let databaseError: unknown;
  try {
    const hardware = createHardware(config, options.overrides);
    const sensor = createSensor(config, hardware, logger.child({}, "sensor"), options.overrides);
    const relay = await createRelay(config, hardware, options.overrides);
    const openDatabase = () => openDataDirDatabase(config.data_dir);
    try {
      db = openDatabase();
    } catch (error) {
      // A read-only or full data_dir must not stop heating: the service runs without history and retries the open.
      if (!isStorageUnavailableError(error)) throw error;
      databaseError = error;
    }
    service = new ThermostatService({ config, clock: hardware.clock, logger: logger.child({}, "thermostat"), sensor, relay, db, databaseError, openDatabase, version: VERSION, fetch: options.fetch });
  } catch (error) {
    logger.error("start_failed", { error });
    db?.close();
    return EXIT_CODES.startFailure;
  }

  // Every exit path the process controls drives the relay off.
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info("signal_received", { signal });
    void service.stop(signal);
  };
  const onCrash = (error: unknown) => {
    logger.error("uncaught_error", { error });
    service.forceRelayOffSync();
    void service.stop("uncaught error", EXIT_CODES.crash);
    setTimeout(() => process.exit(EXIT_CODES.crash), CRASH_EXIT_DEADLINE_MS).unref();
  };
  const onExit = () => service.forceRelayOffSync();
  // A closed terminal or SSH session sends SIGHUP; its default action, like that of
  // SIGQUIT and SIGUSR1/2, ends the process without driving the relay off.
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
  process.on("exit", onExit);
  const removeHandlers = () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    process.off("uncaughtException", onCrash);
    process.off("unhandledRejection", onCrash);
    process.off("exit", onExit);
  };

  try {
    await service.start();
  } catch (error) {
    logger.error("relay_open_failed", { error });
    service.forceRelayOffSync();
    await service.stop("relay open failed", EXIT_CODES.relayFailure);
    db?.close();
    removeHandlers();
    return EXIT_CODES.relayFailure;
  }

  const app = createLocalApi({
    status: () => service.status(),
    setSetpoint: (value, unit) => service.setSetpoint(value, unit, SETPOINT_SOURCES.localApi),
    deviceUnit: config.unit,
    token: config.api_token,
    bind: config.api_bind,
    logger: logger.child({}, "api"),
  });
  let server: ReturnType<typeof Bun.serve> | undefined;
  try {
    server = Bun.serve({ hostname: config.api_bind, port: config.api_port, fetch: app.fetch });
    const apiUrl = `http://${server.hostname}:${server.port}`;
    logger.info("local_api_listening", { url: apiUrl, auth: config.api_token !== undefined });
    options.onStarted?.({ apiUrl, service });
  } catch (error) {
    logger.error("local_api_failed", { bind: config.api_bind, port: config.api_port, error });
    await service.stop("local API failed", EXIT_CODES.startFailure);
  }

  const code = await service.exited;
  await server?.stop(true);
  db?.close();
  removeHandlers();
  return code;
}
