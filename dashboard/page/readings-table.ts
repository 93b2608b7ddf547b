/**
 * The table view of the readings, one page of rows at a time: a month of
 * 15-second readings is 178,560 rows, too many DOM nodes to build at once.
 */
import type { StoredReading } from "../../schema.ts";
import { element } from "./dom.ts";
import { exactTimeParts } from "./time-format.ts";

/** Rows shown per page of the table. */
export const TABLE_PAGE_ROWS = 100;

export interface ReadingsTableElements {
  table: HTMLTableElement;
  body: HTMLTableSectionElement;
  caption: HTMLElement;
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
  position: HTMLElement;
  /** The element that scrolls the table when it is wider than the page. */
  scroller: HTMLElement;
  /** Shown while the table is wider than its scroller, so hidden columns are not missed. */
  scrollHint: HTMLElement;
}

/** Shows readings in a paged table with previous/next buttons. */
export class ReadingsTable {
  readonly #elements: ReadingsTableElements;
  #readings: readonly StoredReading[] = [];
  #zone = "UTC";
  #firstRow = 0;

  constructor(elements: ReadingsTableElements) {
    this.#elements = elements;
    elements.previous.addEventListener("click", () => this.#show(this.#firstRow - TABLE_PAGE_ROWS));
    elements.next.addEventListener("click", () => this.#show(this.#firstRow + TABLE_PAGE_ROWS));
    const observer = new ResizeObserver(() => this.#updateScrollHint());
    observer.observe(elements.scroller);
    observer.observe(elements.table);
  }

  /**
   * Replaces the readings and shows the first page. With `isOneDay` set, a
   * narrow screen leaves the date out of the time column, because the caption
   * names the day.
   */
  setReadings(readings: readonly StoredReading[], zone: string, caption: string, isOneDay = true): void {
    this.#readings = readings;
    this.#zone = zone;
    this.#elements.caption.textContent = caption;
    this.#elements.table.classList.toggle("one-day", isOneDay);
    this.#show(0);
  }

  #show(firstRow: number): void {
    const { body, previous, next, position } = this.#elements;
    const total = this.#readings.length;
    this.#firstRow = Math.max(0, Math.min(firstRow, Math.max(0, total - 1)));
    this.#firstRow -= this.#firstRow % TABLE_PAGE_ROWS;
    const end = Math.min(total, this.#firstRow + TABLE_PAGE_ROWS);

    const rows = this.#readings.slice(this.#firstRow, end).map((reading) => {
      const row = element("tr");
      const time = timeCell(Date.parse(reading.time), this.#zone);
      row.append(
        time,
        element("td", `${reading.temperature} °${reading.unit}`, "number"),
        element("td", `${reading.thermostat_value} °${reading.unit}`, "number"),
        element("td", reading.thermostat_on ? "on" : "off"),
        element("td", reading.humidity === undefined ? "—" : `${reading.humidity} %`, "number"),
      );
      return row;
    });
    body.replaceChildren(...rows);

    position.textContent = total === 0 ? "No rows" : `Rows ${(this.#firstRow + 1).toLocaleString("en-US")}–${end.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`;
    previous.disabled = this.#firstRow === 0;
    next.disabled = end >= total;
    this.#updateScrollHint();
  }

  #updateScrollHint(): void {
    const { scroller, scrollHint } = this.#elements;
    // One pixel of slack, because fractional widths round differently in scrollWidth and clientWidth.
    scrollHint.hidden = scroller.scrollWidth <= scroller.clientWidth + 1;
  }
}

/**
 * Builds the time cell, `2026-03-08 01:59:59.123 CST`, with each piece in its
 * own span so that style.css can hide the date and milliseconds on a narrow
 * screen. The cell's text stays the full time.
 */
function timeCell(instantMs: number, zone: string): HTMLTableCellElement {
  const parts = exactTimeParts(instantMs, zone);
  const cell = element("th");
  cell.scope = "row";
  cell.append(element("span", `${parts.date} `, "date"), element("span", parts.clock), element("span", parts.milliseconds, "ms"), ` ${parts.zone}`);
  return cell;
}
