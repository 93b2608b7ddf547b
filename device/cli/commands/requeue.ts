/**
 * `thermo requeue-dead-letters`: moves readings the API rejected for good
 * back into the outbox, for after a server-side fix or a corrected api_url.
 * Stop the service first, because the running thermo keeps its own count of the outbox.
 */
import type { Logger } from "../../../lib/log.ts";
import type { DeviceConfig } from "../../config/load.ts";
import { openDataDirDatabase } from "../../outbox/database.ts";
import { Outbox } from "../../outbox/outbox.ts";
import { EXIT_CODES } from "../../run/exit-codes.ts";
import { systemClock } from "../../time/clock.ts";
import type { CliIo } from "../io.ts";

export function requeueCommand(options: { config: DeviceConfig; logger: Logger; io: CliIo }): number {
  const { config, io } = options;
  let db;
  try {
    db = openDataDirDatabase(config.data_dir);
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_CODES.startFailure;
  }
  try {
    const outbox = new Outbox({ db, maxReadings: config.outbox_max_readings, clock: systemClock, logger: options.logger });
    const moved = outbox.requeueDeadLetters();
    io.out(`moved ${moved} dead letters back into the outbox (${outbox.depth} readings waiting)`);
    return EXIT_CODES.ok;
  } finally {
    db.close();
  }
}
