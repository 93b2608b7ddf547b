/**
 * The view's state in the URL fragment (`#device=shop&day=2026-03-08&days=3`),
 * so a view can be bookmarked and the back button works. The token never goes
 * here. An invalid part falls back to its default so that a stale bookmark
 * still opens the page. The parser returns each part it ignored, so the page
 * can name them in a notice.
 */
import { isDay, MAX_RANGE_DAYS } from "./days.ts";

export interface ViewState {
  device: string | null;
  /** Last day shown, `YYYY-MM-DD`, or null for today in the server's zone. */
  day: string | null;
  /** Number of days shown, ending on `day`. */
  days: number;
}

/** A part of the fragment that was ignored, and why. */
export interface IgnoredPart {
  /** The fragment's key: `device`, `day`, `days`, or any key the page does not know. */
  key: string;
  /** Why it was ignored, without the fallback: `day 2026-02-30 is not a real date`. */
  reason: string;
}

export interface ParsedViewHash {
  state: ViewState;
  ignored: IgnoredPart[];
}

/** Device ids as the API accepts them. */
const DEVICE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const KNOWN_KEYS = new Set(["device", "day", "days"]);
/** Maximum length of a value quoted back in a message, so a pasted essay does not fill the page. */
const MAX_QUOTED_CHARS = 40;

function quote(value: string): string {
  const shortened = value.length > MAX_QUOTED_CHARS ? `${value.slice(0, MAX_QUOTED_CHARS)}…` : value;
  return JSON.stringify(shortened);
}

/** Reads a view state from `location.hash` and lists the parts it ignored. */
export function parseViewHash(hash: string): ParsedViewHash {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const state: ViewState = { device: null, day: null, days: 1 };
  const ignored: IgnoredPart[] = [];

  const device = params.get("device");
  if (device !== null) {
    if (DEVICE_PATTERN.test(device)) state.device = device;
    else ignored.push({ key: "device", reason: `device ${quote(device)} is not a valid device id (lowercase letters, digits, - and _)` });
  }

  const day = params.get("day");
  if (day !== null) {
    if (isDay(day)) state.day = day;
    else if (/^\d{4}-\d{2}-\d{2}$/.test(day)) ignored.push({ key: "day", reason: `day ${day} is not a real date` });
    else ignored.push({ key: "day", reason: `day ${quote(day)} is not a date in the form YYYY-MM-DD` });
  }

  const days = params.get("days");
  if (days !== null) {
    const count = Number(days);
    if (days.trim() === "" || !Number.isInteger(count)) ignored.push({ key: "days", reason: `days ${quote(days)} is not a whole number` });
    else if (count < 1 || count > MAX_RANGE_DAYS) ignored.push({ key: "days", reason: `days ${count} is outside 1–${MAX_RANGE_DAYS}` });
    else state.days = count;
  }

  for (const key of new Set(params.keys())) {
    if (!KNOWN_KEYS.has(key)) ignored.push({ key, reason: `${quote(key)} is not a setting of this page (it knows device, day and days)` });
  }
  return { state, ignored };
}

/** Writes a view state as a fragment, leaving out what is at its default. */
export function formatViewHash(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.device !== null) params.set("device", state.device);
  if (state.day !== null) params.set("day", state.day);
  if (state.days !== 1) params.set("days", String(state.days));
  const text = params.toString();
  return text === "" ? "" : `#${text}`;
}
