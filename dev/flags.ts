/** Flag parsing for `bun run dev`, with errors that name the flag and the value. */
import { parseArgs } from "node:util";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface DevFlags {
  port: number;
  dataDir: string;
  memory: boolean;
  device: boolean;
  help: boolean;
}

export const DEV_USAGE = `Usage: bun run dev [--port N] [--data DIR | --memory] [--no-device]

Runs thermo on one machine: a DynamoDB-API store (dynalite), the API and
dashboard on http://127.0.0.1:PORT, and a simulated device feeding it.

  --port N      port of the API and dashboard on 127.0.0.1 (default 8787)
  --data DIR    folder for the store and the simulated device's outbox (default ./data/dev)
  --memory      keep the store in memory; everything is gone on exit
  --no-device   do not start the simulated device
  -h, --help    show this text

Tokens come from THERMO_INGEST_TOKEN, THERMO_READ_TOKEN and THERMO_ADMIN_TOKEN
when set (1 to 512 characters, no whitespace); otherwise new ones are
generated and printed.`;

/**
 * Returns `raw` as a TCP port.
 * @throws {UsageError} naming the value when it is not 0–65535
 */
export function parsePort(raw: string | undefined): number {
  const value = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw) || value > 65_535) {
    throw new UsageError(`--port needs a whole number from 0 to 65535, got ${JSON.stringify(raw ?? "")}`);
  }
  return value;
}

/**
 * Parses the command line of `bun run dev`.
 * @throws {UsageError} for unknown flags, missing values or conflicting flags
 */
export function parseDevFlags(argv: string[]): DevFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        data: { type: "string" },
        memory: { type: "boolean", default: false },
        "no-device": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${DEV_USAGE}`);
  }
  const { values } = parsed;
  if (values.memory && values.data !== undefined) throw new UsageError("--memory and --data exclude each other: choose a folder or no persistence");
  if (values.data !== undefined && values.data.trim() === "") throw new UsageError("--data needs a folder path");
  return {
    port: values.port === undefined ? 8787 : parsePort(values.port),
    dataDir: values.data ?? "data/dev",
    memory: values.memory,
    device: !values["no-device"],
    help: values.help,
  };
}
