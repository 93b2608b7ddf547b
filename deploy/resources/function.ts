/**
 * The Lambda function: Node.js 24 on arm64, 128 MB, a short timeout, the
 * deterministic bundle zip and the app's environment. Code is updated only
 * when the zip's SHA-256 differs from CodeSha256; configuration only for the
 * fields that drifted. Every change waits for State Active and
 * LastUpdateStatus Successful before the next one, as Lambda requires.
 */
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type GetFunctionCommandOutput,
  type UpdateFunctionConfigurationCommandInput,
} from "@aws-sdk/client-lambda";
import { callAws, isAwsError } from "../aws-call.ts";
import { FUNCTION_HANDLER } from "../bundle.ts";
import type { DeployContext } from "../context.ts";
import { functionArn } from "../names.ts";
import type { Step } from "../output.ts";
import { splitHashList, TOKEN_HASH_VARIABLES } from "../tokens.ts";
import { waitFor } from "../wait.ts";
import type { DeploymentPackage } from "../zip.ts";

export const FUNCTION_SETTINGS = Object.freeze({
  Runtime: "nodejs24.x",
  Architecture: "arm64",
  MemorySize: 128,
  /** Seconds; a day's CSV export is the slowest request and takes well under this. */
  Timeout: 10,
  Handler: FUNCTION_HANDLER,
});

/** Function changes usually settle in seconds; code updates of large bundles can take a minute. */
const FUNCTION_READY_TIMEOUT_MS = 5 * 60_000;
/** How long CreateFunction keeps retrying while IAM propagates a new role. */
const ROLE_PROPAGATION_BUDGET_MS = 90_000;

/** Lambda's message when a role exists but IAM has not propagated it yet. */
const ROLE_NOT_ASSUMABLE = /cannot be assumed by Lambda/i;

const SECRET_VARIABLES: ReadonlySet<string> = new Set(Object.values(TOKEN_HASH_VARIABLES));

export type CurrentFunction = GetFunctionCommandOutput | undefined;

export interface FunctionInputs {
  readonly current: CurrentFunction;
  readonly roleArn: string;
  readonly roleIsNew: boolean;
  readonly deploymentPackage: DeploymentPackage;
  readonly environment: Readonly<Record<string, string>>;
}

/** Returns the function (configuration and concurrency), or undefined when it does not exist. */
export async function readFunction(context: DeployContext): Promise<CurrentFunction> {
  return await callAws(context, { resource: `function ${context.names.function}`, action: "lambda:GetFunction" }, async () => {
    try {
      return await context.clients.lambda.send(new GetFunctionCommand({ FunctionName: context.names.function }));
    } catch (error) {
      if (isAwsError(error, "ResourceNotFoundException")) return undefined;
      throw error;
    }
  });
}

