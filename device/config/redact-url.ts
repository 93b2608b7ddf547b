/**
 * Redacts the secrets an `api_url` may carry before it reaches a log, the
 * status or an error message: userinfo (`user:password@`), the token of an
 * `/ingest/<token>` path segment (the cloud accepts the ingest token there),
 * and the query and fragment.
 */

const INGEST_SEGMENT = /\/ingest\/[^/?#\s"'<>]+/g;
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s"'<>@]*@/gi;
const URL_QUERY = /\b([a-z][a-z0-9+.-]*:\/\/[^?#\s"'<>]*)[?#][^\s"'<>]*/gi;
const REDACTED_INGEST = "/ingest/(redacted)";
/** Secrets shorter than this are not searched for as bare text, so a one-letter user name does not garble a message. */
const MIN_BARE_SECRET_LENGTH = 6;

/** Returns `scheme://host[:port]/path` of a URL, without userinfo, query and fragment, and with any ingest token replaced. */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return "(not a URL, not shown)";
  const parsed = new URL(url);
  const path = parsed.pathname.replace(INGEST_SEGMENT, REDACTED_INGEST).replace(/\/+$/, "");
  return `${parsed.protocol}//${parsed.host}${path}`;
}

/** Returns the secret parts of `url`, raw and percent-decoded, that are long enough to search for as bare text. */
function secretsOf(url: string | undefined): string[] {
  if (url === undefined || !URL.canParse(url)) return [];
  const parsed = new URL(url);
  const raw = [parsed.username, parsed.password, ...[...parsed.pathname.matchAll(INGEST_SEGMENT)].map((match) => match[0].slice("/ingest/".length))];
  const secrets = new Set<string>();
  for (const secret of raw) {
    secrets.add(secret);
    try {
      secrets.add(decodeURIComponent(secret));
    } catch {
      // A malformed escape leaves only the raw form to search for.
    }
  }
  return [...secrets].filter((secret) => secret.length >= MIN_BARE_SECRET_LENGTH);
}

/**
 * Removes URL secrets from free text such as a fetch error message: userinfo,
 * ingest tokens, query strings, and the bare secrets of `apiUrl` wherever they
 * appear.
 */
export function redactSecretsInText(text: string, apiUrl?: string): string {
  let redacted = text.replace(USERINFO, "$1").replace(INGEST_SEGMENT, REDACTED_INGEST).replace(URL_QUERY, "$1");
  for (const secret of secretsOf(apiUrl)) redacted = redacted.replaceAll(secret, "(redacted)");
  return redacted;
}
