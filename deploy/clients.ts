/**
 * AWS SDK v3 clients built from the SDK's default configuration chain, so
 * AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>, SSO and the shared
 * config files all work unchanged. `--region` and `--profile` only override
 * the chain's first step.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { STSClient } from "@aws-sdk/client-sts";
import { DeployError } from "./errors.ts";

export interface AwsClients {
  readonly sts: STSClient;
  readonly dynamodb: DynamoDBClient;
  readonly iam: IAMClient;
  readonly logs: CloudWatchLogsClient;
  readonly lambda: LambdaClient;
}

export interface ClientSettings {
  readonly region: string | undefined;
  readonly profile: string | undefined;
}

/** Creates one client per service from the default chain plus the given overrides. */
export function createAwsClients(settings: ClientSettings): AwsClients {
  const config: { region?: string; profile?: string } = {};
  if (settings.region !== undefined) config.region = settings.region;
  if (settings.profile !== undefined) config.profile = settings.profile;
  return {
    sts: new STSClient(config),
    dynamodb: new DynamoDBClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
    lambda: new LambdaClient(config),
  };
}

/**
 * Returns the region the clients resolved through the chain.
 * @throws {DeployError} naming the three ways to set one when the chain has none
 */
export async function resolveRegion(clients: AwsClients): Promise<string> {
  try {
    const region = await clients.sts.config.region();
    if (typeof region === "string" && region !== "") return region;
  } catch (error) {
    throw missingRegion(error);
  }
  throw missingRegion(undefined);
}

function missingRegion(cause: unknown): DeployError {
  return new DeployError("no AWS region configured", {
    hint: "pass --region us-east-1 (or another region), set AWS_REGION, or set region in your profile in ~/.aws/config",
    cause,
  });
}
