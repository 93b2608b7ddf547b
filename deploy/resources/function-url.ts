/**
 * The function URL (AuthType NONE, because the app checks bearer tokens
 * itself) and the two resource-policy statements a public URL needs.
 *
 * The app alone handles CORS, from THERMO_CORS_ORIGINS. A CORS
 * configuration on the URL would add a second set of headers, so one found
 * on the URL (made by hand) is removed.
 */
import {
  AddPermissionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
  type Cors,
  type GetFunctionUrlConfigCommandOutput,
  type UpdateFunctionUrlConfigCommandInput,
} from "@aws-sdk/client-lambda";
import { callAws, isAwsError } from "../aws-call.ts";
import type { DeployContext } from "../context.ts";
import { canonicalPolicy, URL_PERMISSIONS, urlPermissionStatement, type PolicyStatement } from "../policies.ts";

/** BUFFERED is the function URL default; the app's handler is not a streaming handler. */
export const URL_INVOKE_MODE = "BUFFERED";

/** Shown in plan mode before the URL exists. */
export const PENDING_URL = "(assigned when the function URL is created)";

/** Creates the function URL or repairs its settings; returns the URL. */
export async function ensureFunctionUrl(context: DeployContext): Promise<string> {
  const FunctionName = context.names.function;
  const resource = `function URL of ${FunctionName}`;
  const step = context.reporter.step(resource);
  const { lambda } = context.clients;
  const conflictRetry = { retryIf: (error: unknown) => isAwsError(error, "ResourceConflictException") };

  const current = await getUrlConfig(context, resource);
  if (current === undefined) {
    if (context.reporter.isPlan) {
      step.done("created", ["AuthType NONE", "no CORS (the app answers CORS)"]);
      return PENDING_URL;
    }
    const created = await callAws(context, { resource, action: "lambda:CreateFunctionUrlConfig", ...conflictRetry }, () =>
      lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName, AuthType: "NONE", InvokeMode: URL_INVOKE_MODE })),
    );
    step.done("created", ["AuthType NONE"]);
    return created.FunctionUrl ?? "";
  }

  const changes: string[] = [];
  const update: UpdateFunctionUrlConfigCommandInput = { FunctionName };
  if (current.AuthType !== "NONE") {
    update.AuthType = "NONE";
    changes.push(`AuthType ${current.AuthType} → NONE`);
  }
  if ((current.InvokeMode ?? URL_INVOKE_MODE) !== URL_INVOKE_MODE) {
    update.InvokeMode = URL_INVOKE_MODE;
    changes.push(`InvokeMode ${current.InvokeMode} → ${URL_INVOKE_MODE}`);
  }
  if (hasCors(current.Cors)) {
    // An empty Cors object removes the URL's CORS configuration.
    update.Cors = {};
    changes.push("CORS configuration removed (the app answers CORS)");
  }
  if (changes.length > 0 && !context.reporter.isPlan) {
    await callAws(context, { resource, action: "lambda:UpdateFunctionUrlConfig", ...conflictRetry }, () => lambda.send(new UpdateFunctionUrlConfigCommand(update)));
  }
  step.done(changes.length > 0 ? "updated" : "unchanged", changes);
  return current.FunctionUrl ?? "";
}

/** Adds the two public-URL statements, replacing drifted ones, and leaves other statements alone. */
export async function ensureUrlPermissions(context: DeployContext, functionArn: string): Promise<void> {
  const FunctionName = context.names.function;
  const resource = `invoke permissions of ${FunctionName}`;
  const step = context.reporter.step(resource);
  const { lambda } = context.clients;
  const conflictRetry = { retryIf: (error: unknown) => isAwsError(error, "ResourceConflictException") };

  const statements = await getPolicyStatements(context, resource);
  const changes: string[] = [];
  for (const permission of URL_PERMISSIONS) {
    const desired = urlPermissionStatement(context.scope, FunctionName, permission);
    const existing = statements.find((statement) => statement.Sid === permission.StatementId);
    if (existing !== undefined && sameStatement(existing, desired, functionArn)) continue;

    changes.push(`${existing === undefined ? "+" : "~"}${permission.Action}`);
    if (context.reporter.isPlan) continue;
    if (existing !== undefined) {
      await callAws(context, { resource, action: "lambda:RemovePermission", ...conflictRetry }, () =>
        lambda.send(new RemovePermissionCommand({ FunctionName, StatementId: permission.StatementId })),
      );
    }
    await callAws(context, { resource, action: "lambda:AddPermission", ...conflictRetry }, () =>
      lambda.send(new AddPermissionCommand({ FunctionName, ...permission })),
    );
  }
  if (changes.length === 0) {
    step.done("unchanged");
    return;
  }
  const isNew = changes.length === URL_PERMISSIONS.length && statements.length === 0;
  step.done(isNew ? "created" : "updated", changes);
}

/** Compares a stored statement with the desired one; the Resource may be the ARN Lambda reports. */
function sameStatement(existing: PolicyStatement, desired: PolicyStatement, functionArn: string): boolean {
  const normalized = { ...existing, Resource: existing.Resource === functionArn ? desired.Resource : existing.Resource };
  return canonicalPolicy(normalized) === canonicalPolicy(desired);
}

async function getUrlConfig(context: DeployContext, resource: string): Promise<GetFunctionUrlConfigCommandOutput | undefined> {
  return await callAws(context, { resource, action: "lambda:GetFunctionUrlConfig" }, async () => {
    try {
      return await context.clients.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: context.names.function }));
    } catch (error) {
      if (isAwsError(error, "ResourceNotFoundException")) return undefined;
      throw error;
    }
  });
}

async function getPolicyStatements(context: DeployContext, resource: string): Promise<PolicyStatement[]> {
  return await callAws(context, { resource, action: "lambda:GetPolicy" }, async () => {
    try {
      const output = await context.clients.lambda.send(new GetPolicyCommand({ FunctionName: context.names.function }));
      const policy = JSON.parse(output.Policy ?? "{}") as { Statement?: PolicyStatement[] };
      return policy.Statement ?? [];
    } catch (error) {
      // GetPolicy returns ResourceNotFoundException for a function without any resource policy.
      if (isAwsError(error, "ResourceNotFoundException")) return [];
      throw error;
    }
  });
}

/** True when any CORS field is set; Lambda may return an all-empty Cors object after removal. */
function hasCors(cors: Cors | undefined): boolean {
  if (cors === undefined) return false;
  return Object.values(cors).some((value) => (Array.isArray(value) ? value.length > 0 : value !== undefined && value !== false && value !== 0));
}

/** Deletes the function URL; the function keeps working for direct invocations until it is deleted too. */
export async function deleteFunctionUrl(context: DeployContext): Promise<void> {
  const resource = `function URL of ${context.names.function}`;
  const step = context.reporter.step(resource);
  if ((await getUrlConfig(context, resource)) === undefined) {
    step.done("absent");
    return;
  }
  if (!context.reporter.isPlan) {
    await callAws(context, { resource, action: "lambda:DeleteFunctionUrlConfig" }, async () => {
      try {
        await context.clients.lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: context.names.function }));
      } catch (error) {
        if (!isAwsError(error, "ResourceNotFoundException")) throw error;
      }
    });
  }
  step.done("deleted");
}
