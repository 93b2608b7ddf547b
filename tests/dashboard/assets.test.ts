import { describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { ASSETS, BUILT_WITH_BUN, PAGE_HTML, SOURCE_SHA256 } from "../../dashboard/assets.generated.ts";
import { buildPage, GENERATED_PATH, renderModule } from "../../dashboard/build-assets.ts";

/** The whole page, gzipped, must stay under this; the issue sets 150 KB. */
const PAGE_BUDGET_GZIP_BYTES = 150 * 1024;
const ROOT = resolve(import.meta.dir, "..", "..");

describe("dashboard assets", () => {
  test("committed module matches the sources", async () => {
    const page = await buildPage();

    // The digest of the inputs does not depend on the Bun version, so it is checked everywhere.
    expect(SOURCE_SHA256, "dashboard/assets.generated.ts is stale: run bun run dashboard/build-assets.ts and commit it").toBe(page.sourceSha256);
    // Minified bytes can change with the bundler, so they are compared only on the Bun that built them.
    if (Bun.version === BUILT_WITH_BUN) expect(await Bun.file(GENERATED_PATH).text()).toBe(renderModule(page, Bun.version));
  });

  test("whole page is under 150 KB gzipped", () => {
    const bodies = [PAGE_HTML, ...Object.values(ASSETS).map((asset) => asset.body)];
    const gzippedBytes = bodies.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);

    expect(gzippedBytes).toBeLessThan(PAGE_BUDGET_GZIP_BYTES);
  });

  test("page script is one file with no dynamic import", () => {
    // The browser tests also check that every request the page makes stays on its own origin.
    const scripts = Object.entries(ASSETS).filter(([name]) => name.endsWith(".js"));
    expect(scripts.length).toBe(1);
    expect(scripts[0]?.[1].body).not.toContain("import(");
  });

  test("routes run on Node.js from a node-target bundle", async () => {
    const node = Bun.which("node");
    if (node === null) {
      console.warn("skipping the Node.js check: node is not on PATH");
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), "thermo-dashboard-node-"));
    try {
      const entry = join(dir, "entry.ts");
      await writeFile(entry, `import { dashboardRoutes } from ${JSON.stringify(join(ROOT, "dashboard", "routes.ts"))};
const app = dashboardRoutes({ connectOrigins: [] });
const page = await app.request("/", { headers: { "accept-encoding": "gzip" } });
const asset = await app.request("/assets/" + ${JSON.stringify(Object.keys(ASSETS)[0])});
console.log(JSON.stringify({ page: page.status, encoding: page.headers.get("content-encoding"), asset: asset.status, bun: typeof globalThis.Bun }));
`);
      const result = await Bun.build({ entrypoints: [entry], outdir: dir, target: "node", format: "esm", naming: "out.mjs" });
      expect(result.success).toBe(true);

      const run = Bun.spawnSync([node, join(dir, "out.mjs")], { stdout: "pipe", stderr: "pipe" });

      expect(run.stderr.toString()).toBe("");
      expect(JSON.parse(run.stdout.toString())).toEqual({ page: 200, encoding: "gzip", asset: 200, bun: "undefined" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
