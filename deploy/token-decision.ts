/**
 * Decides which token hashes the function accepts on this run and how the
 * state file's tokens change:
 * - a plain run deploys the hashes of the current tokens and of the replaced
 *   tokens that are still accepted;
 * - the first deploy issues a token per scope;
 * - --rotate-tokens issues new tokens and keeps the replaced ones accepted,
 *   so clients can move over without downtime;
 * - --retire-old-tokens stops accepting the replaced ones;
 * - without a state file, the deployed hashes are kept, because their
 *   plaintext cannot be recovered from them.
 */
import type { DeployContext } from "./context.ts";
import { DeployError } from "./errors.ts";
import type { CurrentFunction } from "./resources/function.ts";
import type { DeployState, PreviousToken, PreviousTokens } from "./state-file.ts";
import {
  generateToken,
  generateTokens,
  hashToken,
  isTokenHash,
  MAX_HASHES_PER_SCOPE,
  splitHashList,
  TOKEN_HASH_VARIABLES,
  TOKEN_SCOPES,
  type Tokens,
  type TokenScope,
} from "./tokens.ts";

export interface TokenDecision {
  /** The state after this run's token changes; the input state when nothing changed. */
  readonly state: DeployState;
  /** True when `state` differs from the input, so it must be saved before the function gets the hashes. */
  readonly isStateChanged: boolean;
  /** The THERMO_*_TOKEN_SHA256 variables to deploy. */
  readonly hashEnvironment: Readonly<Record<string, string>>;
}

interface DecisionInputs {
  /** The state file contents, or a fresh state without tokens when there is no file. */
  readonly state: DeployState;
  readonly current: CurrentFunction;
  readonly statePath: string;
}

export function decideTokens(context: DeployContext, inputs: DecisionInputs): TokenDecision {
  const { options } = context;
  if (options.rotateTokens) return rotateTokens(context, inputs);
  if (options.retireOldTokens) return retireOldTokens(context, inputs);
  if (inputs.state.tokens !== undefined) return { state: inputs.state, isStateChanged: false, hashEnvironment: acceptedHashEnvironment(inputs.state) };

  const deployed = deployedVariables(inputs.current);
  if (Object.keys(deployed).length === TOKEN_SCOPES.length) {
    context.reporter.warn(
      `no tokens in state file ${inputs.statePath}: the tokens of stage ${context.names.stage} cannot be recovered, because AWS stores only their SHA-256 hashes. ` +
        "The deployed tokens keep working; run with --rotate-tokens to issue new ones next to them",
    );
    return { state: inputs.state, isStateChanged: false, hashEnvironment: deployed };
  }
  return issueTokens(context, inputs.state, { scopes: TOKEN_SCOPES, tokens: generateTokens(), previous: {} });
}

/** Returns the hash variables for the current tokens of `state` plus the replaced tokens it still accepts. */
export function acceptedHashEnvironment(state: DeployState): Record<string, string> {
  const environment: Record<string, string> = {};
  if (state.tokens === undefined) return environment;
  for (const scope of TOKEN_SCOPES) environment[TOKEN_HASH_VARIABLES[scope]] = acceptedHashes(state, scope).join(",");
  return environment;
}

/** Returns the hashes the function accepts for `scope`: the current token's first, then replaced ones, oldest first. */
function acceptedHashes(state: DeployState, scope: TokenScope): string[] {
  const hashes = state.tokens === undefined ? [] : [hashToken(state.tokens[scope])];
  for (const previous of state.previousTokens?.[scope] ?? []) hashes.push(previous.sha256);
  return [...new Set(hashes)];
}

/** Returns the scopes whose replaced tokens the function still accepts. */
export function scopesWithPreviousTokens(state: DeployState): TokenScope[] {
  return TOKEN_SCOPES.filter((scope) => (state.previousTokens?.[scope]?.length ?? 0) > 0);
}

/**
 * Issues new tokens for the chosen scopes. The tokens they replace move to
 * `previousTokens`, so the function keeps accepting them. Without tokens in
 * the state file every scope gets a new token, and the hashes found deployed
 * are kept as previous tokens whose plaintext is unknown.
 */