/** Creates the function, or updates the code and the drifted settings. */
export async function ensureFunction(context: DeployContext, inputs: FunctionInputs): Promise<void> {
  const FunctionName = context.names.function;
  const resource = `function ${FunctionName}`;
  const step = context.reporter.step(resource);
  const { lambda } = context.clients;
  const roleRetry = (error: unknown) => isAwsError(error, "InvalidParameterValueException") && ROLE_NOT_ASSUMABLE.test((error as Error).message);

  if (inputs.current?.Configuration === undefined) {
    if (!context.reporter.isPlan) {
      await callAws(
        context,
        { resource, action: "lambda:CreateFunction", retryIf: roleRetry, maxAttempts: 12, retryBudgetMs: ROLE_PROPAGATION_BUDGET_MS },
        async () => {
          try {
            await lambda.send(
              new CreateFunctionCommand({
                FunctionName,
                Description: `thermo ${context.names.stage}: readings API and dashboard`,
                Runtime: FUNCTION_SETTINGS.Runtime,
                Architectures: [FUNCTION_SETTINGS.Architecture],
                Handler: FUNCTION_SETTINGS.Handler,
                MemorySize: FUNCTION_SETTINGS.MemorySize,
                Timeout: FUNCTION_SETTINGS.Timeout,
                Role: inputs.roleArn,
                Code: { ZipFile: inputs.deploymentPackage.zip },
                Environment: { Variables: { ...inputs.environment } },
                LoggingConfig: { LogFormat: "Text", LogGroup: context.names.logGroup },
                Tags: { app: "thermo", "thermo:stage": context.names.stage },
              }),
            );
          } catch (error) {
            // A previous run died after CreateFunction; the update path below repairs it next time.
            if (!isAwsError(error, "ResourceConflictException") || !/already exist/i.test((error as Error).message)) throw error;
          }
        },
      );
      await waitUntilReady(context, step, { failOnFailedUpdate: true });
    }
    step.done("created", [`${FUNCTION_SETTINGS.Runtime} ${FUNCTION_SETTINGS.Architecture}`, `${FUNCTION_SETTINGS.MemorySize} MB`, `${FUNCTION_SETTINGS.Timeout} s`]);
    return;
  }

  let configuration = inputs.current.Configuration;
  if (!context.reporter.isPlan && isBusy(configuration)) configuration = await waitUntilReady(context, step, { failOnFailedUpdate: false });

  const changes: string[] = [];
  const update = configurationDrift(context, configuration, inputs, changes);
  const isArchitectureDrifted = !(configuration.Architectures ?? ["x86_64"]).includes(FUNCTION_SETTINGS.Architecture);
  const isCodeChanged = configuration.CodeSha256 !== inputs.deploymentPackage.sha256Base64 || isArchitectureDrifted;
  if (isCodeChanged) changes.push(isArchitectureDrifted ? `architecture ${configuration.Architectures?.join(",")} → arm64 with code` : "code");

  if (!context.reporter.isPlan) {
    const conflictRetry = {
      retryIf: (error: unknown) => isAwsError(error, "ResourceConflictException") || (inputs.roleIsNew && roleRetry(error)),
      beforeRetry: async (error: unknown) => {
        if (isAwsError(error, "ResourceConflictException")) await waitUntilReady(context, step, { failOnFailedUpdate: false });
      },
    };
    if (Object.keys(update).length > 1) {
      await callAws(context, { resource, action: "lambda:UpdateFunctionConfiguration", ...conflictRetry }, () =>
        lambda.send(new UpdateFunctionConfigurationCommand(update)),
      );
      await waitUntilReady(context, step, { failOnFailedUpdate: true });
    }
    if (isCodeChanged) {
      await callAws(context, { resource, action: "lambda:UpdateFunctionCode", ...conflictRetry }, () =>
        lambda.send(
          new UpdateFunctionCodeCommand({ FunctionName, ZipFile: inputs.deploymentPackage.zip, Architectures: [FUNCTION_SETTINGS.Architecture] }),
        ),
      );
      await waitUntilReady(context, step, { failOnFailedUpdate: true });
    }
  }
  step.done(changes.length > 0 ? "updated" : "unchanged", changes);
}

/** Returns an UpdateFunctionConfiguration input holding only the drifted fields, and names them in `changes`. */
function configurationDrift(
  context: DeployContext,
  current: FunctionConfiguration,
  inputs: FunctionInputs,
  changes: string[],
): UpdateFunctionConfigurationCommandInput {
  const update: UpdateFunctionConfigurationCommandInput = { FunctionName: context.names.function };
  if (current.Runtime !== FUNCTION_SETTINGS.Runtime) {
    update.Runtime = FUNCTION_SETTINGS.Runtime;
    changes.push(`runtime ${current.Runtime} → ${FUNCTION_SETTINGS.Runtime}`);
  }
  if (current.Handler !== FUNCTION_SETTINGS.Handler) {
    update.Handler = FUNCTION_SETTINGS.Handler;
    changes.push(`handler ${current.Handler} → ${FUNCTION_SETTINGS.Handler}`);
  }
  if (current.MemorySize !== FUNCTION_SETTINGS.MemorySize) {
    update.MemorySize = FUNCTION_SETTINGS.MemorySize;
    changes.push(`memory ${current.MemorySize} → ${FUNCTION_SETTINGS.MemorySize} MB`);
  }
  if (current.Timeout !== FUNCTION_SETTINGS.Timeout) {
    update.Timeout = FUNCTION_SETTINGS.Timeout;
    changes.push(`timeout ${current.Timeout} → ${FUNCTION_SETTINGS.Timeout} s`);
  }
  if (current.Role !== inputs.roleArn) {
    update.Role = inputs.roleArn;
    changes.push("role");
  }
  const logGroup = current.LoggingConfig?.LogGroup ?? `/aws/lambda/${context.names.function}`;
  if (logGroup !== context.names.logGroup) {
    update.LoggingConfig = { LogFormat: "Text", LogGroup: context.names.logGroup };
    changes.push(`log group ${logGroup} → ${context.names.logGroup}`);
  }
  const environmentChanges = describeEnvironmentDrift(current.Environment?.Variables ?? {}, inputs.environment);
  if (environmentChanges.length > 0) {
    update.Environment = { Variables: { ...inputs.environment } };
    changes.push(`environment ${environmentChanges.join(" ")}`);
  }
  return update;
}

