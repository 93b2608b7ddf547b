/**
 * Entry logic of deploy.ts: parse options, resolve region and identity, load
 * the state file, run deploy or destroy, print the result, and map every
 * failure to a message, a hint and an exit status.
 */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { sleep } from "../lib/retry.ts";
import { runDeploy } from "./apply.ts";
import { callAws } from "./aws-call.ts";
import type { LambdaBundle } from "./bundle.ts";
import { createAwsClients, resolveRegion, type AwsClients, type ClientSettings } from "./clients.ts";
import type { Clock, DeployContext } from "./context.ts";
import { runDestroy } from "./destroy.ts";
import { ConfigFileError, DeployError, OptionError, StateFileError } from "./errors.ts";
import { partitionOf, resourceNames } from "./names.ts";
import { parseOptions, type DeployOptions } from "./options.ts";
import { Reporter } from "./output.ts";
import { readStateFile, stateFilePath } from "./state-file.ts";
import { describeEndpoint, type DeploySummary } from "./summary.ts";
import { USAGE } from "./usage.ts";

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface MainDependencies {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly workingDirectory: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isInteractive: boolean;
  readonly prompt: (question: string) => Promise<string | null>;
  readonly createClients?: (settings: ClientSettings) => AwsClients;
  readonly buildBundle?: () => Promise<LambdaBundle>;
  readonly clock?: Clock;
}

const systemClock: Clock = { now: Date.now, sleep, random: Math.random };

/** Runs one deploy or destroy and returns the exit status; never throws. */
export async function main(deps: MainDependencies): Promise<number> {
  let options: DeployOptions;
  try {
    const parsed = parseOptions(deps.argv);
    if (parsed.help) {
      deps.stdout(USAGE);
      return EXIT.ok;
    }
    options = parsed.options;
  } catch (error) {
    printError(deps, error);
    return error instanceof OptionError || error instanceof ConfigFileError ? EXIT.usage : EXIT.failed;
  }

  const writeLine = (line: string) => (options.isJson ? deps.stderr : deps.stdout)(line + "\n");
  try {
    const summary = await run(deps, options, writeLine);
    if (options.isJson) deps.stdout(JSON.stringify(summary, null, 2) + "\n");
    else if (summary.mode === "deploy" && !summary.isPlan) for (const line of ["", ...describeEndpoint(summary)]) writeLine(line);
    return EXIT.ok;
  } catch (error) {
    printError(deps, error);
    return EXIT.failed;
  }
}

async function run(deps: MainDependencies, options: DeployOptions, writeLine: (line: string) => void): Promise<DeploySummary> {
  const clock = deps.clock ?? systemClock;
  const clients = (deps.createClients ?? createAwsClients)({ region: options.region, profile: options.profile });
  const region = options.region ?? (await resolveRegion(clients));
  const names = resourceNames(options.stage);
  const reporter = new Reporter({ isPlan: options.isPlan, write: writeLine, now: clock.now });

  const bootstrap: DeployContext = { options, names, clients, reporter, clock, scope: { partition: "aws", region, accountId: "" } };
  const identity = await callAws(bootstrap, { resource: "caller identity", action: "sts:GetCallerIdentity" }, () =>
    clients.sts.send(new GetCallerIdentityCommand({})),
  );
  const accountId = identity.Account ?? "";
  const context: DeployContext = { ...bootstrap, scope: { partition: partitionOf(identity.Arn ?? ""), region, accountId } };

  const statePath = stateFilePath({ stage: names.stage, region, env: deps.env, workingDirectory: deps.workingDirectory });
  const state = readStateFile(statePath, (mode) => reporter.warn(`state file ${statePath} had mode ${mode.toString(8)}; narrowed it to 600`));
  if (state !== undefined && state.accountId !== accountId) {
    throw new StateFileError(statePath, `state file ${statePath} belongs to account ${state.accountId}, but the credentials are for account ${accountId}`, {
      hint: "use the profile of that account, or another --stage for this one",
    });
  }

  const verb = options.mode === "destroy" ? "Destroying" : "Deploying";
  reporter.info(`${options.isPlan ? "Plan: " : ""}${verb} thermo stage ${names.stage} in ${region}, account ${accountId}`);
  const summary =
    options.mode === "destroy"
      ? await runDestroy(context, { statePath, isInteractive: deps.isInteractive, prompt: deps.prompt })
      : await runDeploy(context, { state, statePath, ...(deps.buildBundle === undefined ? {} : { buildBundle: deps.buildBundle }) });
  reporter.summary();
  return summary;
}

/** Prints `error: message` and the hint; unexpected errors get their name but never a stack trace. */
function printError(deps: MainDependencies, error: unknown): void {
  if (error instanceof DeployError) {
    deps.stderr(`error: ${error.message}\n`);
    if (error.hint !== undefined) deps.stderr(`  fix: ${error.hint}\n`);
    return;
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  deps.stderr(`error: unexpected failure: ${detail}\n  fix: run again; if it repeats, report it with this message\n`);
}
