/**
 * Names and ARNs of the resources one installation owns. Every name starts
 * with `thermo-<stage>`, so several installations (stages) can share an
 * account and region without touching each other's resources.
 */

export interface ResourceNames {
  readonly stage: string;
  readonly table: string;
  readonly function: string;
  readonly role: string;
  /** Inline policy on the role. */
  readonly rolePolicy: string;
  /** Lambda's default log group for the function, so the runtime needs no LoggingConfig lookup. */
  readonly logGroup: string;
}

/** Statement ids of the two function URL permissions in the function's resource policy. */
export const URL_STATEMENT_IDS = {
  invokeFunctionUrl: "thermo-url-invoke-function-url",
  invokeFunction: "thermo-url-invoke-function",
} as const;

/** Returns the resource names for `stage`, which `parseOptions` has already validated. */
export function resourceNames(stage: string): ResourceNames {
  const base = `thermo-${stage}`;
  return Object.freeze({
    stage,
    table: base,
    function: base,
    role: `${base}-function`,
    rolePolicy: "thermo-function-access",
    logGroup: `/aws/lambda/${base}`,
  });
}

/** The account, partition and region that ARNs are built from. */
export interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export function tableArn(scope: ArnScope, table: string): string {
  return `arn:${scope.partition}:dynamodb:${scope.region}:${scope.accountId}:table/${table}`;
}

export function logGroupArn(scope: ArnScope, logGroup: string): string {
  return `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${logGroup}`;
}

export function functionArn(scope: ArnScope, functionName: string): string {
  return `arn:${scope.partition}:lambda:${scope.region}:${scope.accountId}:function:${functionName}`;
}

export function roleArn(scope: ArnScope, role: string): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:role/${role}`;
}

/** Returns the partition (`aws`, `aws-cn`, `aws-us-gov`) from any ARN, such as the caller's. */
export function partitionOf(arn: string): string {
  return arn.split(":")[1] || "aws";
}
