/**
 * The IAM documents deploy writes, in one place so tests can assert them
 * exactly: the role's trust policy, its inline permissions policy and the two
 * function URL statements of the function's resource policy.
 */
import { STORE_ACTIONS, tableDefinition } from "../cloud/store/table.ts";
import { functionArn, logGroupArn, tableArn, URL_STATEMENT_IDS, type ArnScope, type ResourceNames } from "./names.ts";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/**
 * Trust policy: only the Lambda service may assume the role, and only on
 * behalf of this account (aws:SourceAccount), which closes the cross-account
 * confused-deputy path.
 */
export function trustPolicy(scope: ArnScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": scope.accountId } },
      },
    ],
  };
}

/**
 * Inline policy of the function's role: exactly the DynamoDB actions the app
 * uses, on this table (and its indexes only when the table has any), and
 * writing to its own log group. The role has no logs:CreateLogGroup, so a
 * deleted log group is never silently recreated without retention.
 */
export function functionPolicy(scope: ArnScope, names: ResourceNames): PolicyDocument {
  const table = tableArn(scope, names.table);
  const definition = tableDefinition(names.table);
  const hasIndexes = (definition.GlobalSecondaryIndexes?.length ?? 0) + (definition.LocalSecondaryIndexes?.length ?? 0) > 0;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadWriteReadings",
        Effect: "Allow",
        Action: [...STORE_ACTIONS].sort(),
        Resource: hasIndexes ? [table, `${table}/index/*`] : table,
      },
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroupArn(scope, names.logGroup)}:*`,
      },
    ],
  };
}

/** One AddPermission request without FunctionName, as sent and as compared. */
export interface UrlPermission {
  readonly StatementId: string;
  readonly Action: string;
  readonly Principal: "*";
  readonly FunctionUrlAuthType?: "NONE";
  readonly InvokedViaFunctionUrl?: true;
}

/**
 * The two statements a public (AuthType NONE) function URL needs since
 * October 2025: lambda:InvokeFunctionUrl limited to URLs with auth type NONE,
 * and lambda:InvokeFunction limited to calls that arrive through a function URL.
 */
export const URL_PERMISSIONS: readonly UrlPermission[] = [
  { StatementId: URL_STATEMENT_IDS.invokeFunctionUrl, Action: "lambda:InvokeFunctionUrl", Principal: "*", FunctionUrlAuthType: "NONE" },
  { StatementId: URL_STATEMENT_IDS.invokeFunction, Action: "lambda:InvokeFunction", Principal: "*", InvokedViaFunctionUrl: true },
];

/** The statement Lambda stores in the resource policy for `permission`, for comparison with GetPolicy. */
export function urlPermissionStatement(scope: ArnScope, functionName: string, permission: UrlPermission): PolicyStatement {
  const condition: PolicyStatement["Condition"] =
    permission.FunctionUrlAuthType !== undefined
      ? { StringEquals: { "lambda:FunctionUrlAuthType": permission.FunctionUrlAuthType } }
      : { Bool: { "lambda:InvokedViaFunctionUrl": "true" } };
  return {
    Sid: permission.StatementId,
    Effect: "Allow",
    Principal: "*",
    Action: permission.Action,
    Resource: functionArn(scope, functionName),
    Condition: condition,
  };
}

/**
 * Returns a canonical JSON form of a policy document or statement: keys
 * sorted, one-element arrays and strings treated alike, array order ignored,
 * `{"AWS": "*"}` principals folded to `"*"`. IAM returns documents URL-encoded
 * and may reorder or reformat them, so only this form is compared.
 */
export function canonicalPolicy(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => normalize(item));
    if (items.length === 1 && key !== "Statement") return items[0];
    return items.map((item) => JSON.stringify(item)).sort().map((item) => JSON.parse(item) as unknown);
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (key === "Principal" && Object.keys(record).length === 1 && normalize(record.AWS) === "*") return "*";
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(record).sort()) out[name] = normalize(record[name], name);
    return out;
  }
  return value;
}

/** Decodes a policy document as IAM returns it (URL-encoded JSON). */
export function decodeIamPolicy(document: string | undefined): unknown {
  if (document === undefined) return undefined;
  try {
    return JSON.parse(decodeURIComponent(document));
  } catch {
    return JSON.parse(document);
  }
}
