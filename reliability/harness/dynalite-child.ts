/**
 * Runs dynalite in its own process for the reliability suite, so that the
 * store can be killed and restarted mid-run like a real outage. In-process
 * dynalite throws an uncaught "Database is closed" when it is closed with a
 * write in flight, which would take the test runner down with it.
 *
 * Usage: bun run reliability/harness/dynalite-child.ts <data dir> [port]
 * Prints one line, `{"port":N}`, once it listens on 127.0.0.1.
 */
import { startDynalite } from "../../dev/dynalite.ts";

const [dataDir, portText] = process.argv.slice(2);
if (dataDir === undefined) {
  console.error("usage: bun run reliability/harness/dynalite-child.ts <data dir> [port]");
  process.exit(2);
}
const dynamo = await startDynalite({ path: dataDir, port: portText === undefined ? 0 : Number(portText) });
console.log(JSON.stringify({ port: dynamo.port }));
process.on("SIGTERM", () => {
  void dynamo.close().finally(() => process.exit(0));
});
