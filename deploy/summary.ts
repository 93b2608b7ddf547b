/** The `--json` summary and the human closing block with the URL and tokens. */
import type { DeployContext } from "./context.ts";
import type { Outcome } from "./output.ts";
import type { DeployState } from "./state-file.ts";
import { scopesWithPreviousTokens } from "./token-decision.ts";
import { TOKEN_SCOPES, type Tokens, type TokenScope } from "./tokens.ts";

/** Replaced tokens of one scope that the function still accepts. */
export interface PreviousTokenSummary {
  readonly count: number;
  /** ISO time of the latest rotation of the scope. */
  readonly lastReplacedAt: string;
}

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
  /**
   * New tokens, only on the run that issued them or the first run after an interrupted one.
   * After a rotation limited by --scope, only those scopes.
   */
  readonly tokens?: Partial<Tokens>;
  /** Per scope, whether the function still accepts tokens that a rotation replaced (after a plan: would accept). */
  readonly previousTokensAccepted?: Readonly<Record<TokenScope, boolean>>;
  /** The scopes with replaced tokens still accepted; empty once --retire-old-tokens has run. */
  readonly previousTokens?: Readonly<Partial<Record<TokenScope, PreviousTokenSummary>>>;
}

export function buildSummary(
  context: DeployContext,
  fields: { statePath: string; url?: string; tokens?: Partial<Tokens>; state?: DeployState },
): DeploySummary {
  const { names, scope, reporter, options } = context;
  const previous = fields.state === undefined ? undefined : summarizePreviousTokens(fields.state);
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
    ...(previous === undefined ? {} : previous),
  };
}

function summarizePreviousTokens(state: DeployState): Pick<DeploySummary, "previousTokensAccepted" | "previousTokens"> {
  const accepted = Object.fromEntries(TOKEN_SCOPES.map((scope) => [scope, false])) as Record<TokenScope, boolean>;
  const previousTokens: Partial<Record<TokenScope, PreviousTokenSummary>> = {};
  for (const scope of scopesWithPreviousTokens(state)) {
    const entries = state.previousTokens![scope]!;
    accepted[scope] = true;
    previousTokens[scope] = { count: entries.length, lastReplacedAt: entries[entries.length - 1]!.replacedAt };
  }
  return { previousTokensAccepted: accepted, previousTokens };
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

/** Lines that show the endpoint, the new tokens when given (printed once), and how to finish a rotation. */
export function describeEndpoint(summary: DeploySummary): string[] {
  const lines = [`URL:        ${summary.url ?? "(none)"}`, `Dashboard:  ${summary.dashboardUrl ?? "(none)"}`, `Table:      ${summary.table}`];
  if (summary.tokens !== undefined) {
    lines.push("", `New tokens (shown once; the only copy is in ${summary.stateFile}, readable only by you):`);
    for (const scope of TOKEN_SCOPES) {
      const token = summary.tokens[scope];
      if (token !== undefined) lines.push(`  ${scope.padEnd(7)} ${token}   ${TOKEN_USE[scope]}`);
    }
    lines.push("Send them as `Authorization: Bearer <token>`.");
  }

  const rotated = TOKEN_SCOPES.filter((scope) => summary.previousTokens?.[scope] !== undefined);
  if (rotated.length > 0) {
    lines.push("", "Old tokens still work: the function accepts the replaced tokens next to the new ones.");
    for (const scope of rotated) {
      const previous = summary.previousTokens![scope]!;
      lines.push(`  ${scope.padEnd(7)} ${previous.count} old ${previous.count === 1 ? "token" : "tokens"}, replaced ${previous.lastReplacedAt}`);
    }
    const scopeFlag = rotated.length < TOKEN_SCOPES.length ? ` --scope ${rotated.join(",")}` : "";
    lines.push(
      "Once every device and dashboard uses the new tokens, stop accepting the old ones",
      `by running the same deploy command with --retire-old-tokens${scopeFlag} in place of --rotate-tokens.`,
    );
  }
  return lines;
}
