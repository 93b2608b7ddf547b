/**
 * The dashboard's controller: turns control changes into a view state in the
 * URL fragment, loads the view's days from the API and hands the results to
 * the views. One load runs at a time, because a newer one aborts the older.
 * So a late response never overwrites the view the person requested last.
 */
import { isValidTimeZone, dayBounds } from "../../time/zone.ts";
import type { LatestResponse } from "../../schema.ts";
import { renderAddressNotice } from "./address-notice.ts";
import { ApiClient, type WholeDay } from "./api.ts";
import { buildChartColumns } from "./chart-data.ts";
import { drawDayChart, type DayChart } from "./chart.ts";
import { mapWithConcurrency } from "./concurrency.ts";
import { describeCoverage, describeEmptyView } from "./coverage.ts";
import { downloadDaysCsv } from "./csv-download.ts";
import { addDays, daysEndingOn, MAX_RANGE_DAYS, todayIn } from "./days.ts";
import { chooseDevice, deviceLabel, type Device } from "./devices.ts";
import { element } from "./dom.ts";
import { ApiError, NetworkError, ResponseShapeError, UnauthorizedError } from "./errors.ts";
import { countOf } from "./plural.ts";
import { ReadingsTable, type ReadingsTableElements } from "./readings-table.ts";
import { combineSummaries } from "./range-summary.ts";
import { SettingsDialog, type SettingsDialogElements } from "./settings-dialog.ts";
import { loadLastDevice, loadSettings, saveLastDevice, type Settings } from "./settings.ts";
import { renderLastSeen, renderSummary } from "./summary-view.ts";
import { formatViewHash, parseViewHash, type IgnoredPart, type ViewState } from "./url-state.ts";

/** Days fetched at once for a range; each day's pages are fetched one after another. */
const DAY_FETCH_CONCURRENCY = 3;

export interface DashboardElements {
  device: HTMLSelectElement;
  day: HTMLInputElement;
  dayPrevious: HTMLButtonElement;
  dayNext: HTMLButtonElement;
  range: HTMLInputElement;
  today: HTMLButtonElement;
  controls: HTMLFormElement;
  main: HTMLElement;
  status: HTMLElement;
  error: HTMLElement;
  summary: HTMLDListElement;
  lastSeen: HTMLElement;
  staleWarning: HTMLElement;
  chart: HTMLElement;
  chartNote: HTMLElement;
  chartReadout: HTMLElement;
  downloadCsv: HTMLButtonElement;
  /** Polite live region naming the parts of the URL fragment that were ignored. */
  addressNotice: HTMLElement;
  table: ReadingsTableElements;
  settings: SettingsDialogElements;
}

export class DashboardController {
  readonly #elements: DashboardElements;
  readonly #table: ReadingsTable;
  readonly #dialog: SettingsDialog;
  #settings: Settings = { token: "", apiBase: "" };
  #client: ApiClient | null = null;
  #zone: string | null = null;
  #devices: Device[] = [];
  #state: ViewState = { device: null, day: null, days: 1 };
  /** Parts of the fragment ignored since the last load, which the next load names in the address notice. */
  #ignored: IgnoredPart[] = [];
  #load: AbortController | null = null;
  #chart: DayChart | null = null;
  /** The device and days on screen, which the CSV download fetches. */
  #downloadTarget: { device: string; days: string[] } | null = null;

