/**
 * Entry point of the dashboard page: wires the controls, the settings dialog,
 * the API client and the views. All data comes from the API with the read
 * token; the page itself carries none.
 */
import { DashboardController } from "./controller.ts";
import { byId } from "./dom.ts";

const controller = new DashboardController({
  device: byId("device", HTMLSelectElement),
  day: byId("day", HTMLInputElement),
  dayPrevious: byId("day-previous", HTMLButtonElement),
  dayNext: byId("day-next", HTMLButtonElement),
  range: byId("range", HTMLInputElement),
  today: byId("today", HTMLButtonElement),
  controls: byId("controls", HTMLFormElement),
  main: byId("main", HTMLElement),
  status: byId("status", HTMLElement),
  error: byId("error", HTMLElement),
  summary: byId("summary", HTMLDListElement),
  lastSeen: byId("last-seen", HTMLElement),
  staleWarning: byId("stale-warning", HTMLElement),
  chart: byId("chart", HTMLElement),
  chartNote: byId("chart-note", HTMLElement),
  chartReadout: byId("chart-readout", HTMLElement),
  downloadCsv: byId("download-csv", HTMLButtonElement),
  addressNotice: byId("address-notice", HTMLElement),
  table: {
    table: byId("readings", HTMLTableElement),
    scroller: byId("table-scroll", HTMLElement),
    scrollHint: byId("table-scroll-hint", HTMLElement),
    body: byId("readings-body", HTMLTableSectionElement),
    caption: byId("readings-caption", HTMLElement),
    previous: byId("rows-previous", HTMLButtonElement),
    next: byId("rows-next", HTMLButtonElement),
    position: byId("rows-position", HTMLElement),
  },
  settings: {
    dialog: byId("settings", HTMLDialogElement),
    form: byId("settings-form", HTMLFormElement),
    message: byId("settings-message", HTMLElement),
    token: byId("token", HTMLInputElement),
    apiBase: byId("api-base", HTMLInputElement),
    cancel: byId("settings-cancel", HTMLButtonElement),
    forget: byId("token-forget", HTMLButtonElement),
    open: byId("settings-open", HTMLButtonElement),
  },
});
controller.start();
