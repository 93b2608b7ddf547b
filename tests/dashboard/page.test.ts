/**
 * The dashboard in headless Chromium against the real app and store (dynalite),
 * seeded through `POST /readings` with known days in America/Chicago. The days
 * are the spring-forward day at 15-second readings (5,520 readings, two API
 * pages), the fall-back day, a partial day with a gap and an empty day. A
 * second device reported a minute ago. "skewed" reported a minute ago and also
 * sent one reading dated on 9999-12-31, as a device with a wrong clock would.
 * "ghost" has a desired state but has never sent a reading.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { formatExactTime } from "../../dashboard/page/time-format.ts";
import type { DaySummary, StoredReading } from "../../schema.ts";
import { formatLocalRfc3339, localDay } from "../../time/zone.ts";
import { ARTIFACTS_DIR, isChromiumAvailable, launchBrowser, saveScreenshot, type TestBrowser } from "./browser.ts";
import { generateDay } from "./fixtures.ts";
import { startDashboardStack, type DashboardStack } from "./stack.ts";

const ZONE = "America/Chicago";
const SPRING_DAY = "2026-03-08";
const FALL_DAY = "2026-11-01";
const EMPTY_DAY = "2026-03-09";
const PARTIAL_DAY = "2026-03-10";
const FUTURE_DAY = "9999-12-31";

const springReadings = generateDay({ deviceId: "shop", day: SPRING_DAY, zone: ZONE, intervalS: 15, withHumidity: true });
const fallReadings = generateDay({ deviceId: "shop", day: FALL_DAY, zone: ZONE, intervalS: 60 });
// 06:00 to 12:00 local at 1-minute readings, with 09:00–10:00 missing.
const partialReadings = generateDay({ deviceId: "shop", day: PARTIAL_DAY, zone: ZONE, intervalS: 60, startOffsetS: 6 * 3600, maxReadings: 360 })
  .filter((_, index) => index < 180 || index >= 240);
// Noon local, so the UTC instant stays in year 9999.
const futureReadings = generateDay({ deviceId: "skewed", day: FUTURE_DAY, zone: ZONE, intervalS: 60, startOffsetS: 12 * 3600, maxReadings: 1 });

let stack: DashboardStack;
let browser: TestBrowser;

interface OpenedPage {
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
  /** Uncaught errors and console errors, including CSP violations. */
  problems: string[];
}

/** Opens the dashboard at `hash` with the read token already stored (or none when `token` is null). */
async function openDashboard(hash: string, options: { token?: string | null; viewport?: { width: number; height: number }; origin?: string } = {}): Promise<OpenedPage> {
  const page = await browser.newPage(options.viewport);
  const requests: string[] = [];
  const problems: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  const token = options.token === undefined ? stack.readToken : options.token;
  await page.addInitScript((stored) => {
    try {
      localStorage.clear();
      if (stored !== null) localStorage.setItem("thermo.readToken", stored);
    } catch {
      // about:blank has no storage
    }
  }, token);
  await page.goto(`${options.origin ?? stack.url}/${hash}`);
  return { page, requests, problems };
}

async function waitForView(page: Page, view: "ready" | "error" | "token" | "empty"): Promise<void> {
  await page.waitForSelector(`#main[data-view="${view}"]`, { timeout: 20_000 });
}

async function fetchWholeDay(device: string, day: string): Promise<{ readings: StoredReading[]; summary: DaySummary; pages: number }> {
  const readings: StoredReading[] = [];
  let cursor: string | null = null;
  let summary: DaySummary | undefined;
  let pages = 0;
  do {
    const query: string = cursor === null ? "" : `?cursor=${encodeURIComponent(cursor)}`;
    const response = await fetch(`${stack.url}/devices/${device}/days/${day}${query}`, { headers: { authorization: `Bearer ${stack.readToken}` } });
    const body = (await response.json()) as { readings: StoredReading[]; summary: DaySummary; next_cursor: string | null };
    readings.push(...body.readings);
    summary = body.summary;
    cursor = body.next_cursor;
    pages++;
  } while (cursor !== null);
  return { readings, summary: summary as DaySummary, pages };
}

