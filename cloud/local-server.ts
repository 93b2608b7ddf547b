/**
 * `bun run lambda.ts`: serves the Lambda app on 127.0.0.1 with Bun.serve,
 * configured from the environment as the Lambda function is.
 */
import { parseArgs } from "node:util";
import { parsePort, UsageError } from "../dev/flags.ts";
import { checkAppFromEnv } from "./app-from-env.ts";
import { ServeError, startServer } from "./serve-locally.ts";

/** Port used when `--port` is not given. */
const DEFAULT_PORT = 8787;

export const LOCAL_SERVER_USAGE = `Usage: bun run lambda.ts [--port N]

Serves the thermo API and dashboard on http://127.0.0.1:PORT, configured from
the environment as the Lambda function is (THERMO_TABLE, AWS_REGION, the AWS
credentials and the other variables in the README). It stops with exit code 1
when the configuration is invalid.

  --port N, --port=N  port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  -h, --help          show this text`;

interface LocalServerFlags {
  port: number;
  help: boolean;
}

/**
 * Parses the command line of `bun run lambda.ts`.
 * @throws {UsageError} naming an unknown option, a stray argument or a bad port, followed by the usage
 */
export function parseLocalServerFlags(argv: string[]): LocalServerFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${LOCAL_SERVER_USAGE}`);
  }

  if (values.help) return { port: DEFAULT_PORT, help: true };
  try {
    return { port: values.port === undefined ? DEFAULT_PORT : parsePort(values.port), help: false };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${LOCAL_SERVER_USAGE}`);
  }
}

/**
 * Runs the local server and returns the exit code: 0 once it listens (the
 * server keeps the process alive), 1 when the configuration is invalid or the
 * port cannot be bound, 2 for a usage error. `--help` prints the usage and returns 0.
 */
export function runLocalServer(argv: string[], env: Record<string, string | undefined>): number {
  let flags;
  try {
    flags = parseLocalServerFlags(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  }
  if (flags.help) {
    console.log(LOCAL_SERVER_USAGE);
    return 0;
  }

  // checkAppFromEnv has logged the problems as one JSON line, as on Lambda. The list below is for a person at a terminal.
  const { app, problems } = checkAppFromEnv(env);
  if (problems.length > 0) {
    console.error(`error: invalid configuration, so the server did not start:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    return 1;
  }

  try {
    const server = startServer(app, { port: flags.port });
    console.log(`thermo API listening on ${server.url}`);
    return 0;
  } catch (error) {
    if (!(error instanceof ServeError)) throw error;
    console.error(`error: ${error.message}`);
    return 1;
  }
}
