/**
 * A small stateful model of the IAM, Lambda, CloudWatch Logs and STS control
 * planes behind aws-sdk-client-mock. It throws the real SDK exception
 * classes and returns the response shapes AWS documents, including the sequences
 * that matter to deploy: a new function is Pending before Active, an update
 * is InProgress before Successful, and a second update while one is in
 * progress fails with ResourceConflictException.
 */
import { createHash } from "node:crypto";
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  InvalidParameterValueException,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  RemovePermissionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionUrlConfigCommand,
  type AddPermissionRequest,
  type Cors,
  type FunctionConfiguration,
} from "@aws-sdk/client-lambda";
import {
  CreateRoleCommand,
  DeleteConflictException,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException as LogsResourceNotFoundException,
} from "@aws-sdk/client-cloudwatch-logs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";

export const ACCOUNT_ID = "123456789012";
export const REGION = "us-east-1";
export const CALLER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/deployer`;
export const FUNCTION_URL = "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/";
const METADATA = { httpStatusCode: 400, requestId: "00000000-0000-4000-8000-000000000000", attempts: 1, totalRetryDelay: 0 };

/** Commands that change state; a no-change run must send none of them. */
export const MUTATING = /^(Create|Update|Put|Delete|Add|Remove|Detach|Attach|Tag|Untag)/;

/** Polls a function stays Pending or InProgress after a change. */
const SETTLE_POLLS = 2;

interface FakeFunction {
  configuration: FunctionConfiguration;
  reservedConcurrency?: number;
  url?: { FunctionUrl: string; AuthType: string; InvokeMode: string; Cors?: Cors };
  statements: Record<string, unknown>[];
  /** GetFunctionConfiguration calls left before the current change settles. */
  settlePolls: number;
}

interface FakeRole {
  RoleName: string;
  Arn: string;
  trust: string;
  inline: Map<string, string>;
  attached: { PolicyName: string; PolicyArn: string }[];
}

/** An error to throw instead of responding to the next `times` calls of `command`. */
interface Fault {
  command: string;
  error: () => Error;
  times: number;
}

export class FakeControlPlane {
  readonly clients: { lambda: LambdaClient; iam: IAMClient; logs: CloudWatchLogsClient; sts: STSClient };
  readonly mocks: { lambda: AwsStub<any, any, any>; iam: AwsStub<any, any, any>; logs: AwsStub<any, any, any>; sts: AwsStub<any, any, any> };
  readonly functions = new Map<string, FakeFunction>();
  readonly roles = new Map<string, FakeRole>();
  readonly logGroups = new Map<string, { retentionInDays?: number }>();
  /** Account concurrency that PutFunctionConcurrency accepts; lower values model a new account. */
  reservableConcurrency = 900;
  /** Every command sent, in order, with its input. */
  readonly log: { service: string; command: string; input: any }[] = [];
  private readonly faults: Fault[] = [];
  /** Called after each mutating call succeeds; throwing from it simulates the process dying there. */
  onMutation: ((command: string) => void) | undefined;

  constructor() {
    // Endpoints on the discard port of this machine: an unmocked command can never reach AWS.
    const config = { region: REGION, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "fake-secret" }, maxAttempts: 1 };
    this.clients = {
      lambda: new LambdaClient({ ...config, endpoint: "http://127.0.0.1:9" }),
      iam: new IAMClient({ ...config, endpoint: "http://127.0.0.1:9" }),
      logs: new CloudWatchLogsClient({ ...config, endpoint: "http://127.0.0.1:9" }),
      sts: new STSClient({ ...config, endpoint: "http://127.0.0.1:9" }),
    };
    this.mocks = {
      lambda: mockClient(this.clients.lambda),
      iam: mockClient(this.clients.iam),
      logs: mockClient(this.clients.logs),
      sts: mockClient(this.clients.sts),
    };
    this.installSts();
    this.installIam();
    this.installLogs();
    this.installLambda();
  }

  /** Makes the next `times` calls of `command` (e.g. "CreateFunction") throw `error()`. */
  failNext(command: string, error: () => Error, times = 1): void {
    this.faults.push({ command, error, times });
  }

  /** Inputs of every call of `command`, in order. */
  inputsOf(command: string): any[] {
    return this.log.filter((entry) => entry.command === command).map((entry) => entry.input);
  }

  mutatingCommands(): string[] {
    return this.log.filter((entry) => MUTATING.test(entry.command)).map((entry) => entry.command);
  }

  clearLog(): void {
    this.log.length = 0;
  }

  /** Registers `handler` for a command class, with logging, fault injection and crash simulation. */
  private on(service: keyof FakeControlPlane["mocks"], commandClass: any, handler: (input: any) => unknown): void {
    const command = String(commandClass.name).replace(/Command$/, "");
    this.mocks[service].on(commandClass).callsFake(async (input: any) => {
      this.log.push({ service, command, input });
      const fault = this.faults.find((candidate) => candidate.command === command && candidate.times > 0);
      if (fault !== undefined) {
        fault.times -= 1;
        throw fault.error();
      }
      const output = { $metadata: { ...METADATA, httpStatusCode: 200 }, ...(handler(input) as object) };
      if (MUTATING.test(command)) this.onMutation?.(command);
      return output;
    });
  }

  private installSts(): void {
    this.on("sts", GetCallerIdentityCommand, () => ({ Account: ACCOUNT_ID, Arn: CALLER_ARN, UserId: "AIDAEXAMPLEUSERID" }));
  }

  private installIam(): void {
    const noRole = (name: string) => new NoSuchEntityException({ message: `The role with name ${name} cannot be found.`, $metadata: METADATA });
    const role = (name: string) => {
      const found = this.roles.get(name);
      if (found === undefined) throw noRole(name);
      return found;
    };
    this.on("iam", GetRoleCommand, ({ RoleName }) => {
      const found = role(RoleName);
      return {
        Role: {
          RoleName,
          Arn: found.Arn,
          Path: "/",
          RoleId: "AROAEXAMPLEROLEID",
          CreateDate: new Date("2026-12-01T00:00:00Z"),
          AssumeRolePolicyDocument: encodeURIComponent(found.trust),
          MaxSessionDuration: 3600,
        },
      };
    });
    this.on("iam", CreateRoleCommand, ({ RoleName, AssumeRolePolicyDocument }) => {
      if (this.roles.has(RoleName)) throw new EntityAlreadyExistsException({ message: `Role with name ${RoleName} already exists.`, $metadata: METADATA });
      const Arn = `arn:aws:iam::${ACCOUNT_ID}:role/${RoleName}`;
      this.roles.set(RoleName, { RoleName, Arn, trust: AssumeRolePolicyDocument, inline: new Map(), attached: [] });
      return { Role: { RoleName, Arn, Path: "/", RoleId: "AROAEXAMPLEROLEID", CreateDate: new Date("2026-12-01T00:00:00Z") } };
    });
    this.on("iam", UpdateAssumeRolePolicyCommand, ({ RoleName, PolicyDocument }) => {
      role(RoleName).trust = PolicyDocument;
      return {};
    });
    this.on("iam", PutRolePolicyCommand, ({ RoleName, PolicyName, PolicyDocument }) => {
      role(RoleName).inline.set(PolicyName, PolicyDocument);
      return {};
    });
    this.on("iam", GetRolePolicyCommand, ({ RoleName, PolicyName }) => {
      const document = role(RoleName).inline.get(PolicyName);
      if (document === undefined) throw new NoSuchEntityException({ message: `The role policy with name ${PolicyName} cannot be found.`, $metadata: METADATA });
      return { RoleName, PolicyName, PolicyDocument: encodeURIComponent(document) };
    });
    this.on("iam", ListRolePoliciesCommand, ({ RoleName }) => ({ PolicyNames: [...role(RoleName).inline.keys()], IsTruncated: false }));
    this.on("iam", ListAttachedRolePoliciesCommand, ({ RoleName }) => ({ AttachedPolicies: [...role(RoleName).attached], IsTruncated: false }));
    this.on("iam", DeleteRolePolicyCommand, ({ RoleName, PolicyName }) => {
      role(RoleName).inline.delete(PolicyName);
      return {};
    });
    this.on("iam", DetachRolePolicyCommand, ({ RoleName, PolicyArn }) => {
      const found = role(RoleName);
      found.attached = found.attached.filter((policy) => policy.PolicyArn !== PolicyArn);
      return {};
    });
    this.on("iam", DeleteRoleCommand, ({ RoleName }) => {
      const found = role(RoleName);
      if (found.inline.size > 0 || found.attached.length > 0) {
        throw new DeleteConflictException({ message: "Cannot delete entity, must delete policies first.", $metadata: METADATA });
      }
      this.roles.delete(RoleName);
      return {};
    });
  }

  private installLogs(): void {
    this.on("logs", DescribeLogGroupsCommand, ({ logGroupNamePrefix }) => ({
      logGroups: [...this.logGroups.entries()]
        .filter(([name]) => name.startsWith(logGroupNamePrefix ?? ""))
        .map(([logGroupName, group]) => ({
          logGroupName,
          arn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${logGroupName}:*`,
          creationTime: 1764547200000,
          storedBytes: 0,
          ...(group.retentionInDays === undefined ? {} : { retentionInDays: group.retentionInDays }),
        })),
    }));
    this.on("logs", CreateLogGroupCommand, ({ logGroupName }) => {
      if (this.logGroups.has(logGroupName)) throw new ResourceAlreadyExistsException({ message: "The specified log group already exists", $metadata: METADATA });
      this.logGroups.set(logGroupName, {});
      return {};
    });
    this.on("logs", PutRetentionPolicyCommand, ({ logGroupName, retentionInDays }) => {
      const group = this.logGroups.get(logGroupName);
      if (group === undefined) throw new LogsResourceNotFoundException({ message: "The specified log group does not exist.", $metadata: METADATA });
      group.retentionInDays = retentionInDays;
      return {};
    });
    this.on("logs", DeleteLogGroupCommand, ({ logGroupName }) => {
      if (!this.logGroups.delete(logGroupName)) throw new LogsResourceNotFoundException({ message: "The specified log group does not exist.", $metadata: METADATA });
      return {};
    });
  }

  private installLambda(): void {
    const notFound = (what: string) => new ResourceNotFoundException({ message: `Function not found: ${what}`, Type: "User", $metadata: METADATA });
    const find = (name: string) => {
      const found = this.functions.get(name);
      if (found === undefined) throw notFound(`arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`);
      return found;
    };
    const assertIdle = (fn: FakeFunction) => {
      if (fn.configuration.State === "Pending" || fn.configuration.LastUpdateStatus === "InProgress") {
        throw new ResourceConflictException({
          message: `The operation cannot be performed at this time. An update is in progress for resource: ${fn.configuration.FunctionArn}`,
          Type: "User",
          $metadata: { ...METADATA, httpStatusCode: 409 },
        });
      }
    };
    const startChange = (fn: FakeFunction) => {
      fn.configuration.LastUpdateStatus = "InProgress";
      fn.configuration.LastUpdateStatusReason = "The function is being created.";
      fn.settlePolls = SETTLE_POLLS;
    };

    this.on("lambda", CreateFunctionCommand, (input) => {
      if (this.functions.has(input.FunctionName)) {
        throw new ResourceConflictException({ message: `Function already exist: ${input.FunctionName}`, Type: "User", $metadata: { ...METADATA, httpStatusCode: 409 } });
      }
      if (!this.roles.has(String(input.Role).split("/").pop()!)) {
        throw new InvalidParameterValueException({ message: "The role defined for the function cannot be assumed by Lambda.", Type: "User", $metadata: METADATA });
      }
      const zip: Uint8Array = input.Code.ZipFile;
      const configuration: FunctionConfiguration = {
        FunctionName: input.FunctionName,
        FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${input.FunctionName}`,
        Runtime: input.Runtime,
        Role: input.Role,
        Handler: input.Handler,
        CodeSize: zip.length,
        Description: input.Description,
        Timeout: input.Timeout,
        MemorySize: input.MemorySize,
        LastModified: "2026-12-01T00:00:00.000+0000",
        CodeSha256: createHash("sha256").update(zip).digest("base64"),
        Version: "$LATEST",
        Environment: { Variables: { ...input.Environment?.Variables } },
        TracingConfig: { Mode: "PassThrough" },
        RevisionId: "11111111-1111-4111-8111-111111111111",
        State: "Pending",
        StateReason: "The function is being created.",
        StateReasonCode: "Creating",
        PackageType: "Zip",
        Architectures: input.Architectures,
        EphemeralStorage: { Size: 512 },
        LoggingConfig: { LogFormat: "Text", LogGroup: input.LoggingConfig?.LogGroup ?? `/aws/lambda/${input.FunctionName}` },
      };
      this.functions.set(input.FunctionName, { configuration, statements: [], settlePolls: SETTLE_POLLS });
      return { ...configuration };
    });
    this.on("lambda", GetFunctionCommand, ({ FunctionName }) => {
      const fn = find(FunctionName);
      return {
        Configuration: structuredClone(fn.configuration),
        Code: { RepositoryType: "S3", Location: "https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/snapshots/example" },
        Tags: { app: "thermo" },
        ...(fn.reservedConcurrency === undefined ? {} : { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } }),
      };
    });
    this.on("lambda", GetFunctionConfigurationCommand, ({ FunctionName }) => {
      const fn = find(FunctionName);
      if (fn.settlePolls > 0) {
        fn.settlePolls -= 1;
      } else {
        if (fn.configuration.State === "Pending") Object.assign(fn.configuration, { State: "Active", StateReason: undefined, StateReasonCode: undefined });
        if (fn.configuration.LastUpdateStatus !== "Successful") Object.assign(fn.configuration, { LastUpdateStatus: "Successful", LastUpdateStatusReason: undefined });
      }
      return structuredClone(fn.configuration);
    });
    this.on("lambda", UpdateFunctionConfigurationCommand, (input) => {
      const fn = find(input.FunctionName);
      assertIdle(fn);
      const { FunctionName: _name, ...fields } = input;
      if (fields.Environment !== undefined) fields.Environment = { Variables: { ...fields.Environment.Variables } };
      Object.assign(fn.configuration, fields);
      startChange(fn);
      return structuredClone(fn.configuration);
    });
    this.on("lambda", UpdateFunctionCodeCommand, (input) => {
      const fn = find(input.FunctionName);
      assertIdle(fn);
      fn.configuration.CodeSha256 = createHash("sha256").update(input.ZipFile).digest("base64");
      if (input.Architectures !== undefined) fn.configuration.Architectures = input.Architectures;
      startChange(fn);
      return structuredClone(fn.configuration);
    });
    this.on("lambda", PutFunctionConcurrencyCommand, ({ FunctionName, ReservedConcurrentExecutions }) => {
      const fn = find(FunctionName);
      if (ReservedConcurrentExecutions > this.reservableConcurrency) {
        throw new InvalidParameterValueException({
          message: "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [10].",
          Type: "User",
          $metadata: METADATA,
        });
      }
      fn.reservedConcurrency = ReservedConcurrentExecutions;
      return { ReservedConcurrentExecutions };
    });
    this.on("lambda", DeleteFunctionConcurrencyCommand, ({ FunctionName }) => {
      delete find(FunctionName).reservedConcurrency;
      return {};
    });
    this.on("lambda", CreateFunctionUrlConfigCommand, ({ FunctionName, AuthType, InvokeMode, Cors }) => {
      const fn = find(FunctionName);
      if (fn.url !== undefined) throw new ResourceConflictException({ message: `Failed to create function url config for [functionArn = ${fn.configuration.FunctionArn}]. Error message: FunctionUrlConfig exists for this Lambda function`, Type: "User", $metadata: METADATA });
      fn.url = { FunctionUrl: FUNCTION_URL, AuthType, InvokeMode: InvokeMode ?? "BUFFERED", ...(Cors === undefined ? {} : { Cors }) };
      return { ...fn.url, FunctionArn: fn.configuration.FunctionArn, CreationTime: "2026-12-01T00:00:00.000Z" };
    });
    this.on("lambda", GetFunctionUrlConfigCommand, ({ FunctionName }) => {
      const fn = find(FunctionName);
      if (fn.url === undefined) throw new ResourceNotFoundException({ message: "The resource you requested does not exist.", Type: "User", $metadata: METADATA });
      return { ...structuredClone(fn.url), FunctionArn: fn.configuration.FunctionArn, CreationTime: "2026-12-01T00:00:00.000Z", LastModifiedTime: "2026-12-01T00:00:00.000Z" };
    });
    this.on("lambda", UpdateFunctionUrlConfigCommand, ({ FunctionName, AuthType, InvokeMode, Cors }) => {
      const fn = find(FunctionName);
      if (fn.url === undefined) throw new ResourceNotFoundException({ message: "The resource you requested does not exist.", Type: "User", $metadata: METADATA });
      if (AuthType !== undefined) fn.url.AuthType = AuthType;
      if (InvokeMode !== undefined) fn.url.InvokeMode = InvokeMode;
      if (Cors !== undefined) {
        if (Object.keys(Cors).length === 0) delete fn.url.Cors;
        else fn.url.Cors = Cors;
      }
      return { ...fn.url, FunctionArn: fn.configuration.FunctionArn };
    });
    this.on("lambda", DeleteFunctionUrlConfigCommand, ({ FunctionName }) => {
      const fn = find(FunctionName);
      if (fn.url === undefined) throw new ResourceNotFoundException({ message: "The resource you requested does not exist.", Type: "User", $metadata: METADATA });
      delete fn.url;
      return {};
    });
    this.on("lambda", AddPermissionCommand, (input: AddPermissionRequest) => {
      const fn = find(input.FunctionName!);
      if (fn.statements.some((statement) => statement.Sid === input.StatementId)) {
        throw new ResourceConflictException({
          message: `The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
          Type: "User",
          $metadata: { ...METADATA, httpStatusCode: 409 },
        });
      }
      const statement = lambdaStatement(fn.configuration.FunctionArn!, input);
      fn.statements.push(statement);
      return { Statement: JSON.stringify(statement) };
    });
    this.on("lambda", RemovePermissionCommand, ({ FunctionName, StatementId }) => {
      const fn = find(FunctionName);
      const before = fn.statements.length;
      fn.statements = fn.statements.filter((statement) => statement.Sid !== StatementId);
      if (fn.statements.length === before) throw new ResourceNotFoundException({ message: "The resource you requested does not exist.", Type: "User", $metadata: METADATA });
      return {};
    });
    this.on("lambda", GetPolicyCommand, ({ FunctionName }) => {
      const fn = find(FunctionName);
      if (fn.statements.length === 0) throw new ResourceNotFoundException({ message: "The resource you requested does not exist.", Type: "User", $metadata: METADATA });
      return { Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: fn.statements }), RevisionId: "22222222-2222-4222-8222-222222222222" };
    });
    this.on("lambda", DeleteFunctionCommand, ({ FunctionName }) => {
      find(FunctionName);
      this.functions.delete(FunctionName);
      return {};
    });
  }
}

/** Builds the statement Lambda stores for an AddPermission request, in its documented JSON form. */
export function lambdaStatement(functionArn: string, input: AddPermissionRequest): Record<string, unknown> {
  const condition: Record<string, Record<string, string>> = {};
  if (input.FunctionUrlAuthType !== undefined) condition.StringEquals = { "lambda:FunctionUrlAuthType": input.FunctionUrlAuthType };
  if (input.InvokedViaFunctionUrl === true) condition.Bool = { "lambda:InvokedViaFunctionUrl": "true" };
  return {
    Sid: input.StatementId,
    Effect: "Allow",
    Principal: input.Principal,
    Action: input.Action,
    Resource: functionArn,
    ...(Object.keys(condition).length === 0 ? {} : { Condition: condition }),
  };
}
