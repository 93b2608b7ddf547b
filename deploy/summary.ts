/** The `--json` summary and the human closing block with the URL and tokens. */
import type { DeployContext } from "./context.ts";
import type { Outcome } from "./output.ts";
import { TOKEN_SCOPES, type Tokens } from "./tokens.ts";

export interface DeploySummary {
  readonly mode: "deploy" | "destroy";
  readonly isPlan: boolean;
  readonly stage: string;
  readonly region: string;
  readonly accountId: string;
  readonly url?: string;
  readonly dashboardUrl?: string;
  readonly table: string;
  readonly function: string;
  readonly role: string;
  readonly logGroup: string;
  readonly stateFile: string;
  readonly changes: Readonly<Record<Outcome, number>>;
  readonly warnings: readonly string[];
  /** Only on the run that issued them (or the first run after an interrupted one). */
  readonly tokens?: Tokens;
}

export function buildSummary(
  context: DeployContext,
  fields: { statePath: string; url?: string; tokens?: Tokens },
): DeploySummary {
  const { names, scope, reporter, options } = context;
  return {
    mode: options.mode,
    isPlan: options.isPlan,
    stage: names.stage,
    region: scope.region,
    accountId: scope.accountId,
    ...(fields.url === undefined ? {} : { url: fields.url, dashboardUrl: dashboardUrl(fields.url) }),
    table: names.table,
    function: names.function,
    role: names.role,
    logGroup: names.logGroup,
    stateFile: fields.statePath,
    changes: { ...reporter.counts },
    warnings: [...reporter.warnings],
    ...(fields.tokens === undefined ? {} : { tokens: fields.tokens }),
  };
}

/** The dashboard is served by the app at GET / of the function URL. */
export function dashboardUrl(url: string): string {
  return url.startsWith("https://") ? new URL("/", url).href : url;
}

const TOKEN_USE: Readonly<Record<(typeof TOKEN_SCOPES)[number], string>> = {
  ingest: "devices send readings with it",
  read: "the dashboard and queries",
  admin: "changing a device's desired state",
};

/** Lines that show the endpoint and, when given, the tokens (printed once). */
export function describeEndpoint(summary: DeploySummary): string[] {
  const lines = [`URL:        ${summary.url ?? "(none)"}`, `Dashboard:  ${summary.dashboardUrl ?? "(none)"}`, `Table:      ${summary.table}`];
  if (summary.tokens !== undefined) {
    lines.push("", `Tokens (shown once; the only copy is in ${summary.stateFile}, readable only by you):`);
    for (const scope of TOKEN_SCOPES) lines.push(`  ${scope.padEnd(7)} ${summary.tokens[scope]}   ${TOKEN_USE[scope]}`);
    lines.push("Send them as `Authorization: Bearer <token>`.");
  }
  return lines;
}
