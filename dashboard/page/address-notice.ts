/**
 * The notice that names the parts of the URL fragment the page ignored and
 * what it shows instead. It sits in a polite live region, so a screen reader
 * reads it once without interrupting.
 */
import { element } from "./dom.ts";
import type { IgnoredPart } from "./url-state.ts";

/** Values the page shows in place of ignored parts. */
export interface Fallbacks {
  device: string;
  /** Today in the server's zone, `YYYY-MM-DD`. */
  today: string;
}

/** Returns the notice's sentence for one ignored part: `Day 2026-02-30 is not a real date: showing today (2026-03-12) instead.` */
export function describeIgnoredPart(part: IgnoredPart, fallbacks: Fallbacks): string {
  const reason = part.reason.charAt(0).toUpperCase() + part.reason.slice(1);
  switch (part.key) {
    case "device":
      return `${reason}: showing ${fallbacks.device} instead.`;
    case "day":
      return `${reason}: showing today (${fallbacks.today}) instead.`;
    case "days":
      return `${reason}: showing 1 day instead.`;
    default:
      return `${reason}, so it was ignored.`;
  }
}

/** Fills `region` with the notice, or empties it when nothing was ignored. */
export function renderAddressNotice(region: HTMLElement, ignored: readonly IgnoredPart[], fallbacks: Fallbacks): void {
  if (ignored.length === 0) {
    region.replaceChildren();
    return;
  }
  const notice = element("div", undefined, "notice");
  const list = element("ul");
  list.append(...ignored.map((part) => element("li", describeIgnoredPart(part, fallbacks))));
  const dismiss = element("button", "Dismiss");
  dismiss.type = "button";
  dismiss.addEventListener("click", () => region.replaceChildren());
  notice.append(element("p", "Parts of the page address were ignored, and the address now names the view below:"), list, dismiss);
  region.replaceChildren(notice);
}
