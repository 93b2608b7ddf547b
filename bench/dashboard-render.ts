#!/usr/bin/env bun
/**
 * Times the dashboard's first render of a 5,760-reading day (15-second
 * readings for 24 hours) in headless Chromium, against a floor measured in the
 * same run: the same page rendering a day with no readings. Both go through the
 * real app and dynalite on 127.0.0.1, seeded through POST /readings.
 *
 * Reported per case, as the median of the runs:
 * - total: from page.goto to the page reporting the view ready (HTML, assets, API pages, draw);
 * - fetch and draw: the page's own User Timing measures of its last load.
 * The ratio total(day) / total(empty) is the figure to compare across machines.
 *
 * Usage: bun run bench/dashboard-render.ts [--runs N]   (default 9 runs per case)
 */
import { cpus, totalmem } from "node:os";
import { generateDay } from "../tests/dashboard/fixtures.ts";
import { isChromiumAvailable, launchBrowser } from "../tests/dashboard/browser.ts";
import { startDashboardStack } from "../tests/dashboard/stack.ts";

const ZONE = "America/Chicago";
const FULL_DAY = "2026-03-12";
const EMPTY_DAY = "2026-03-13";

interface Sample {
  totalMs: number;
  fetchMs: number;
  drawMs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function parseRuns(argv: string[]): number {
  const index = argv.indexOf("--runs");
  if (index === -1) return 9;
  const runs = Number(argv[index + 1]);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new RangeError(`--runs must be a whole number from 1 to 100, got "${argv[index + 1]}"`);
  return runs;
}

export async function main(argv: string[]): Promise<number> {
  const runs = parseRuns(argv);
  if (!isChromiumAvailable()) return 1;

  const stack = await startDashboardStack({ timeZone: ZONE });
  const browser = await launchBrowser();
  try {
    const readings = generateDay({ deviceId: "bench", day: FULL_DAY, zone: ZONE, intervalS: 15, withHumidity: true });
    if (readings.length !== 5760) throw new Error(`expected 5,760 readings on ${FULL_DAY}, generated ${readings.length}`);
    await stack.ingest(readings);
    console.log(`seeded ${readings.length} readings of device "bench" on ${FULL_DAY} through POST /readings`);

    const measure = async (day: string): Promise<Sample> => {
      const page = await browser.newPage();
      await page.addInitScript((token) => localStorage.setItem("thermo.readToken", token), stack.readToken);
      const startedMs = performance.now();
      await page.goto(`${stack.url}/#device=bench&day=${day}`);
      await page.waitForSelector('#main[data-view="ready"]', { timeout: 60_000 });
      await page.waitForFunction(() => performance.getEntriesByName("thermo:draw").length > 0);
      const totalMs = performance.now() - startedMs;
      const [fetchMs, drawMs] = await page.evaluate(() => ["thermo:fetch", "thermo:draw"].map((name) => performance.getEntriesByName(name)[0]?.duration ?? Number.NaN));
      await page.close();
      return { totalMs, fetchMs: fetchMs as number, drawMs: drawMs as number };
    };

    // One warm-up of each, so the browser's asset cache and the JIT start equal for both cases.
    await measure(EMPTY_DAY);
    await measure(FULL_DAY);
    const empty: Sample[] = [];
    const full: Sample[] = [];
    for (let run = 0; run < runs; run++) {
      empty.push(await measure(EMPTY_DAY));
      full.push(await measure(FULL_DAY));
    }

    const summarize = (samples: Sample[]) => ({
      totalMs: median(samples.map((sample) => sample.totalMs)),
      fetchMs: median(samples.map((sample) => sample.fetchMs)),
      drawMs: median(samples.map((sample) => sample.drawMs)),
    });
    const floor = summarize(empty);
    const day = summarize(full);
    const chromium = browser.context.browser()?.version() ?? "unknown";
    console.log(`machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; Chromium ${chromium} headless; Bun ${Bun.version}; medians of ${runs} runs`);
    console.log("| case | total ms | fetch ms | draw ms |");
    console.log("|---|---|---|---|");
    console.log(`| empty day (floor) | ${floor.totalMs.toFixed(0)} | ${floor.fetchMs.toFixed(1)} | ${floor.drawMs.toFixed(1)} |`);
    console.log(`| 5,760 readings | ${day.totalMs.toFixed(0)} | ${day.fetchMs.toFixed(1)} | ${day.drawMs.toFixed(1)} |`);
    console.log(`ratio total(5,760 readings) / total(empty day): ${(day.totalMs / floor.totalMs).toFixed(2)}`);
    return 0;
  } finally {
    await browser.close();
    await stack.stop();
  }
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