function rotateTokens(context: DeployContext, inputs: DecisionInputs): TokenDecision {
  const { options, reporter } = context;
  const { state } = inputs;
  const replacedAt = isoNow(context);

  if (state.tokens === undefined) {
    if (options.tokenScopes.length < TOKEN_SCOPES.length) {
      throw new DeployError(
        `cannot rotate only ${options.tokenScopes.join(", ")}: state file ${inputs.statePath} has no tokens, so every scope needs a new token`,
        { hint: "run --rotate-tokens without --scope; the deployed tokens stay accepted until --retire-old-tokens" },
      );
    }
    const previous = deployedHashesAsPrevious(context, inputs.current, replacedAt);
    const keptCount = TOKEN_SCOPES.reduce((sum, scope) => sum + (previous[scope]?.length ?? 0), 0);
    if (keptCount > 0) {
      reporter.warn(
        `state file ${inputs.statePath} has no tokens, so this run issues new tokens for every scope and the ${keptCount} token hashes already deployed stay accepted. ` +
          "Their tokens are unknown here. Once every device and dashboard uses the new tokens, run with --retire-old-tokens: it removes every hash that the state file has no current token for",
      );
    }
    return issueTokens(context, state, { scopes: TOKEN_SCOPES, tokens: generateTokens(), previous });
  }

  const tokens: Record<TokenScope, string> = { ...state.tokens };
  const previous: PreviousTokens = { ...state.previousTokens };
  for (const scope of options.tokenScopes) {
    const replaced: PreviousToken = { sha256: hashToken(tokens[scope]), token: tokens[scope], replacedAt };
    const kept = [...(previous[scope] ?? []), replaced];
    if (kept.length + 1 > MAX_HASHES_PER_SCOPE) {
      throw new DeployError(`cannot rotate the ${scope} token again: the function would accept ${kept.length + 1} ${scope} tokens, more than the ${MAX_HASHES_PER_SCOPE} deploy allows per scope`, {
        hint: `run --retire-old-tokens --scope ${scope} once the clients use the current ${scope} token, then rotate again`,
      });
    }
    previous[scope] = kept;
    tokens[scope] = generateToken();
  }
  reporter.info(
    `${reporter.isPlan ? "Would issue" : "Issuing"} new tokens for ${options.tokenScopes.join(", ")}; ` +
      "the tokens they replace stay accepted until --retire-old-tokens",
  );
  return issueTokens(context, state, { scopes: options.tokenScopes, tokens, previous });
}

/** Returns the valid hashes deployed for each scope as previous tokens without plaintext. */
function deployedHashesAsPrevious(context: DeployContext, current: CurrentFunction, replacedAt: string): PreviousTokens {
  const variables = current?.Configuration?.Environment?.Variables ?? {};
  const previous: PreviousTokens = {};
  for (const scope of TOKEN_SCOPES) {
    const entries = splitHashList(variables[TOKEN_HASH_VARIABLES[scope]]);
    const invalidCount = entries.filter((entry) => !isTokenHash(entry)).length;
    if (invalidCount > 0) {
      // The values are hashes, but are left out anyway, as the app does.
      context.reporter.warn(`${TOKEN_HASH_VARIABLES[scope]} contains ${invalidCount} entries that are not SHA-256 hashes; they are dropped, because the app rejects them`);
    }
    const hashes = [...new Set(entries.filter(isTokenHash))];
    if (hashes.length + 1 > MAX_HASHES_PER_SCOPE) {
      throw new DeployError(`cannot rotate: ${TOKEN_HASH_VARIABLES[scope]} contains ${hashes.length} hashes, and with a new token the function would accept more than the ${MAX_HASHES_PER_SCOPE} deploy allows per scope`, {
        hint: `remove the hashes of tokens no client uses from ${TOKEN_HASH_VARIABLES[scope]} in the Lambda console, then run --rotate-tokens again`,
      });
    }
    if (hashes.length > 0) previous[scope] = hashes.map((sha256) => ({ sha256, replacedAt }));
  }
  return previous;
}