/** Reads where the table's column headers sit, the first row's visible time, and whether the scroll hint shows. */
async function readTableLayout(page: Page): Promise<{ headers: Array<{ text: string; left: number; right: number }>; firstRowRight: number; firstTime: string; isHintVisible: boolean }> {
  return page.evaluate(() => {
    const headers = [...document.querySelectorAll("#readings thead th")].map((header) => {
      const box = header.getBoundingClientRect();
      // The headers carry soft hyphens (U+00AD) where they may break on a narrow screen.
      return { text: (header.textContent ?? "").replaceAll("\u00ad", "").trim(), left: box.left, right: box.right };
    });
    const firstRow = document.querySelector("#readings tbody tr");
    const hint = document.querySelector("#table-scroll-hint") as HTMLElement;
    return {
      headers,
      firstRowRight: firstRow?.getBoundingClientRect().right ?? 0,
      firstTime: ((firstRow?.querySelector("th") as HTMLElement | null)?.innerText ?? "").trim(),
      isHintVisible: !hint.hidden && hint.getBoundingClientRect().height > 0,
    };
  });
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? "").trim();
}

/** Reads uPlot's legend as label → value. */
async function readLegend(page: Page): Promise<Record<string, string>> {
  return page.$$eval(".u-legend .u-series", (rows) =>
    Object.fromEntries(rows.map((row) => [(row.querySelector(".u-label")?.textContent ?? "").trim(), (row.querySelector(".u-value")?.textContent ?? "").trim()])),
  );
}

function expectOwnOriginOnly(requests: readonly string[], origin: string): void {
  const foreign = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith("blob:") && !url.startsWith("data:"));
  expect(foreign).toEqual([]);
}

const canRun = isChromiumAvailable();

