/**
 * A child process that uses the real outbox and uploader and dies by SIGKILL
 * at a chosen step, so tests can restart on the same database file.
 *
 * Usage: bun crash-child.ts <db> <api-url> <token> <mode> <first-index> <count>
 * Modes:
 *   kill-before-commit  commit count−1 readings, die inside the last append's transaction
 *   kill-after-2xx      commit count readings, upload one batch, die after the 2xx before the delete
 *   upload              commit count readings and upload one batch (the test kills it mid-request)
 *   soak                commit and upload for ever, printing each committed index
 */
import { Logger } from "../../../lib/log.ts";
import { openDeviceDatabase } from "../../../device/outbox/database.ts";
import { Outbox } from "../../../device/outbox/outbox.ts";
import { Uploader } from "../../../device/outbox/uploader.ts";
import { systemClock } from "../../../device/time/clock.ts";
import { sequenceReading } from "./outbox-fixtures.ts";

const [dbPath, apiUrl, token, mode, firstText, countText] = process.argv.slice(2) as [string, string, string, string, string, string];
const first = Number(firstText);
const count = Number(countText);
const die = () => process.kill(process.pid, "SIGKILL");
const logger = new Logger("crash-child", { level: "silent" });
const dieAfter2xx = (status: number) => {
  if (status === 200) die();
};

const db = openDeviceDatabase(dbPath);
const outbox = new Outbox({ db, maxReadings: 1_000_000, clock: systemClock, logger });
const uploader = new Uploader({
  outbox,
  apiUrl,
  token,
  deviceId: "crash",
  batchSize: 50,
  requestTimeoutMs: 10_000,
  clock: systemClock,
  logger,
  afterResponse: mode === "kill-after-2xx" ? dieAfter2xx : undefined,
});

if (mode === "kill-before-commit") {
  for (let index = first; index < first + count - 1; index++) outbox.append(sequenceReading(index).reading, sequenceReading(index).instantMs);
  const dying = new Outbox({ db, maxReadings: 1_000_000, clock: systemClock, logger, beforeCommit: die });
  const last = sequenceReading(first + count - 1);
  dying.append(last.reading, last.instantMs);
} else if (mode === "kill-after-2xx" || mode === "upload") {
  for (let index = first; index < first + count; index++) outbox.append(sequenceReading(index).reading, sequenceReading(index).instantMs);
  process.stdout.write("committed\n");
  await uploader.uploadBatch();
} else if (mode === "soak") {
  for (let index = first; ; index++) {
    const { reading, instantMs } = sequenceReading(index);
    outbox.append(reading, instantMs);
    process.stdout.write(`${index}\n`);
    if (index % 7 === 0) await uploader.uploadBatch();
    else await Bun.sleep(1);
  }
}
process.exit(0);
