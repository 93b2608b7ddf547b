/**
 * Polls a resource until it reaches the expected status, printing progress.
 * The delay grows from 1 s to 5 s; the clock is injectable for tests.
 */
import type { DeployContext } from "./context.ts";
import { WaitError } from "./errors.ts";
import type { Step } from "./output.ts";

export interface PollResult<T> {
  /** Status for the progress line, e.g. `State Pending`. */
  readonly status: string;
  readonly isDone: boolean;
  /** Set when the resource reached a state it will not leave by itself. */
  readonly failure?: string;
  readonly value: T;
}

export interface WaitSpec<T> {
  readonly resource: string;
  /** What is awaited, e.g. `State Active`. */
  readonly target: string;
  readonly read: () => Promise<PollResult<T>>;
  /** Give up after this long, in ms. */
  readonly timeoutMs: number;
}

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 5_000;

/**
 * Reads until `isDone`, and returns the last value.
 * @throws {WaitError} on a failed state or when `timeoutMs` passes
 */
export async function waitFor<T>(context: DeployContext, step: Step, spec: WaitSpec<T>): Promise<T> {
  const { clock } = context;
  const deadlineMs = clock.now() + spec.timeoutMs;
  let delayMs = FIRST_DELAY_MS;

  for (;;) {
    const result = await spec.read();
    if (result.failure !== undefined) {
      throw new WaitError(spec.resource, result.status, `${spec.resource} failed while waiting for ${spec.target}: ${result.failure}`, {
        hint: "fix the cause named above, then run deploy again",
      });
    }
    if (result.isDone) return result.value;
    if (clock.now() + delayMs > deadlineMs) {
      throw new WaitError(spec.resource, result.status, `timed out after ${Math.round(spec.timeoutMs / 1000)} s waiting for ${spec.resource} to reach ${spec.target} (last status: ${result.status})`, {
        hint: "run deploy again later; it resumes where it stopped",
      });
    }
    step.progress(`waiting for ${spec.target}, now ${result.status}`);
    await clock.sleep(delayMs);
    delayMs = Math.min(MAX_DELAY_MS, Math.round(delayMs * 1.5));
  }
}
