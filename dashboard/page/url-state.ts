/**
 * The view's state in the URL fragment (`#device=shop&day=2026-03-08&days=3`),
 * so a view can be bookmarked and the back button works. The token never goes
 * here. Invalid parts are dropped, not reported, because a stale bookmark
 * should still open the page.
 */
import { isDay, MAX_RANGE_DAYS } from "./days.ts";

export interface ViewState {
  device: string | null;
  /** Last day shown, `YYYY-MM-DD`, or null for today in the server's zone. */
  day: string | null;
  /** Number of days shown, ending on `day`. */
  days: number;
}

/** Device ids as the API accepts them. */
const DEVICE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Reads a view state from `location.hash`. */
export function parseViewHash(hash: string): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const device = params.get("device");
  const day = params.get("day");
  const days = Number(params.get("days") ?? "1");
  return {
    device: device !== null && DEVICE_PATTERN.test(device) ? device : null,
    day: day !== null && isDay(day) ? day : null,
    days: Number.isInteger(days) && days >= 1 && days <= MAX_RANGE_DAYS ? days : 1,
  };
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
