/** Parses an HTTP `Retry-After` header: delay-seconds or an HTTP-date, as RFC 9110 defines them. */

/** Maximum server-requested wait honoured, in ms; a longer one is cut to this. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`). */
const GMT_DATE = /^[A-Za-z]{3,9}, [0-9A-Za-z -]{9,11} \d\d:\d\d:\d\d GMT$/;
/** The obsolete asctime form (`Sun Nov  6 08:49:37 1994`), which is in GMT without saying so. */
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/;

/**
 * Returns the requested wait in ms, or undefined when the header is absent or unreadable.
 * A date without GMT is unreadable: Date.parse would take it as local time.
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);

  let dateMs = Number.NaN;
  if (GMT_DATE.test(text)) dateMs = Date.parse(text);
  else if (ASCTIME_DATE.test(text)) dateMs = Date.parse(`${text} GMT`);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.min(Math.max(0, dateMs - nowMs), MAX_RETRY_AFTER_MS);
}
