/** The function's environment, built from the options and the token hashes. */
import type { ResourceNames } from "./names.ts";
import type { DeployOptions } from "./options.ts";

/**
 * Returns the app's configuration as environment variables. Optional
 * variables are left out when unset, so the app's defaults apply.
 */
export function functionEnvironment(options: DeployOptions, names: ResourceNames, tokenHashes: Readonly<Record<string, string>>): Record<string, string> {
  const environment: Record<string, string> = {
    THERMO_TABLE: names.table,
    THERMO_TIMEZONE: options.timezone,
    THERMO_DEFAULT_UNIT: options.defaultUnit,
    ...tokenHashes,
  };
  if (options.retentionDays !== undefined) environment.THERMO_RETENTION_DAYS = String(options.retentionDays);
  if (options.corsOrigins.length > 0) environment.THERMO_CORS_ORIGINS = options.corsOrigins.join(",");
  return environment;
}
