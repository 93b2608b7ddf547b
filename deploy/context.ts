/** Inputs of every deploy step: options, names, ARN scope, clients, output and clock. */
import type { AwsClients } from "./clients.ts";
import type { ArnScope, ResourceNames } from "./names.ts";
import type { DeployOptions } from "./options.ts";
import type { Reporter } from "./output.ts";

/** Time source and timer, injectable so tests never wait for real time. */
export interface Clock {
  /** Current time in ms since the epoch. */
  now(): number;
  /** Waits `ms` milliseconds. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Randomness in [0, 1) for backoff jitter. */
  random(): number;
}

export interface DeployContext {
  readonly options: DeployOptions;
  readonly names: ResourceNames;
  readonly scope: ArnScope;
  readonly clients: AwsClients;
  readonly reporter: Reporter;
  readonly clock: Clock;
}