describe.skipIf(!canRun)("dashboard in Chromium", () => {
  beforeAll(async () => {
    stack = await startDashboardStack({ timeZone: ZONE });
    const nowMs = Date.now();
    const fresh: StoredReading = {
      device_id: "attic", time: new Date(nowMs - 60_000).toISOString(), record_date: formatLocalRfc3339(nowMs - 60_000, ZONE),
      thermostat_on: true, temperature: 66.5, thermostat_value: 68, unit: "F",
    };
    await stack.ingest([...springReadings, ...fallReadings, ...partialReadings]);
    await stack.ingest([fresh]); // a batch carries one device
    // The server leaves a reading from the future out of last_seen, so "skewed" also needs a current one to be listed.
    await stack.ingest([{ ...fresh, device_id: "skewed" }, ...futureReadings]);
    const desired = await fetch(`${stack.url}/devices/ghost/desired`, {
      method: "PUT",
      headers: { authorization: `Bearer ${stack.stack.tokens.admin}`, "content-type": "application/json" },
      body: JSON.stringify({ setpoint: 70, unit: "F" }),
    });
    if (!desired.ok) throw new Error(`setting ghost's desired state failed: ${desired.status} ${await desired.text()}`);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test("DST day draws both API pages", async () => {
    const { page, requests, problems } = await openDashboard(`#device=shop&day=${SPRING_DAY}`);
    await waitForView(page, "ready");
    const api = await fetchWholeDay("shop", SPRING_DAY);

    expect(api.pages).toBe(2);
    expect(await page.getAttribute("#chart", "data-readings")).toBe(String(springReadings.length));
    expect(await page.$$eval("#chart canvas", (canvases) => canvases.length)).toBe(1);
    expect(await text(page, "#status")).toBe(`Showing 5,520 readings of shop for ${SPRING_DAY} (2 pages from the API).`);
    const ticks = ((await page.getAttribute("#chart", "data-x-ticks")) ?? "").split("|");
    expect(ticks[0]).toBe("Mar 8");
    expect(ticks).not.toContain("02:00"); // 02:00 does not exist on this day in Chicago
    expect(ticks.at(-1)).toBe("Mar 9");
    expect(await page.isVisible("#stale-warning")).toBe(true);
    await saveScreenshot(page, "spring-day-desktop");
    expectOwnOriginOnly(requests, stack.url);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("summary matches the API", async () => {
    const { page } = await openDashboard(`#device=shop&day=${SPRING_DAY}`);
    await waitForView(page, "ready");
    const { summary } = await fetchWholeDay("shop", SPRING_DAY);
    const temperatures = springReadings.map((reading) => reading.temperature);

    expect(summary.count).toBe(springReadings.length);
    expect(summary.min).toBe(Math.min(...temperatures));
    expect(await text(page, '[data-testid="summary-count"]')).toBe("5,520");
    expect(await text(page, '[data-testid="summary-min"]')).toBe(`${summary.min} °F`);
    expect(await text(page, '[data-testid="summary-max"]')).toBe(`${summary.max} °F`);
    expect(await text(page, '[data-testid="summary-mean"]')).toBe(`${Math.round((summary.mean as number) * 100) / 100} °F`);
    expect(await text(page, '[data-testid="summary-duty"]')).toBe(`${(Math.round((summary.heater_on_fraction as number) * 1000) / 10).toFixed(1)} %`);
    await page.close();
  });

  test("hover shows exact values at local time", async () => {
    const { page } = await openDashboard(`#device=shop&day=${SPRING_DAY}`);
    await waitForView(page, "ready");
    const box = await page.locator("#chart .u-over").boundingBox();
    if (box === null) throw new Error("the chart has no plot area");

    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    const legend = await readLegend(page);

    const reading = springReadings.find((candidate) => formatExactTime(Date.parse(candidate.time), ZONE) === legend.Time);
    expect(legend.Time).toMatch(/^2026-03-08 \d\d:\d\d:\d\d\.123 CDT$/); // 60 % across the day is after the 02:00 jump
    expect(reading).toBeDefined();
    expect(legend.Temperature).toBe(`${reading?.temperature} °F`);
    expect(legend.Setpoint).toBe(`${reading?.thermostat_value} °F`);
    expect(legend.Heater).toBe(reading?.thermostat_on === true ? "on" : "off");
    expect(legend.Humidity).toBe(`${reading?.humidity} %`);
    await page.close();
  });

  test("chart values step by keyboard", async () => {
    const { page } = await openDashboard(`#device=shop&day=${SPRING_DAY}`);
    await waitForView(page, "ready");
    const last = springReadings.at(-1) as StoredReading;
    const beforeLast = springReadings.at(-2) as StoredReading;

    await page.focus("#chart");
    await page.keyboard.press("End");
    const atEnd = await readLegend(page);
    await page.keyboard.press("ArrowLeft");
    const stepped = await readLegend(page);

    expect(atEnd.Time).toBe(formatExactTime(Date.parse(last.time), ZONE));
    expect(atEnd.Temperature).toBe(`${last.temperature} °F`);
    expect(stepped.Time).toBe(formatExactTime(Date.parse(beforeLast.time), ZONE));
    expect(await text(page, "#chart-readout")).toBe(
      `${formatExactTime(Date.parse(beforeLast.time), ZONE)}: ${beforeLast.temperature} °F, setpoint 68 °F, heater ${beforeLast.thermostat_on ? "on" : "off"}, humidity ${beforeLast.humidity} %`,
    );
    await page.close();
  });

  test("fall-back day labels both 01:00 hours", async () => {
    const { page } = await openDashboard(`#device=shop&day=${FALL_DAY}`);
    await waitForView(page, "ready");
    const box = await page.locator("#chart .u-over").boundingBox();
    if (box === null) throw new Error("the chart has no plot area");

    // Zoom to the first ~7.5 hours by dragging, so the axis switches to hourly ticks.
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => (document.querySelector("#chart")?.getAttribute("data-x-ticks") ?? "").includes("CST"));
    const ticks = ((await page.getAttribute("#chart", "data-x-ticks")) ?? "").split("|");

    expect(await page.getAttribute("#chart", "data-readings")).toBe(String(fallReadings.length));
    const first = ticks.indexOf("01:00 CDT");
    expect(first).toBeGreaterThanOrEqual(0);
    expect(ticks.slice(first, first + 3)).toEqual(["01:00 CDT", "01:00 CST", "02:00"]);
    await saveScreenshot(page, "fall-day-zoomed");
    await page.close();
  });

  test("partial day names its hours and gap", async () => {
    const { page } = await openDashboard(`#device=shop&day=${PARTIAL_DAY}`);
    await waitForView(page, "ready");

    const note = await text(page, "#chart-note");

    expect(note).toContain(`Partial data: readings cover only ${PARTIAL_DAY} 06:00:00.123 CDT to ${PARTIAL_DAY} 11:59:00.123 CDT.`);
    expect(note).toContain("One gap of 10 minutes or more with no readings");
    expect(await page.getAttribute("#chart", "data-gaps")).toBe("1");
    await page.close();
  });

  test("empty day is stated in words", async () => {
    const { page } = await openDashboard(`#device=shop&day=${EMPTY_DAY}`);
    await waitForView(page, "ready");

    expect(await text(page, "#chart .chart-empty")).toBe(`No readings for shop on ${EMPTY_DAY}. Pick another day or device.`);
    expect(await page.$$eval("#chart canvas", (canvases) => canvases.length)).toBe(0);
    expect(await text(page, '[data-testid="summary-count"]')).toBe("0");
    expect(await text(page, "#rows-position")).toBe("No rows");
    await saveScreenshot(page, "empty-day");
    await page.close();
  });

  test("range of three days combines them", async () => {
    const { page } = await openDashboard(`#device=shop&day=${PARTIAL_DAY}&days=3`);
    await waitForView(page, "ready");
    const total = springReadings.length + partialReadings.length;

    expect(await page.getAttribute("#chart", "data-readings")).toBe(String(total));
    expect(await text(page, '[data-testid="summary-count"]')).toBe(total.toLocaleString("en-US"));
    expect(await text(page, "#chart-note")).toContain(`No readings on ${EMPTY_DAY}.`);
    expect(await text(page, "#rows-position")).toBe(`Rows 1–100 of ${total.toLocaleString("en-US")}`);
    expect(await page.inputValue("#range")).toBe("3");
    await page.close();
  });

  test("CSV download matches the readings", async () => {
    const { page } = await openDashboard(`#device=shop&day=${SPRING_DAY}`);
    await waitForView(page, "ready");
    const { readings } = await fetchWholeDay("shop", SPRING_DAY);

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-csv")]);
    const csv = await readFile(await download.path(), "utf8");
    const [header, ...rows] = csv.trimEnd().split(/\r?\n/);

    expect(download.suggestedFilename()).toBe(`thermo-shop-${SPRING_DAY}.csv`);
    expect(header).toBe("time,record_date,device_id,thermostat_on,temperature,thermostat_value,humidity,unit");
    expect(rows.length).toBe(readings.length);
    const parsed = rows.map((row) => row.split(","));
    expect(parsed.map((fields) => fields[0])).toEqual(readings.map((reading) => reading.time));
    expect(parsed.map((fields) => Number(fields[4]))).toEqual(readings.map((reading) => reading.temperature));
    expect(parsed.map((fields) => fields[3])).toEqual(readings.map((reading) => String(reading.thermostat_on)));
    expect(parsed.map((fields) => Number(fields[6]))).toEqual(readings.map((reading) => reading.humidity as number));
    await page.close();
  });

  test("table and day buttons work by keyboard", async () => {
    const { page } = await openDashboard(`#device=shop&day=${PARTIAL_DAY}`);
    await waitForView(page, "ready");

    expect(await text(page, "#readings-body tr:first-child th")).toBe(formatExactTime(Date.parse((partialReadings[0] as StoredReading).time), ZONE));
    await page.focus("#rows-next");
    await page.keyboard.press("Enter");
    expect(await text(page, "#rows-position")).toBe("Rows 101–200 of 300");

    await page.focus("#day-previous");
    await page.keyboard.press("Enter");
    await page.waitForFunction((day) => location.hash.includes(`day=${day}`), EMPTY_DAY);
    await waitForView(page, "ready");
    expect(await page.inputValue("#day")).toBe(EMPTY_DAY);
    expect(await text(page, "#chart .chart-empty")).toContain(EMPTY_DAY);
    await page.close();
  });

  test("every control has a label", async () => {
    const { page } = await openDashboard(`#device=shop&day=${SPRING_DAY}`);
    await waitForView(page, "ready");

    const unlabelled = await page.$$eval("input, select, button", (elements) =>
      elements
        .filter((element) => {
          const labels = (element as HTMLInputElement).labels;
          const name = element.getAttribute("aria-label") ?? element.textContent?.trim() ?? "";
          return element.tagName === "BUTTON" ? name === "" : labels === null || labels.length === 0;
        })
        .map((element) => element.outerHTML),
    );

    expect(unlabelled).toEqual([]);
    await page.close();
  });

  test("token prompt asks again after a 401", async () => {
    const { page, requests } = await openDashboard(`#device=shop&day=${SPRING_DAY}`, { token: null });
    await waitForView(page, "token");
    expect(await page.isVisible("#settings")).toBe(true);
    expect(await text(page, "#settings-message")).toBe("Enter the read token to see your devices");

    await page.fill("#token", "wrong-token");
    await page.keyboard.press("Enter");
    await waitForView(page, "token");
    expect(await page.isVisible("#settings")).toBe(true);
    expect(await text(page, "#settings-message")).toStartWith("The API rejected the read token (401:");
    await saveScreenshot(page, "token-rejected");

    await page.fill("#token", stack.readToken);
    await page.click("#settings-save");
    await waitForView(page, "ready");
    expect(await page.isVisible("#settings")).toBe(false);
    expect(await page.evaluate(() => localStorage.getItem("thermo.readToken"))).toBe(stack.readToken);
    expect(requests.filter((url) => url.includes(stack.readToken) || url.includes("wrong-token"))).toEqual([]);
    expect(page.url()).not.toContain(stack.readToken);
    await page.close();
  });

  test("API error shows its message", async () => {
    const { page } = await openDashboard(`#device=shop&day=${SPRING_DAY}`);
    await waitForView(page, "ready");

    stack.failStore(true);
    try {
      await page.click("#reload");
      await waitForView(page, "error");
    } finally {
      stack.failStore(false);
    }

    const expected = "The API returned 503 (store_unavailable): the data store is unavailable; nothing from this request can be relied on as stored, so retry later";
    expect(await text(page, "#error")).toBe(expected);
    expect(await text(page, "#chart .chart-empty")).toBe(`No chart: ${expected}`);
    expect(await page.getAttribute("#main", "aria-busy")).toBe("false");
    await saveScreenshot(page, "api-error");
    await page.close();
  });

  test("fresh device has no stale warning", async () => {
    const { page } = await openDashboard("#device=attic");
    await waitForView(page, "ready");
    const today = localDay(Date.now(), ZONE);

    expect(await page.inputValue("#day")).toBe(today);
    expect(await page.isVisible("#stale-warning")).toBe(false);
    expect(await text(page, "#last-seen")).toMatch(/^Last seen: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} C[SD]T \(\d+ (s|min) ago\), 66\.5 °F, heater on$/);
    await page.close();
  });

  test("invalid fragment is named and rewritten", async () => {
    const { page, problems } = await openDashboard("#device=nosuch&day=2026-02-30&days=999");
    await waitForView(page, "ready");
    const today = localDay(Date.now(), ZONE);

    const items = await page.$$eval("#address-notice li", (listItems) => listItems.map((item) => (item.textContent ?? "").trim()));
    expect(items).toEqual([
      'Unknown device "nosuch": showing attic instead.',
      `Day 2026-02-30 is not a real date: showing today (${today}) instead.`,
      "Days 999 is outside 1–31: showing 1 day instead.",
    ]);
    expect(await page.isVisible("#address-notice .notice")).toBe(true);
    expect(await page.getAttribute("#address-notice", "aria-live")).toBe("polite");
    expect(await page.evaluate(() => location.hash)).toBe("#device=attic");
    expect(await page.inputValue("#device")).toBe("attic");
    expect(await page.inputValue("#day")).toBe(today);
    expect(await page.inputValue("#range")).toBe("1");
    await saveScreenshot(page, "invalid-fragment");

    await page.click("#address-notice button");
    expect(await page.isVisible("#address-notice .notice")).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("hand-edited fragment is checked too", async () => {
    const { page } = await openDashboard(`#device=shop&day=${PARTIAL_DAY}`);
    await waitForView(page, "ready");

    await page.evaluate(() => {
      location.hash = "#device=shop&day=2026-13-01";
    });
    await page.waitForSelector("#address-notice li");
    await waitForView(page, "ready");

    expect(await text(page, "#address-notice li")).toBe(`Day 2026-13-01 is not a real date: showing today (${localDay(Date.now(), ZONE)}) instead.`);
    expect(await page.evaluate(() => location.hash)).toBe("#device=shop");

    await page.click("#day-previous");
    await page.waitForFunction(() => location.hash.includes("day="));
    await waitForView(page, "ready");
    expect(await page.$$("#address-notice li")).toHaveLength(0);
    await page.close();
  });

  test("future day is not in progress", async () => {
    const { page, problems } = await openDashboard(`#device=skewed&day=${FUTURE_DAY}`);
    await waitForView(page, "ready");
    const note = await text(page, "#chart-note");

    expect(await text(page, "#status")).toBe(`Showing 1 reading of skewed for ${FUTURE_DAY} (1 page from the API).`);
    expect(await text(page, "#readings-caption")).toBe(`1 reading of skewed, ${FUTURE_DAY}, times in ${ZONE}`);
    expect(note).not.toContain("in progress");
    expect(note).toContain(`The last day shown, ${FUTURE_DAY}, has not started yet in ${ZONE}`);
    expect(note).toContain("1 reading is dated later than now (the last at 9999-12-31 12:00:00.123 CST).");
    expect(note).toContain("the clock of the device that sent it is wrong");
    expect(await page.$$("#address-notice li")).toHaveLength(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("device without readings is labelled", async () => {
    const { page, problems } = await openDashboard("#device=ghost");
    await waitForView(page, "ready");

    const options = await page.$$eval("#device option", (list) => list.map((option) => [(option as HTMLOptionElement).value, (option.textContent ?? "").trim()]));
    expect(options).toContainEqual(["ghost", "ghost (no readings yet)"]);
    expect(options).toContainEqual(["shop", "shop"]);
    expect(await page.inputValue("#device")).toBe("ghost");
    expect(await text(page, "#chart .chart-empty")).toBe("ghost has not sent any readings yet. Its readings appear here after its first upload.");
    expect(await text(page, "#last-seen")).toBe("Last seen: ghost has not sent any reading yet");
    expect(await text(page, '[data-testid="summary-count"]')).toBe("0");
    expect(await text(page, "#status")).toStartWith("Showing 0 readings of ghost");
    expect(await page.isVisible("#stale-warning")).toBe(false);
    await saveScreenshot(page, "device-without-readings");

    await page.selectOption("#device", "shop");
    await page.waitForFunction(() => location.hash.includes("device=shop"));
    await waitForView(page, "ready");
    expect(await text(page, "#chart .chart-empty")).toBe(`No readings for shop on ${localDay(Date.now(), ZONE)}. Pick another day or device.`);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("table columns fit at 390 px", async () => {
    const { page, problems } = await openDashboard(`#device=shop&day=${SPRING_DAY}`, { viewport: { width: 390, height: 844 } });
    await waitForView(page, "ready");
    await page.locator("#readings").scrollIntoViewIfNeeded();

    const layout = await readTableLayout(page);

    expect(layout.headers.map((header) => header.text)).toEqual(["Time", "Temperature", "Setpoint", "Heater", "Humidity"]);
    expect(layout.headers.filter((header) => header.left < 0 || header.right > 390)).toEqual([]);
    expect(layout.firstRowRight).toBeLessThanOrEqual(390);
    expect(layout.isHintVisible).toBe(false);
    expect(layout.firstTime).toMatch(/^\d\d:\d\d:\d\d C[SD]T$/);
    await page.locator("#table-scroll").screenshot({ path: `${ARTIFACTS_DIR}/table-phone-390.png` });
    expect(problems).toEqual([]);
    await page.close();
  });

  test("range table at 390 px shows dates", async () => {
    const { page } = await openDashboard(`#device=shop&day=${PARTIAL_DAY}&days=3`, { viewport: { width: 390, height: 844 } });
    await waitForView(page, "ready");

    const layout = await readTableLayout(page);

    expect(layout.headers.filter((header) => header.right > 390)).toEqual([]);
    expect(layout.isHintVisible).toBe(false);
    expect(layout.firstTime).toMatch(/^2026-03-08\s*00:00:00 CST$/);
    await page.close();
  });

  test("narrower table shows a scroll hint", async () => {
    const { page } = await openDashboard(`#device=shop&day=${SPRING_DAY}`, { viewport: { width: 280, height: 700 } });
    await waitForView(page, "ready");

    const layout = await readTableLayout(page);
    const doesFit = layout.headers.every((header) => header.right <= 280);

    // Either every column fits, or the hint shows that more are to the right.
    expect({ doesFit, isHintVisible: layout.isHintVisible }).not.toEqual({ doesFit: false, isHintVisible: false });
    await saveScreenshot(page, "table-phone-280");
    await page.close();
  });

  test("phone width fits without sideways scrolling", async () => {
    const { page, problems } = await openDashboard(`#device=shop&day=${SPRING_DAY}`, { viewport: { width: 390, height: 844 } });
    await waitForView(page, "ready");

    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      chart: document.querySelector("#chart canvas")?.getBoundingClientRect().right ?? 0,
    }));

    expect(widths.page).toBeLessThanOrEqual(390);
    expect(widths.chart).toBeLessThanOrEqual(390);
    await saveScreenshot(page, "spring-day-phone-390");
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe.skipIf(!canRun)("dashboard on another origin", () => {
  let apiStack: DashboardStack;
  let pageServer: ReturnType<typeof Bun.serve>;
  let pageOrigin: string;
  let ownBrowser: TestBrowser;

  beforeAll(async () => {
    const { dashboardRoutes } = await import("../../dashboard/routes.ts");
    let pageApp: ReturnType<typeof dashboardRoutes> | undefined;
    pageServer = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => (pageApp === undefined ? new Response("starting", { status: 503 }) : pageApp.fetch(request)) });
    pageOrigin = `http://127.0.0.1:${pageServer.port}`;
    apiStack = await startDashboardStack({ timeZone: ZONE, corsOrigins: [pageOrigin] });
    pageApp = dashboardRoutes({ connectOrigins: [apiStack.apiUrl] });
    await apiStack.ingest(partialReadings);
    ownBrowser = await launchBrowser();
  });

  afterAll(async () => {
    await pageServer?.stop(true);
    await apiStack?.stop();
    await ownBrowser?.close();
  });

  test("loads data through the app's CORS", async () => {
    const page = await ownBrowser.newPage();
    await page.addInitScript(([token, base]) => {
      localStorage.setItem("thermo.readToken", token as string);
      localStorage.setItem("thermo.apiBase", base as string);
    }, [apiStack.readToken, apiStack.apiUrl]);

    await page.goto(`${pageOrigin}/#device=shop&day=${PARTIAL_DAY}`);
    await waitForView(page, "ready");

    expect(await page.getAttribute("#chart", "data-readings")).toBe(String(partialReadings.length));
    await page.close();
  });

  test("a blocked origin is explained", async () => {
    const page = await ownBrowser.newPage();
    // The API on this port lists no CORS origin, and the page's CSP does not allow it either.
    await page.addInitScript(([token, base]) => {
      localStorage.setItem("thermo.readToken", token as string);
      localStorage.setItem("thermo.apiBase", base as string);
    }, [apiStack.readToken, "http://127.0.0.1:9"]);

    await page.goto(`${pageOrigin}/#device=shop&day=${PARTIAL_DAY}`);
    await waitForView(page, "error");

    expect(await text(page, "#error")).toStartWith("Could not reach the API at http://127.0.0.1:9 (network failure, or the browser blocked the request");
    await page.close();
  });
});
