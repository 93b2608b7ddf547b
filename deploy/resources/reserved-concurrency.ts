/**
 * Reserved concurrency of the function, used as a cost ceiling: at most N
 * invocations run at once, whatever the traffic. New AWS accounts often have
 * too little concurrency to reserve any, because AWS keeps a minimum
 * unreserved. Then the reservation is skipped with a warning and recorded in
 * the state file, and later runs try again only when the requested value changes.
 */
import { DeleteFunctionConcurrencyCommand, PutFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
import { callAws, isAwsError } from "../aws-call.ts";
import type { DeployContext } from "../context.ts";
import { AwsStepError } from "../errors.ts";
import type { DeployState } from "../state-file.ts";
import type { CurrentFunction } from "./function.ts";

/** Lambda's message when a reservation would push the account's unreserved concurrency below its minimum. */
const ACCOUNT_TOO_SMALL = /UnreservedConcurrentExecution/i;

export type ConcurrencySkip = NonNullable<DeployState["reservedConcurrencySkipped"]>;

/**
 * Sets or removes the reservation. Returns the skip record to keep in the
 * state file (the old one, a new one, or undefined once a reservation holds).
 */
export async function ensureReservedConcurrency(
  context: DeployContext,
  current: CurrentFunction,
  previousSkip: ConcurrencySkip | undefined,
): Promise<ConcurrencySkip | undefined> {
  const FunctionName = context.names.function;
  const resource = `reserved concurrency of function ${FunctionName}`;
  const step = context.reporter.step(resource);
  const desired = context.options.reservedConcurrency;
  const actual = current?.Concurrency?.ReservedConcurrentExecutions;

  if (desired === null) {
    if (actual === undefined) {
      step.done("unchanged", ["none"]);
      return undefined;
    }
    if (!context.reporter.isPlan) {
      await callAws(context, { resource, action: "lambda:DeleteFunctionConcurrency" }, () =>
        context.clients.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName })),
      );
    }
    step.done("updated", [`${actual} → none`]);
    return undefined;
  }

  if (actual === desired) {
    step.done("unchanged", [String(desired)]);
    return undefined;
  }
  if (previousSkip !== undefined && previousSkip.requested === desired) {
    step.done("skipped", [`account concurrency too low (recorded ${previousSkip.skippedAt}); see docs/deploy.md`]);
    return previousSkip;
  }
  if (context.reporter.isPlan) {
    step.done(actual === undefined ? "created" : "updated", [`${actual ?? "none"} → ${desired}`]);
    return previousSkip;
  }

  try {
    await callAws(context, { resource, action: "lambda:PutFunctionConcurrency", retryIf: (error) => isAwsError(error, "ResourceConflictException") }, () =>
      context.clients.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions: desired })),
    );
  } catch (error) {
    const cause = error instanceof AwsStepError ? error.cause : error;
    if (!isAwsError(cause, "InvalidParameterValueException") || !ACCOUNT_TOO_SMALL.test((cause as Error).message)) throw error;
    const reason = (cause as Error).message;
    context.reporter.warn(
      `reserved concurrency ${desired} for function ${FunctionName} skipped: the account's concurrency limit is too low (${reason}). ` +
        "The function runs without a ceiling; ask AWS Support for a higher Lambda concurrency quota, or pass --reserved-concurrency none to silence this",
    );
    step.done("skipped", ["account concurrency too low"]);
    return { requested: desired, skippedAt: new Date(context.clock.now()).toISOString(), reason };
  }
  step.done(actual === undefined ? "created" : "updated", [`${actual ?? "none"} → ${desired}`]);
  return undefined;
}
