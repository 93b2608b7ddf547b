/**
 * Decides which tokens the function accepts on this run: the ones in the
 * state file, new ones (first deploy or --rotate-tokens), or, when the state
 * file is lost, the hashes already deployed, because the plaintext cannot be
 * recovered from them.
 */
import type { DeployContext } from "./context.ts";
import type { CurrentFunction } from "./resources/function.ts";
import type { DeployState } from "./state-file.ts";
import { generateTokens, TOKEN_HASH_VARIABLES, TOKEN_SCOPES, tokenHashEnvironment, type Tokens } from "./tokens.ts";

export interface TokenDecision {
  /** Plaintext tokens, or undefined when only the deployed hashes are known. */
  readonly tokens: Tokens | undefined;
  /** The THERMO_*_TOKEN_SHA256 variables to deploy. */
  readonly hashEnvironment: Readonly<Record<string, string>>;
  /** True when this run issues new tokens. */
  readonly isIssued: boolean;
}

export function decideTokens(
  context: DeployContext,
  inputs: { state: DeployState | undefined; current: CurrentFunction; statePath: string },
): TokenDecision {
  const { state, current } = inputs;
  if (context.options.rotateTokens) return issue();
  if (state?.tokens !== undefined) return { tokens: state.tokens, hashEnvironment: tokenHashEnvironment(state.tokens), isIssued: false };

  const deployed = current?.Configuration?.Environment?.Variables ?? {};
  const deployedHashes: Record<string, string> = {};
  for (const scope of TOKEN_SCOPES) {
    const value = deployed[TOKEN_HASH_VARIABLES[scope]];
    if (value !== undefined && value !== "") deployedHashes[TOKEN_HASH_VARIABLES[scope]] = value;
  }
  if (Object.keys(deployedHashes).length === TOKEN_SCOPES.length) {
    context.reporter.warn(
      `no tokens in state file ${inputs.statePath}: the tokens of stage ${context.names.stage} cannot be recovered, because AWS stores only their SHA-256 hashes. ` +
        "The deployed tokens keep working; run with --rotate-tokens to issue new ones (devices and the dashboard then need the new tokens)",
    );
    return { tokens: undefined, hashEnvironment: deployedHashes, isIssued: false };
  }
  return issue();

  function issue(): TokenDecision {
    const tokens = generateTokens();
    return { tokens, hashEnvironment: tokenHashEnvironment(tokens), isIssued: true };
  }
}
