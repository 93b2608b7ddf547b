/**
 * The deploy run: converges table, log group, role, function, reserved
 * concurrency, function URL and its permissions, in that order, so each step
 * finds what it depends on. Each step reads first and changes only what
 * differs, so an interrupted run is finished by the next one.
 */
import { statSync } from "node:fs";
import { buildLambdaBundle, packageBundle, type LambdaBundle } from "./bundle.ts";
import type { DeployContext } from "./context.ts";
import { DeployError } from "./errors.ts";
import { functionEnvironment } from "./environment.ts";
import { ensureFunction, readFunction } from "./resources/function.ts";
import { ensureFunctionUrl, ensureUrlPermissions } from "./resources/function-url.ts";
import { ensureLogGroup } from "./resources/log-group.ts";
import { ensureReservedConcurrency } from "./resources/reserved-concurrency.ts";
import { ensureRole } from "./resources/role.ts";
import { ensureTable } from "./resources/table.ts";
import { writeStateFile, type DeployState } from "./state-file.ts";
import { buildSummary, type DeploySummary } from "./summary.ts";
import { decideTokens } from "./token-decision.ts";
import { currentFunctionArn } from "./resources/function.ts";
import { TOKEN_SCOPES, type Tokens, type TokenScope } from "./tokens.ts";

export interface ApplyInputs {
  readonly state: DeployState | undefined;
  readonly statePath: string;
  /** Builds the handler bundle when no `--bundle` is given. */
  readonly buildBundle?: () => Promise<LambdaBundle>;
}

export async function runDeploy(context: DeployContext, inputs: ApplyInputs): Promise<DeploySummary> {
  const { reporter, options } = context;
  const isPlan = reporter.isPlan;

  const bundle = options.bundlePath === undefined ? await (inputs.buildBundle ?? buildLambdaBundle)() : prebuiltBundle(options.bundlePath);
  const deploymentPackage = packageBundle(bundle);
  reporter.info(`Bundle ${bundle.path} (${bundle.bytes} bytes), zip SHA-256 ${deploymentPackage.sha256Base64}`);

  await ensureTable(context);
  await ensureLogGroup(context);
  const role = await ensureRole(context);

  const current = await readFunction(context);
  const initial: DeployState = inputs.state ?? {
    version: 1,
    stage: context.names.stage,
    region: context.scope.region,
    accountId: context.scope.accountId,
    tokensShown: false,
  };
  const decision = decideTokens(context, { state: initial, current, statePath: inputs.statePath });
  let state = decision.state;
  // Saved before the function changes: a crash after this point cannot lose tokens AWS already
  // accepts, and cannot bring back hashes that --retire-old-tokens removed.
  if (decision.isStateChanged && !isPlan) writeStateFile(inputs.statePath, state);

  const environment = functionEnvironment(options, context.names, decision.hashEnvironment);
  await ensureFunction(context, { current, roleArn: role.arn, roleIsNew: role.isNew, deploymentPackage, environment });

  const skip = await ensureReservedConcurrency(context, current, state.reservedConcurrencySkipped);
  if (skip !== state.reservedConcurrencySkipped) {
    state = { ...state, reservedConcurrencySkipped: skip };
    if (skip === undefined) delete state.reservedConcurrencySkipped;
    if (!isPlan) writeStateFile(inputs.statePath, state);
  }

  const url = await ensureFunctionUrl(context);
  await ensureUrlPermissions(context, currentFunctionArn(context, current));

  const shownTokens = !isPlan && !state.tokensShown ? unshownTokens(state) : undefined;
  if (shownTokens !== undefined) {
    state = { ...state, tokensShown: true };
    delete state.issuedScopes;
    writeStateFile(inputs.statePath, state);
  }
  return buildSummary(context, { statePath: inputs.statePath, url, state, ...(shownTokens === undefined ? {} : { tokens: shownTokens }) });
}

/** Returns the tokens of the last issue that no run has printed yet, or undefined when there are none. */
function unshownTokens(state: DeployState): Partial<Tokens> | undefined {
  if (state.tokens === undefined) return undefined;
  const shown: Partial<Record<TokenScope, string>> = {};
  for (const scope of state.issuedScopes ?? TOKEN_SCOPES) shown[scope] = state.tokens[scope];
  return shown;
}

function prebuiltBundle(path: string): LambdaBundle {
  try {
    return { path, bytes: statSync(path).size };
  } catch (error) {
    throw new DeployError(`cannot read --bundle "${path}": ${(error as Error).message}`, {
      hint: "run `bun run build lambda` and pass dist/lambda/index.mjs, or leave out --bundle to build it now",
      cause: error,
    });
  }
}
