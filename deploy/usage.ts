/** The `--help` text of deploy.ts. */
import { DEFAULTS, LOG_RETENTION_DAYS_ALLOWED } from "./options.ts";

export const USAGE = `Usage: bun run deploy.ts [options]

Creates or updates the thermo cloud app in your AWS account: DynamoDB table,
IAM role, log group, Lambda function and its HTTPS function URL. Every run
converges the account to the desired state; a run with nothing to change makes
no changes. Full guide: docs/deploy.md

Options:
  --region NAME             AWS region (default: AWS_REGION or the profile's region)
  --profile NAME            named profile from ~/.aws/config (default: the SDK's credential chain)
  --stage NAME              installation name, prefixes every resource as thermo-NAME
                            (default: ${DEFAULTS.stage}; a-z, 0-9, single hyphens, 1-24 characters)
  --timezone ZONE           IANA zone that defines a "day" for the app (default: ${DEFAULTS.timezone})
  --retention-days N        delete readings N days after they were taken, 1-36500
                            (default: keep forever)
  --log-retention-days N    days the function's logs are kept (default: ${DEFAULTS.logRetentionDays});
                            one of ${LOG_RETENTION_DAYS_ALLOWED.join(", ")}
  --reserved-concurrency N  concurrent invocations reserved, and so the most allowed,
                            1-1000 or none (default: ${DEFAULTS.reservedConcurrency})
  --cors-origin ORIGIN      allow browser calls from ORIGIN, e.g. https://example.com;
                            repeat for more (default: none, the dashboard is same-origin)
  --default-unit F|C        unit assumed for readings that carry none (default: ${DEFAULTS.defaultUnit})
  --bundle FILE             deploy this prebuilt handler file instead of running the build
  --config FILE             read the options above from a .json or .toml file; flags win
                            (keys in snake_case: stage, retention_days, cors_origins, ...)
  --rotate-tokens           issue new tokens and deploy them next to the current ones, which
                            keep working until --retire-old-tokens
  --retire-old-tokens       stop accepting the tokens an earlier --rotate-tokens replaced,
                            and any deployed hash the state file does not contain
  --scope SCOPE             with --rotate-tokens or --retire-old-tokens: act only on SCOPE,
                            one of ingest, read, admin; repeat or separate with commas
                            (default: all three)
  --plan                    print what would change and change nothing
  --json                    print a machine-readable summary on stdout
  --destroy                 remove the function URL, function, log group and role
  --delete-data             with --destroy: delete the table and every reading too
  --yes                     with --delete-data: skip the typed confirmation (needed without a terminal)
  -h, --help                print this help

Exit status: 0 on success, 1 when a step failed, 2 for invalid options.
`;