/** Returns the state after issuing `tokens` for `scopes`, with `previous` as the replaced tokens still accepted. */
function issueTokens(
  context: DeployContext,
  state: DeployState,
  issue: { scopes: readonly TokenScope[]; tokens: Tokens; previous: PreviousTokens },
): TokenDecision {
  // Scopes issued earlier whose tokens were never printed stay pending, so an interrupted rotation still shows them.
  const unshown = state.tokens !== undefined && !state.tokensShown ? (state.issuedScopes ?? TOKEN_SCOPES) : [];
  const pending = TOKEN_SCOPES.filter((scope) => issue.scopes.includes(scope) || unshown.includes(scope));
  const next: DeployState = { ...state, tokens: issue.tokens, tokensIssuedAt: isoNow(context), tokensShown: false };
  delete next.issuedScopes;
  if (pending.length < TOKEN_SCOPES.length) next.issuedScopes = pending;
  setPreviousTokens(next, issue.previous);
  return { state: next, isStateChanged: true, hashEnvironment: acceptedHashEnvironment(next) };
}

/**
 * Drops the replaced tokens of the chosen scopes. Any other hash deployed for
 * those scopes is missing from the state file too, so it is removed as well.
 * The output names how many of each kind go.
 */
function retireOldTokens(context: DeployContext, inputs: DecisionInputs): TokenDecision {
  const { options, reporter } = context;
  const { state } = inputs;
  if (state.tokens === undefined) {
    throw new DeployError(`cannot retire old tokens: state file ${inputs.statePath} has no tokens, so the function would be left without a token it accepts`, {
      hint: "run --rotate-tokens first, give the devices and the dashboard the new tokens, then run --retire-old-tokens",
    });
  }

  const variables = inputs.current?.Configuration?.Environment?.Variables ?? {};
  const previous: PreviousTokens = { ...state.previousTokens };
  const remove = reporter.isPlan ? "would remove" : "removing";
  let isStateChanged = false;
  for (const scope of options.tokenScopes) {
    const replaced = previous[scope] ?? [];
    const known = new Set(acceptedHashes(state, scope));
    const unknownCount = new Set(splitHashList(variables[TOKEN_HASH_VARIABLES[scope]]).filter((hash) => !known.has(hash))).size;
    const parts: string[] = [];
    if (replaced.length > 0) {
      const hashOnly = replaced.filter((entry) => entry.token === undefined).length;
      const last = replaced[replaced.length - 1]!.replacedAt;
      const detail = hashOnly > 0 ? `, ${hashOnly} of them known only by hash from before the state file was lost` : "";
      parts.push(`${remove} ${count(replaced.length, "previous token")} (replaced ${last}${detail})`);
      delete previous[scope];
      isStateChanged = true;
    }
    if (unknownCount > 0) parts.push(`${parts.length > 0 ? "" : `${remove} `}${count(unknownCount, "deployed hash", "deployed hashes")} that the state file does not know`);
    const outcome = parts.length > 0 ? `${parts.join(" and ")}; only the current ${scope} token stays accepted` : "no previous tokens to retire";
    reporter.info(`${reporter.isPlan ? "Would retire" : "Retiring"} old ${scope} tokens: ${outcome}`);
  }
  if (!isStateChanged) return { state, isStateChanged: false, hashEnvironment: acceptedHashEnvironment(state) };

  const next: DeployState = { ...state };
  setPreviousTokens(next, previous);
  return { state: next, isStateChanged: true, hashEnvironment: acceptedHashEnvironment(next) };
}

/** Stores `previous` in `state`, leaving out scopes without entries and the key itself when all are empty. */
function setPreviousTokens(state: DeployState, previous: PreviousTokens): void {
  const kept: PreviousTokens = {};
  for (const scope of TOKEN_SCOPES) {
    const entries = previous[scope];
    if (entries !== undefined && entries.length > 0) kept[scope] = entries;
  }
  delete state.previousTokens;
  if (Object.keys(kept).length > 0) state.previousTokens = kept;
}

/** Returns the deployed hash variables when they are set, by variable name. */
function deployedVariables(current: CurrentFunction): Record<string, string> {
  const variables = current?.Configuration?.Environment?.Variables ?? {};
  const deployed: Record<string, string> = {};
  for (const scope of TOKEN_SCOPES) {
    const value = variables[TOKEN_HASH_VARIABLES[scope]];
    if (value !== undefined && value !== "") deployed[TOKEN_HASH_VARIABLES[scope]] = value;
  }
  return deployed;
}

function isoNow(context: DeployContext): string {
  return new Date(context.clock.now()).toISOString();
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
