/**
 * The table view of the readings, one page of rows at a time: a month of
 * 15-second readings is 178,560 rows, too many DOM nodes to build at once.
 */
import type { StoredReading } from "../../schema.ts";
import { element } from "./dom.ts";
import { formatExactTime } from "./time-format.ts";

/** Rows shown per page of the table. */
export const TABLE_PAGE_ROWS = 100;

export interface ReadingsTableElements {
  body: HTMLTableSectionElement;
  caption: HTMLElement;
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
  position: HTMLElement;
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
  }

  /** Replaces the readings and shows the first page. */
  setReadings(readings: readonly StoredReading[], zone: string, caption: string): void {
    this.#readings = readings;
    this.#zone = zone;
    this.#elements.caption.textContent = caption;
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
      const time = element("th", formatExactTime(Date.parse(reading.time), this.#zone));
      time.scope = "row";
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
  }
}