  constructor(elements: DashboardElements) {
    this.#elements = elements;
    this.#table = new ReadingsTable(elements.table);
    this.#dialog = new SettingsDialog(elements.settings, localStorage, (settings) => {
      this.#settings = settings;
      this.#zone = null; // another API may live in another zone
      void this.#connect();
    });
  }

  /** Wires the controls and starts loading, or prompts for the token first. */
  start(): void {
    this.#wireControls();
    this.#readHash();
    this.#settings = loadSettings(localStorage);
    if (this.#settings.token === "") {
      this.#setView("token");
      this.#setStatus("Enter the read token in Settings to see your devices.");
      this.#dialog.open("Enter the read token to see your devices");
      return;
    }
    void this.#connect();
  }

  #wireControls(): void {
    const { device, day, dayPrevious, dayNext, range, today, controls, downloadCsv } = this.#elements;
    device.addEventListener("change", () => {
      saveLastDevice(localStorage, device.value);
      this.#navigate({ ...this.#state, device: device.value });
    });
    day.addEventListener("change", () => {
      if (day.value !== "") this.#navigate({ ...this.#state, day: day.value });
    });
    dayPrevious.addEventListener("click", () => this.#shiftDay(-1));
    dayNext.addEventListener("click", () => this.#shiftDay(1));
    range.addEventListener("change", () => {
      const days = Math.round(Number(range.value));
      if (Number.isInteger(days) && days >= 1 && days <= MAX_RANGE_DAYS) this.#navigate({ ...this.#state, days });
      else this.#showError(`Days shown must be a whole number from 1 to ${MAX_RANGE_DAYS}, got "${range.value}"`);
    });
    today.addEventListener("click", () => this.#navigate({ ...this.#state, day: null }));
    controls.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.#connect();
    });
    downloadCsv.addEventListener("click", () => void this.#download());
    window.addEventListener("hashchange", () => {
      this.#readHash();
      if (this.#devices.length === 0) return;
      this.#resolveDevice();
      void this.#loadView();
    });
  }

  #shiftDay(count: number): void {
    if (this.#zone === null) return;
    const current = this.#state.day ?? todayIn(this.#zone, Date.now());
    this.#navigate({ ...this.#state, day: addDays(current, count) });
  }

  /** Reads the state from the URL fragment, and clears the notice about an earlier fragment. */
  #readHash(): void {
    const { state, ignored } = parseViewHash(location.hash);
    this.#state = state;
    this.#ignored = ignored;
    this.#elements.addressNotice.replaceChildren();
  }

  /** Sets the state's device to a listed one, and records a requested device that is not listed. */
  #resolveDevice(): void {
    const { deviceId, ignored } = chooseDevice(this.#devices, this.#state.device, loadLastDevice(localStorage));
    this.#state = { ...this.#state, device: deviceId };
    if (ignored !== null) this.#ignored = [ignored, ...this.#ignored];
  }

  /** Puts the state into the URL fragment, which triggers the load through `hashchange`. */
  #navigate(state: ViewState): void {
    const hash = formatViewHash(state);
    this.#state = state;
    this.#elements.addressNotice.replaceChildren();
    if (hash === location.hash || (hash === "" && location.hash === "")) void this.#loadView();
    else location.hash = hash;
  }

  /** Starts a load and aborts the previous one. */
  #beginLoad(): AbortSignal {
    this.#load?.abort();
    this.#load = new AbortController();
    this.#setView("loading");
    this.#elements.error.hidden = true;
    return this.#load.signal;
  }

  #endLoad(signal: AbortSignal, view: "ready" | "empty" = "ready"): void {
    if (!signal.aborted) this.#setView(view);
  }

  /** Sets aria-busy and `data-view` (loading, ready, empty, error or token), which tests wait on. */
  #setView(view: "loading" | "ready" | "empty" | "error" | "token"): void {
    this.#elements.main.setAttribute("aria-busy", String(view === "loading"));
    this.#elements.main.dataset.view = view;
  }

  /** Loads the device list and the time zone, then the view. */
  async #connect(): Promise<void> {
    if (this.#settings.token === "") {
      this.#dialog.open("Enter the read token to see your devices");
      return;
    }
    this.#client = new ApiClient({ baseUrl: this.#settings.apiBase, token: this.#settings.token });
    const signal = this.#beginLoad();
    this.#setStatus("Loading devices…");
    try {
      const { devices } = await this.#client.devices(signal);
      this.#devices = devices;
      this.#fillDevices(devices);
      if (devices.length === 0) {
        this.#showNoData("No device has sent a reading yet. Readings appear here after a device's first upload.");
        this.#setStatus("No devices yet.");
        this.#endLoad(signal, "empty");
        return;
      }
      this.#resolveDevice();
      const device = this.#state.device as string;
      if (this.#zone === null) this.#zone = await this.#discoverZone(this.#client, device, signal);
      await this.#loadView(); // starts a new load, which retires this one's signal
    } catch (error) {
      this.#fail(error, signal);
    }
  }

  #fillDevices(devices: readonly Device[]): void {
    const options = devices.map((device) => {
      const option = element("option", deviceLabel(device));
      option.value = device.device_id;
      return option;
    });
    this.#elements.device.replaceChildren(...options);
    this.#elements.device.disabled = devices.length === 0;
  }

  /** Finds the server's time zone: from `/health` when it reports one, else from a one-reading day request. */
  async #discoverZone(client: ApiClient, device: string, signal: AbortSignal): Promise<string> {
    const health = await client.health(signal).catch(() => null);
    if (health?.time_zone !== undefined && isValidTimeZone(health.time_zone)) return health.time_zone;
    const probe = await client.dayPage(device, new Date().toISOString().slice(0, 10), { limit: 1, signal });
    if (!isValidTimeZone(probe.time_zone)) {
      throw new ResponseShapeError(`The server's time zone "${probe.time_zone}" is unknown to this browser`, "/devices");
    }
    return probe.time_zone;
  }

  /** Loads and shows the days of the current state. */
  async #loadView(): Promise<void> {
    const client = this.#client;
    const zone = this.#zone;
    const device = this.#state.device;
    if (client === null || zone === null || device === null) return;

    const signal = this.#beginLoad();
    const today = todayIn(zone, Date.now());
    const lastDay = this.#state.day ?? today;
    const days = daysEndingOn(lastDay, this.#state.days);
    this.#syncControls(device, lastDay, today);
    this.#showViewInAddress();
    if (this.#ignored.length > 0) {
      renderAddressNotice(this.#elements.addressNotice, this.#ignored, { device, today });
      this.#ignored = [];
    }
    this.#setStatus(`Loading ${describeDays(days)} for ${device}…`);
    this.#elements.chartNote.textContent = "Loading…";

    const loadStartMs = performance.now();
    try {
      // A device listed without last_seen has no readings, so asking for its latest would only return 404.
      const hasReadings = this.#devices.find((candidate) => candidate.device_id === device)?.last_seen !== null;
      const latestRequest = hasReadings ? client.latest(device, signal) : Promise.resolve(null);
      latestRequest.catch(() => undefined); // awaited below; avoids an unhandled rejection while days load
      let readingsSoFar = 0;
      const results = await mapWithConcurrency(days, DAY_FETCH_CONCURRENCY, async (day) => {
        let dayReadings = 0;
        const result = await client.wholeDay(device, day, {
          signal,
          onPage: (count) => {
            readingsSoFar += count - dayReadings;
            dayReadings = count;
            this.#setStatus(`Loading ${describeDays(days)} for ${device}: ${countOf(readingsSoFar, "reading")} so far…`);
          },
        });
        return result;
      });
      const latest = await latestRequest;
      if (signal.aborted) return;
      const fetchedMs = performance.now();
      this.#show(device, days, results, latest);
      this.#endLoad(signal);
      // uPlot draws in a microtask queued during #show, so this one runs after the canvas is drawn.
      queueMicrotask(() => recordTimings(loadStartMs, fetchedMs));
    } catch (error) {
      this.#fail(error, signal);
    }
  }

  /**
   * Rewrites the fragment to the state about to be shown, so the address
   * bar never keeps a part the page ignored. replaceState adds no history
   * entry and fires no `hashchange`.
   */
  #showViewInAddress(): void {
    const hash = formatViewHash(this.#state);
    if (hash === location.hash) return;
    history.replaceState(history.state, "", `${location.pathname}${location.search}${hash}`);
  }

  #syncControls(device: string, lastDay: string, today: string): void {
    const { device: select, day, dayNext, range } = this.#elements;
    select.value = device;
    day.value = lastDay;
    day.max = today;
    dayNext.disabled = lastDay >= today;
    range.value = String(this.#state.days);
  }

  #show(device: string, days: string[], results: WholeDay[], latest: LatestResponse | null): void {
    const zone = results[0]?.timeZone ?? (this.#zone as string);
    this.#zone = zone;
    const readings = results.flatMap((result) => result.readings);
    const { startMs } = dayBounds(days[0] as string, zone);
    const { endMs } = dayBounds(days.at(-1) as string, zone);

    renderSummary(this.#elements.summary, combineSummaries(results.map((result) => result.summary)));
    renderLastSeen({ line: this.#elements.lastSeen, warning: this.#elements.staleWarning, deviceId: device, latest, zone });

    this.#chart?.destroy();
    this.#chart = null;
    const columns = buildChartColumns(readings);
    const chartElement = this.#elements.chart;
    chartElement.dataset.readings = String(columns.readingCount);
    chartElement.dataset.gaps = String(columns.gapCount);
    chartElement.dataset.heaterSpans = String(columns.heaterSpansSec.length);
    if (readings.length === 0) {
      const hasReadings = this.#devices.find((candidate) => candidate.device_id === device)?.last_seen !== null;
      const message = describeEmptyView({ deviceId: device, daysText: describeDays(days), lastDay: days.at(-1) as string, hasReadings, zone, nowMs: Date.now() });
      chartElement.replaceChildren(element("p", message, "chart-empty"));
      this.#elements.chartNote.textContent = "";
    } else {
      this.#chart = drawDayChart({ container: chartElement, readout: this.#elements.chartReadout, columns, zone, rangeStartMs: startMs, rangeEndMs: endMs });
      const notes = describeCoverage({
        readings, zone, rangeStartMs: startMs, rangeEndMs: endMs, nowMs: Date.now(),
        dayCounts: results.map((result) => ({ day: result.day, count: result.readings.length })),
        gapCount: columns.gapCount, gapThresholdMs: columns.gapThresholdMs,
      });
      this.#elements.chartNote.textContent = [`Times in ${zone}.`, ...notes].join(" ");
    }

    this.#table.setReadings(readings, zone, `${countOf(readings.length, "reading")} of ${device}, ${describeDays(days)}, times in ${zone}`, days.length === 1);
    this.#downloadTarget = { device, days };
    this.#elements.downloadCsv.disabled = false;
    const pages = results.reduce((sum, result) => sum + result.pageCount, 0);
    this.#setStatus(`Showing ${countOf(readings.length, "reading")} of ${device} for ${describeDays(days)} (${countOf(pages, "page")} from the API).`);
  }

  async #download(): Promise<void> {
    const target = this.#downloadTarget;
    if (this.#client === null || target === null) return;
    const button = this.#elements.downloadCsv;
    button.disabled = true;
    this.#setStatus(`Preparing the CSV of ${describeDays(target.days)}…`);
    try {
      const rows = await downloadDaysCsv(this.#client, target.device, target.days);
      this.#setStatus(`Downloaded the CSV of ${describeDays(target.days)} (${countOf(rows, "row")}).`);
    } catch (error) {
      // A failed download leaves the chart in place; only a rejected token replaces the view.
      if (error instanceof UnauthorizedError) this.#fail(error, new AbortController().signal);
      else this.#showError(`The CSV download failed: ${describeError(error)}`);
      this.#setStatus("The CSV download failed.");
    } finally {
      button.disabled = false;
    }
  }

  /** Shows a failed load in words; a rejected token brings back the token prompt. */
  #fail(error: unknown, signal: AbortSignal): void {
    if (signal.aborted) return; // a newer load replaced this one
    if (error instanceof UnauthorizedError) {
      this.#setView("token");
      this.#showError(`The API rejected the read token: ${error.message}`);
      this.#showNoData("No data: the read token was rejected.");
      this.#setStatus("Waiting for a valid read token.");
      this.#dialog.open(`The API rejected the read token (401: ${error.message}). Enter a valid read token`);
      return;
    }
    const message = describeError(error);
    this.#setView("error");
    this.#showError(message);
    this.#showNoData(`No chart: ${message}`);
    this.#setStatus("Loading failed.");
  }

  #showError(message: string): void {
    this.#elements.error.textContent = message;
    this.#elements.error.hidden = false;
  }

  /** Replaces the chart, summary and table with a sentence, so no stale or blank view remains. */
  #showNoData(message: string): void {
    this.#chart?.destroy();
    this.#chart = null;
    this.#elements.chart.replaceChildren(element("p", message, "chart-empty"));
    this.#elements.chart.dataset.readings = "0";
    this.#elements.chartNote.textContent = "";
    this.#elements.summary.replaceChildren();
    this.#elements.lastSeen.textContent = "";
    this.#elements.staleWarning.hidden = true;
    this.#table.setReadings([], "UTC", "No readings");
    this.#elements.downloadCsv.disabled = true;
    this.#downloadTarget = null;
  }

  #setStatus(text: string): void {
    this.#elements.status.textContent = text;
  }
}

/** Records how long the last load spent fetching and drawing, as User Timing measures for bench/dashboard-render.ts. */
function recordTimings(loadStartMs: number, fetchedMs: number): void {
  performance.clearMeasures("thermo:fetch");
  performance.clearMeasures("thermo:draw");
  performance.measure("thermo:fetch", { start: loadStartMs, end: fetchedMs });
  performance.measure("thermo:draw", { start: fetchedMs, end: performance.now() });
}

/** Turns a failure into the sentence the page shows. */
function describeError(error: unknown): string {
  if (error instanceof ApiError) return `The API returned ${error.status} (${error.code}): ${error.message}`;
  if (error instanceof NetworkError || error instanceof ResponseShapeError) return error.message;
  return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

/** Names the days shown: `2026-03-08`, or `2026-03-02 to 2026-03-08 (7 days)`. */
function describeDays(days: readonly string[]): string {
  if (days.length === 1) return days[0] as string;
  return `${days[0]} to ${days.at(-1)} (${days.length} days)`;
}
