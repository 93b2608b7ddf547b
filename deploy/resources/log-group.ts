/**
 * The function's CloudWatch log group with a retention period. It is created
 * before the function, because Lambda would otherwise write to a group that
 * never expires (or, with our role, fail to write at all).
 */
import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
  type LogGroup,
} from "@aws-sdk/client-cloudwatch-logs";
import { callAws, isAwsError } from "../aws-call.ts";
import type { DeployContext } from "../context.ts";

/** Creates the log group or repairs its retention. */
export async function ensureLogGroup(context: DeployContext): Promise<void> {
  const logGroupName = context.names.logGroup;
  const resource = `log group ${logGroupName}`;
  const step = context.reporter.step(resource);
  const retentionInDays = context.options.logRetentionDays;

  const current = await describeLogGroup(context, resource);
  if (current === undefined) {
    if (!context.reporter.isPlan) {
      await callAws(context, { resource, action: "logs:CreateLogGroup" }, async () => {
        try {
          await context.clients.logs.send(new CreateLogGroupCommand({ logGroupName, tags: { app: "thermo", "thermo:stage": context.names.stage } }));
        } catch (error) {
          // Left behind by an interrupted run, or created by a first invocation.
          if (!isAwsError(error, "ResourceAlreadyExistsException")) throw error;
        }
      });
      await putRetention(context, resource, retentionInDays);
    }
    step.done("created", [`retention ${retentionInDays} days`]);
    return;
  }

  if (current.retentionInDays === retentionInDays) {
    step.done("unchanged");
    return;
  }
  if (!context.reporter.isPlan) await putRetention(context, resource, retentionInDays);
  step.done("updated", [`retention ${current.retentionInDays ?? "never expire"} → ${retentionInDays} days`]);
}

async function putRetention(context: DeployContext, resource: string, retentionInDays: number): Promise<void> {
  await callAws(context, { resource, action: "logs:PutRetentionPolicy" }, () =>
    context.clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: context.names.logGroup, retentionInDays })),
  );
}

/** Returns the log group with exactly our name, or undefined. */
async function describeLogGroup(context: DeployContext, resource: string): Promise<LogGroup | undefined> {
  const output = await callAws(context, { resource, action: "logs:DescribeLogGroups" }, () =>
    context.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: context.names.logGroup })),
  );
  // The prefix also matches e.g. /aws/lambda/thermo-prod-2; only the exact name is ours.
  return output.logGroups?.find((group) => group.logGroupName === context.names.logGroup);
}

/** Deletes the log group and every log in it. */
export async function deleteLogGroup(context: DeployContext): Promise<void> {
  const resource = `log group ${context.names.logGroup}`;
  const step = context.reporter.step(resource);
  const current = await describeLogGroup(context, resource);
  if (current === undefined) {
    step.done("absent");
    return;
  }
  if (!context.reporter.isPlan) {
    await callAws(context, { resource, action: "logs:DeleteLogGroup" }, async () => {
      try {
        await context.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: context.names.logGroup }));
      } catch (error) {
        if (!isAwsError(error, "ResourceNotFoundException")) throw error;
      }
    });
  }
  step.done("deleted");
}
