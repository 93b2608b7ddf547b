/** The tokens that `bun run dev` accepts, read from THERMO_INGEST_TOKEN, THERMO_READ_TOKEN and THERMO_ADMIN_TOKEN. */
import { isTokenWellFormed, TOKEN_FORM } from "../cloud/auth.ts";
import { ConfigError } from "../cloud/errors.ts";
import type { StackTokens } from "./stack.ts";

const TOKEN_VARIABLES = { ingest: "THERMO_INGEST_TOKEN", read: "THERMO_READ_TOKEN", admin: "THERMO_ADMIN_TOKEN" } as const;

/**
 * Returns the tokens set in `env`. An unset or empty variable is left out, so
 * the stack generates that token. Messages name the variable and never quote
 * the token.
 * @throws {ConfigError} listing every variable whose token the API could never accept
 */
export function readDevTokens(env: Record<string, string | undefined>): Partial<StackTokens> {
  const tokens: Partial<StackTokens> = {};
  const problems: string[] = [];
  for (const [scope, variable] of Object.entries(TOKEN_VARIABLES) as [keyof StackTokens, string][]) {
    const token = env[variable];
    if (token === undefined || token === "") continue;

    if (isTokenWellFormed(token)) tokens[scope] = token;
    else problems.push(`${variable} (${token.length} characters) is not a token the API accepts; use ${TOKEN_FORM}, or unset it to get a generated one`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return tokens;
}
