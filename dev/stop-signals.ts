/**
 * Stop signals for `bun run dev`. One Ctrl-C usually delivers SIGINT twice:
 * the terminal sends it to the whole process group, and `bun run` forwards its
 * own copy to dev.ts. A one-shot handler would let the second copy kill the
 * process in the middle of its shutdown, so the handlers here stay installed
 * until the shutdown has finished.
 */

/** Signals that start a clean stop: Ctrl-C, `kill`, and a closed terminal. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface StopSignalWatch {
  /** Resolves with the first stop signal received. */
  stopRequested: Promise<StopSignal>;
  /** Removes the handlers; call it once the shutdown has finished. */
  dispose(): void;
}

/**
 * Installs persistent handlers for SIGINT, SIGTERM and SIGHUP. The first
 * signal resolves `stopRequested`; each later one only writes a line through
 * `log`, so no signal can cut the shutdown short.
 *
 * NOTE: a repeated Ctrl-C never forces an exit, because the copy that `bun run`
 * forwards cannot be distinguished from a second key press. The shutdown is
 * bounded by the API's stop grace time; if it still hangs, send SIGKILL. The
 * lock of the data folder is then taken over by the next `bun run dev`.
 */
export function watchStopSignals(log: (line: string) => void = console.log): StopSignalWatch {
  let first: StopSignal | undefined;
  let resolveStop: (signal: StopSignal) => void = () => {};
  const stopRequested = new Promise<StopSignal>((resolve) => {
    resolveStop = resolve;
  });

  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => {
      if (first === undefined) {
        first = signal;
        resolveStop(signal);
        return;
      }
      log(`${signal} received while already stopping (after ${first}); ignored, the stop continues`);
    };
    process.on(signal, handler);
    return { signal, handler };
  });

  return {
    stopRequested,
    dispose: () => {
      for (const { signal, handler } of handlers) process.off(signal, handler);
    },
  };
}
