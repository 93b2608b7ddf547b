/**
 * Endpoint URLs as they may appear in logs and error messages. A user name,
 * password, query or fragment can carry a secret (a proxy's key, for example),
 * so each is replaced by a placeholder that shows it was there.
 */

const REDACTED = "<redacted>";

/**
 * Returns `endpoint` with its user name, password, query and fragment replaced by `<redacted>`,
 * such as `http://127.0.0.1:8000/?<redacted>`. Text that is not a URL is cut the same way, by its
 * `@`, `?` and `#` characters.
 */
export function redactEndpoint(endpoint: string): string {
  if (!URL.canParse(endpoint)) return redactUnparsed(endpoint);
  const url = new URL(endpoint);
  const userInfo = url.username !== "" || url.password !== "" ? `${REDACTED}@` : "";
  // URL drops an empty query or fragment ("…/?"), so the raw text shows whether one was given.
  const query = url.search !== "" || /\?/.test(endpoint) ? `?${REDACTED}` : "";
  const fragment = url.hash !== "" || /#/.test(endpoint) ? `#${REDACTED}` : "";
  return `${url.protocol}//${userInfo}${url.host}${url.pathname}${query}${fragment}`;
}

function redactUnparsed(text: string): string {
  // User info first, up to the last "@" before a "/": a password may itself contain "?" or "#".
  const withoutUserInfo = text.replace(/^([^/]*\/\/)?[^/]*@/, `$1${REDACTED}@`);
  const queryStart = withoutUserInfo.search(/[?#]/);
  if (queryStart === -1) return withoutUserInfo;
  return `${withoutUserInfo.slice(0, queryStart)}${withoutUserInfo[queryStart]}${REDACTED}`;
}