/** Names the variables that differ; token hash values are never printed. */
export function describeEnvironmentDrift(current: Readonly<Record<string, string>>, desired: Readonly<Record<string, string>>): string[] {
  const changes: string[] = [];
  for (const name of Object.keys(desired).sort()) {
    if (current[name] === desired[name]) continue;
    if (current[name] === undefined) changes.push(`+${name}`);
    else if (SECRET_VARIABLES.has(name)) changes.push(`${name} (${describeHashChange(current[name], desired[name]!)})`);
    else changes.push(`${name} "${current[name]}" → "${desired[name]}"`);
  }
  for (const name of Object.keys(current).sort()) {
    if (!(name in desired)) changes.push(`-${name}`);
  }
  return changes;
}

/** Describes a change of a token hash list by counts, e.g. `1 → 2 hashes`, never by value. */
function describeHashChange(current: string, desired: string): string {
  const before = splitHashList(current);
  const after = splitHashList(desired);
  const removed = before.filter((hash) => !after.includes(hash)).length;
  const added = after.filter((hash) => !before.includes(hash)).length;
  const parts = [`${before.length} → ${after.length} ${after.length === 1 ? "hash" : "hashes"}`];
  if (added > 0) parts.push(`${added} added`);
  if (removed > 0) parts.push(`${removed} removed`);
  return parts.join(", ");
}

function isBusy(configuration: FunctionConfiguration): boolean {
  return configuration.State === "Pending" || configuration.LastUpdateStatus === "InProgress";
}

/**
 * Polls until State is Active and no update is in progress. A Failed state
 * stops the wait; a failed earlier update only stops it when
 * `failOnFailedUpdate`, because this run's update repairs it.
 * @throws {WaitError} on a failed state or a timeout
 */
export async function waitUntilReady(context: DeployContext, step: Step, options: { failOnFailedUpdate: boolean }): Promise<FunctionConfiguration> {
  const resource = `function ${context.names.function}`;
  return await waitFor(context, step, {
    resource,
    target: "State Active and LastUpdateStatus Successful",
    timeoutMs: FUNCTION_READY_TIMEOUT_MS,
    read: async () => {
      const configuration = await callAws(context, { resource, action: "lambda:GetFunctionConfiguration" }, () =>
        context.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: context.names.function })),
      );
      const status = `State ${configuration.State ?? "unknown"}, LastUpdateStatus ${configuration.LastUpdateStatus ?? "unknown"}`;
      let failure: string | undefined;
      if (configuration.State === "Failed") failure = `State Failed: ${configuration.StateReasonCode ?? ""} ${configuration.StateReason ?? ""}`.trim();
      else if (options.failOnFailedUpdate && configuration.LastUpdateStatus === "Failed") {
        failure = `LastUpdateStatus Failed: ${configuration.LastUpdateStatusReasonCode ?? ""} ${configuration.LastUpdateStatusReason ?? ""}`.trim();
      }
      return { status, isDone: !isBusy(configuration) && configuration.State === "Active", failure, value: configuration };
    },
  });
}

/** Returns the function's ARN as Lambda reports it, or as built from the scope when it does not exist yet. */
export function currentFunctionArn(context: DeployContext, current: CurrentFunction): string {
  return current?.Configuration?.FunctionArn ?? functionArn(context.scope, context.names.function);
}

/** Deletes the function; its resource policy, URL and concurrency go with it. */
export async function deleteFunction(context: DeployContext): Promise<void> {
  const resource = `function ${context.names.function}`;
  const step = context.reporter.step(resource);
  if ((await readFunction(context)) === undefined) {
    step.done("absent");
    return;
  }
  if (!context.reporter.isPlan) {
    await callAws(
      context,
      {
        resource,
        action: "lambda:DeleteFunction",
        retryIf: (error) => isAwsError(error, "ResourceConflictException"),
        beforeRetry: () => waitUntilReady(context, step, { failOnFailedUpdate: false }).then(() => undefined),
      },
      async () => {
        try {
          await context.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: context.names.function }));
        } catch (error) {
          if (!isAwsError(error, "ResourceNotFoundException")) throw error;
        }
      },
    );
  }
  step.done("deleted");
}
