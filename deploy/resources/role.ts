/**
 * The function's IAM role: assumable only by Lambda for this account, with one
 * inline policy (policies.ts) and nothing else. Inline policies and managed
 * policies added by hand are removed, because they would widen the role.
 */
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type Role,
} from "@aws-sdk/client-iam";
import { callAws, isAwsError } from "../aws-call.ts";
import type { DeployContext } from "../context.ts";
import { roleArn } from "../names.ts";
import { canonicalPolicy, decodeIamPolicy, functionPolicy, trustPolicy } from "../policies.ts";

export interface RoleResult {
  readonly arn: string;
  /** True when this run created the role, so Lambda may not be able to assume it for a few seconds. */
  readonly isNew: boolean;
}

/** Creates the role or repairs its trust policy and permissions. */
export async function ensureRole(context: DeployContext): Promise<RoleResult> {
  const RoleName = context.names.role;
  const resource = `role ${RoleName}`;
  const step = context.reporter.step(resource);
  const { iam } = context.clients;
  const desiredTrust = trustPolicy(context.scope);
  const desiredPolicy = functionPolicy(context.scope, context.names);

  const role = await getRole(context, resource);
  if (role === undefined) {
    if (!context.reporter.isPlan) {
      await callAws(context, { resource, action: "iam:CreateRole" }, async () => {
        try {
          await iam.send(
            new CreateRoleCommand({
              RoleName,
              AssumeRolePolicyDocument: JSON.stringify(desiredTrust),
              Description: `thermo ${context.names.stage}: execution role of Lambda function ${context.names.function}`,
              Tags: [
                { Key: "app", Value: "thermo" },
                { Key: "thermo:stage", Value: context.names.stage },
              ],
            }),
          );
        } catch (error) {
          if (!isAwsError(error, "EntityAlreadyExists", "EntityAlreadyExistsException")) throw error;
        }
      });
      await putPolicy(context, resource);
    }
    step.done("created", ["trusted by lambda.amazonaws.com", `inline policy ${context.names.rolePolicy}`]);
    return { arn: roleArn(context.scope, RoleName), isNew: true };
  }

  const changes: string[] = [];
  if (canonicalPolicy(decodeIamPolicy(role.AssumeRolePolicyDocument)) !== canonicalPolicy(desiredTrust)) {
    changes.push("trust policy");
    if (!context.reporter.isPlan) {
      await callAws(context, { resource, action: "iam:UpdateAssumeRolePolicy" }, () =>
        iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: JSON.stringify(desiredTrust) })),
      );
    }
  }

  const currentPolicy = await getInlinePolicy(context, resource);
  if (currentPolicy === undefined || canonicalPolicy(currentPolicy) !== canonicalPolicy(desiredPolicy)) {
    changes.push(currentPolicy === undefined ? `inline policy ${context.names.rolePolicy} added` : `inline policy ${context.names.rolePolicy}`);
    if (!context.reporter.isPlan) await putPolicy(context, resource);
  }

  changes.push(...(await removeExtraPolicies(context, resource, { keep: context.names.rolePolicy })));
  step.done(changes.length > 0 ? "updated" : "unchanged", changes);
  return { arn: role.Arn ?? roleArn(context.scope, RoleName), isNew: false };
}

async function putPolicy(context: DeployContext, resource: string): Promise<void> {
  await callAws(context, { resource, action: "iam:PutRolePolicy" }, () =>
    context.clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: context.names.role,
        PolicyName: context.names.rolePolicy,
        PolicyDocument: JSON.stringify(functionPolicy(context.scope, context.names)),
      }),
    ),
  );
}

async function getRole(context: DeployContext, resource: string): Promise<Role | undefined> {
  return await callAws(context, { resource, action: "iam:GetRole" }, async () => {
    try {
      return (await context.clients.iam.send(new GetRoleCommand({ RoleName: context.names.role }))).Role;
    } catch (error) {
      if (isAwsError(error, "NoSuchEntity", "NoSuchEntityException")) return undefined;
      throw error;
    }
  });
}

async function getInlinePolicy(context: DeployContext, resource: string): Promise<unknown> {
  return await callAws(context, { resource, action: "iam:GetRolePolicy" }, async () => {
    try {
      const output = await context.clients.iam.send(new GetRolePolicyCommand({ RoleName: context.names.role, PolicyName: context.names.rolePolicy }));
      return decodeIamPolicy(output.PolicyDocument);
    } catch (error) {
      if (isAwsError(error, "NoSuchEntity", "NoSuchEntityException")) return undefined;
      throw error;
    }
  });
}

/**
 * Removes every inline policy except `keep` (all when `keep` is undefined)
 * and detaches every managed policy. Returns one detail per removal.
 */
async function removeExtraPolicies(context: DeployContext, resource: string, options: { keep?: string }): Promise<string[]> {
  const { iam } = context.clients;
  const RoleName = context.names.role;
  const changes: string[] = [];

  const inline = await callAws(context, { resource, action: "iam:ListRolePolicies" }, () => iam.send(new ListRolePoliciesCommand({ RoleName })));
  for (const PolicyName of inline.PolicyNames ?? []) {
    if (PolicyName === options.keep) continue;
    changes.push(`removed inline policy ${PolicyName}`);
    if (context.reporter.isPlan) continue;
    await callAws(context, { resource, action: "iam:DeleteRolePolicy" }, () => iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName })));
  }

  const attached = await callAws(context, { resource, action: "iam:ListAttachedRolePolicies" }, () =>
    iam.send(new ListAttachedRolePoliciesCommand({ RoleName })),
  );
  for (const policy of attached.AttachedPolicies ?? []) {
    changes.push(`detached managed policy ${policy.PolicyName ?? policy.PolicyArn}`);
    if (context.reporter.isPlan) continue;
    await callAws(context, { resource, action: "iam:DetachRolePolicy" }, () => iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: policy.PolicyArn })));
  }
  return changes;
}

/** Deletes the role after removing its policies, which IAM requires. */
export async function deleteRole(context: DeployContext): Promise<void> {
  const resource = `role ${context.names.role}`;
  const step = context.reporter.step(resource);
  if ((await getRole(context, resource)) === undefined) {
    step.done("absent");
    return;
  }
  await removeExtraPolicies(context, resource, {});
  if (!context.reporter.isPlan) {
    await callAws(context, { resource, action: "iam:DeleteRole" }, async () => {
      try {
        await context.clients.iam.send(new DeleteRoleCommand({ RoleName: context.names.role }));
      } catch (error) {
        if (!isAwsError(error, "NoSuchEntity", "NoSuchEntityException")) throw error;
      }
    });
  }
  step.done("deleted");
}
