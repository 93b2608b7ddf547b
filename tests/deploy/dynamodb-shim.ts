/**
 * NOTE: dynalite 4.0 implements neither point-in-time recovery
 * (Describe/UpdateContinuousBackups), nor UpdateTimeToLive (its
 * DescribeTimeToLive always returns DISABLED), nor deletion protection (it
 * ignores DeletionProtectionEnabled on CreateTable, leaves it out of
 * DescribeTable and rejects an UpdateTable that sets only it). This
 * middleware answers exactly those calls and fields from a small in-memory
 * model; every other DynamoDB call goes to dynalite unchanged.
 */
import { DescribeTableCommand, DynamoDBServiceException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";

interface ShimTable {
  isPitrEnabled: boolean;
  ttl?: { AttributeName: string; isEnabled: boolean };
  isDeletionProtected: boolean;
}

const METADATA = { httpStatusCode: 400, requestId: "SHIM", attempts: 1, totalRetryDelay: 0 };

export interface DynamoShim {
  readonly tables: Map<string, ShimTable>;
  /** Every DynamoDB command sent, with its input as deploy built it. */
  readonly log: { command: string; input: any }[];
  /** When set, called after each mutating DynamoDB call; throwing simulates a crash. */
  afterMutation?: (command: string) => void;
}

export function installDynamoShim(client: DynamoDBClient): DynamoShim {
  const shim: DynamoShim = { tables: new Map(), log: [] };
  const table = (name: string) => {
    let found = shim.tables.get(name);
    if (found === undefined) {
      found = { isPitrEnabled: false, isDeletionProtected: false };
      shim.tables.set(name, found);
    }
    return found;
  };

  client.middlewareStack.add(
    (next: any, context: any) => async (args: any) => {
      const command = String(context.commandName).replace(/Command$/, "");
      const input = { ...args.input };
      shim.log.push({ command, input: structuredClone(input) });
      const respond = (output: object) => ({ output: { $metadata: { httpStatusCode: 200 }, ...output }, response: {} });
      const mutated = (result: any) => {
        if (/^(Create|Update|Delete)/.test(command)) shim.afterMutation?.(command);
        return result;
      };

      switch (command) {
        case "DescribeContinuousBackups": {
          await client.send(new DescribeTableCommand({ TableName: input.TableName })); // dynalite throws ResourceNotFoundException for a missing table
          const status = table(input.TableName).isPitrEnabled ? "ENABLED" : "DISABLED";
          return respond({ ContinuousBackupsDescription: { ContinuousBackupsStatus: "ENABLED", PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: status } } });
        }
        case "UpdateContinuousBackups": {
          table(input.TableName).isPitrEnabled = input.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true;
          return mutated(respond({ ContinuousBackupsDescription: { ContinuousBackupsStatus: "ENABLED" } }));
        }
        case "DescribeTimeToLive": {
          const ttl = shim.tables.get(input.TableName)?.ttl;
          if (ttl === undefined) return respond({ TimeToLiveDescription: { TimeToLiveStatus: "DISABLED" } });
          return respond({ TimeToLiveDescription: { TimeToLiveStatus: ttl.isEnabled ? "ENABLED" : "DISABLED", AttributeName: ttl.AttributeName } });
        }
        case "UpdateTimeToLive": {
          const spec = input.TimeToLiveSpecification;
          table(input.TableName).ttl = { AttributeName: spec.AttributeName, isEnabled: spec.Enabled };
          return mutated(respond({ TimeToLiveSpecification: spec }));
        }
        case "CreateTable": {
          const isProtected = input.DeletionProtectionEnabled === true;
          delete input.DeletionProtectionEnabled;
          const result = await next({ ...args, input });
          table(input.TableName).isDeletionProtected = isProtected;
          return mutated(result);
        }
        case "UpdateTable": {
          if (input.DeletionProtectionEnabled !== undefined) {
            table(input.TableName).isDeletionProtected = input.DeletionProtectionEnabled;
            delete input.DeletionProtectionEnabled;
            if (Object.keys(input).length === 1) {
              const described = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
              return mutated(respond({ TableDescription: described.Table }));
            }
          }
          return mutated(await next({ ...args, input }));
        }
        case "DeleteTable": {
          if (shim.tables.get(input.TableName)?.isDeletionProtected === true) {
            throw new DynamoDBServiceException({
              name: "ValidationException",
              $fault: "client",
              message: `Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.`,
              $metadata: METADATA,
            });
          }
          shim.tables.delete(input.TableName);
          return mutated(await next({ ...args, input }));
        }
        case "DescribeTable": {
          const result: any = await next(args);
          if (result.output?.Table !== undefined) result.output.Table.DeletionProtectionEnabled = shim.tables.get(input.TableName)?.isDeletionProtected ?? false;
          return result;
        }
        default:
          return await next(args);
      }
    },
    { step: "initialize", name: "dynaliteGapShim" },
  );
  return shim;
}
