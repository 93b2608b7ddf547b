/** Parses an HTTP `Retry-After` header: delay-seconds or an HTTP-date. */

/** Maximum server-requested wait honoured, in ms; a longer one is cut to this. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** Returns the requested wait in ms, or undefined when the header is absent or unreadable. */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.min(Math.max(0, dateMs - nowMs), MAX_RETRY_AFTER_MS);
}
