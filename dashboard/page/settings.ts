/**
 * The page's settings in localStorage: the read token and the API base URL.
 * The token lives only here and in the Authorization header, never in a URL,
 * so it stays out of history, logs and Referer headers.
 */

const TOKEN_KEY = "thermo.readToken";
const API_BASE_KEY = "thermo.apiBase";
const DEVICE_KEY = "thermo.device";

export interface Settings {
  /** The read token, or "" when none is stored. */
  token: string;
  /** The API's origin (and optional path prefix) without a trailing slash; "" means the page's own origin. */
  apiBase: string;
}

/**
 * Checks an API base URL as typed in the settings and returns it normalised.
 * @throws {TypeError} when the text is neither empty nor an http(s) URL without query or fragment
 */
export function normaliseApiBase(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "";
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch (error) {
    throw new TypeError(`invalid API base URL "${trimmed}": expected an address such as https://abc.lambda-url.us-east-1.on.aws`, { cause: error });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`invalid API base URL "${trimmed}": use http:// or https://`);
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new TypeError(`invalid API base URL "${trimmed}": remove the query, fragment or credentials`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function readItem(storage: Storage, key: string): string {
  try {
    return storage.getItem(key) ?? "";
  } catch {
    return ""; // storage disabled by the browser: behave as if empty
  }
}

/** Reads the stored settings; a stored base URL that no longer parses is dropped. */
export function loadSettings(storage: Storage): Settings {
  let apiBase = "";
  try {
    apiBase = normaliseApiBase(readItem(storage, API_BASE_KEY));
  } catch {
    apiBase = "";
  }
  return { token: readItem(storage, TOKEN_KEY).trim(), apiBase };
}

/** Stores the settings; an empty token removes the stored one. */
export function saveSettings(storage: Storage, settings: Settings): void {
  if (settings.token === "") storage.removeItem(TOKEN_KEY);
  else storage.setItem(TOKEN_KEY, settings.token);
  if (settings.apiBase === "") storage.removeItem(API_BASE_KEY);
  else storage.setItem(API_BASE_KEY, settings.apiBase);
}

/** Returns the device chosen last time, or "" when none. */
export function loadLastDevice(storage: Storage): string {
  return readItem(storage, DEVICE_KEY);
}

/** Remembers the chosen device for the next visit. */
export function saveLastDevice(storage: Storage, deviceId: string): void {
  try {
    storage.setItem(DEVICE_KEY, deviceId);
  } catch {
    // Storage full or disabled: the choice is only lost for the next visit.
  }
}
