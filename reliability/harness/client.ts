/**
 * A harness client that uploads batches the way the outbox contract requires
 * of a device: keep a batch until a 2xx, retry everything else. Scenarios
 * that test the API alone use it in place of thermo.
 */

export interface UploadAttempt {
  status: number | undefined;
  retryAfter: string | null;
  error: string | undefined;
}

/** Posts one batch once and returns what happened; network errors are returned, not thrown. */
export async function postBatch(options: { url: string; token: string; readings: readonly unknown[]; timeoutMs?: number }): Promise<UploadAttempt> {
  try {
    const response = await fetch(`${options.url}/readings`, {
      method: "POST",
      headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
      body: JSON.stringify({ readings: options.readings }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get("retry-after"), error: undefined };
  } catch (error) {
    return { status: undefined, retryAfter: null, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Posts a batch until the API returns 2xx, at most `maxAttempts` times, `pauseMs` apart.
 * @returns every attempt, the last one successful unless attempts ran out
 */
export async function deliverBatch(options: { url: string; token: string; readings: readonly unknown[]; maxAttempts?: number; pauseMs?: number }): Promise<UploadAttempt[]> {
  const attempts: UploadAttempt[] = [];
  const maxAttempts = options.maxAttempts ?? 40;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const result = await postBatch(options);
    attempts.push(result);
    if (result.status !== undefined && result.status >= 200 && result.status < 300) break;
    await Bun.sleep(options.pauseMs ?? 250);
  }
  return attempts;
}

/** Whether the last attempt succeeded. */
export function isDelivered(attempts: readonly UploadAttempt[]): boolean {
  const last = attempts.at(-1);
  return last?.status !== undefined && last.status >= 200 && last.status < 300;
}
