/**
 * The dashboard's Content-Security-Policy. The page has no inline script or
 * style, so script-src and style-src are 'self' alone. connect-src adds the
 * API origins the page may call when its API base URL points elsewhere.
 */

/** Env variable with extra origins the page may fetch from, comma-separated (`https://abc.lambda-url.us-east-1.on.aws`). */
export const CONNECT_ORIGINS_ENV = "THERMO_DASHBOARD_CONNECT_ORIGINS";

/**
 * Parses a comma-separated list of origins (`scheme://host[:port]`).
 * @throws {RangeError} naming the first entry that is not an http(s) origin
 */
export function parseOrigins(text: string | undefined): string[] {
  if (text === undefined || text.trim() === "") return [];
  return text.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "").map((entry) => {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:") || url.origin !== entry.replace(/\/$/, "")) {
      throw new RangeError(`invalid origin "${entry}" in ${CONNECT_ORIGINS_ENV}: expected scheme://host[:port] with no path, such as https://abc.lambda-url.us-east-1.on.aws`);
    }
    return url.origin;
  });
}

/** Builds the policy for the page and its assets. */
export function buildContentSecurityPolicy(connectOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src ${["'self'", ...connectOrigins].join(" ")}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
