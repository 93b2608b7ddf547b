/**
 * Headless Chromium for the page tests: Debian's /usr/bin/chromium driven by
 * playwright-core, with background networking off and a fresh profile, so a
 * test run talks only to the servers it starts on 127.0.0.1.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
/** Screenshots land here (gitignored), for a person to look at after a run. */
export const ARTIFACTS_DIR = resolve(import.meta.dir, "..", "..", "test-artifacts", "dashboard");

const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/**
 * Returns whether the browser tests can run. Locally a missing Chromium skips
 * them with the install command; with CI=true it throws, because CI must run them.
 * @throws {Error} when CI=true and Chromium is missing
 */
export function isChromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const reason = `${CHROMIUM_PATH} is missing: install it with apt-get install chromium`;
  if (process.env.CI === "true") throw new Error(`browser tests cannot run on CI: ${reason}`);
  console.warn(`skipping dashboard browser tests: ${reason}`);
  return false;
}

/** A browser with its own empty profile; close() removes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile in a temporary directory. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), "thermo-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1200, height: 900 },
    acceptDownloads: true,
    timezoneId: "Europe/Berlin", // not the server's zone, so a page that used the browser's zone would fail the tests
    locale: "en-US",
  });
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport !== undefined) await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as test-artifacts/dashboard/NAME.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
