import { afterEach, describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { ASSETS, PAGE_HTML } from "../../dashboard/assets.generated.ts";
import { buildContentSecurityPolicy, CONNECT_ORIGINS_ENV, parseOrigins } from "../../dashboard/csp.ts";
import { dashboardRoutes } from "../../dashboard/routes.ts";

const savedEnv = process.env[CONNECT_ORIGINS_ENV];
afterEach(() => {
  if (savedEnv === undefined) delete process.env[CONNECT_ORIGINS_ENV];
  else process.env[CONNECT_ORIGINS_ENV] = savedEnv;
});

function assetNamed(prefix: string): string {
  const name = Object.keys(ASSETS).find((key) => key.startsWith(prefix));
  if (name === undefined) throw new Error(`no asset starting with ${prefix}`);
  return name;
}

describe("GET /", () => {
  test("serves the page with a strict policy and no-cache", async () => {
    const response = await dashboardRoutes({ connectOrigins: [] }).request("/");

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("content-security-policy")).toBe(buildContentSecurityPolicy([]));
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toBe(PAGE_HTML);
  });

  test("the page has no inline script or style", () => {
    expect(PAGE_HTML).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(PAGE_HTML).not.toMatch(/\sstyle=/);
    expect(PAGE_HTML).not.toMatch(/<style/);
    expect(PAGE_HTML).not.toMatch(/\son[a-z]+=/);
  });

  test("gzips for clients that accept it", async () => {
    const response = await dashboardRoutes().request("/", { headers: { "accept-encoding": "br, gzip;q=0.8" } });

    expect(response.headers.get("content-encoding")).toBe("gzip");
    expect(response.headers.get("vary")).toBe("Accept-Encoding");
    expect(gunzipSync(new Uint8Array(await response.arrayBuffer())).toString("utf8")).toBe(PAGE_HTML);
  });

  test("does not gzip when gzip has q=0", async () => {
    const response = await dashboardRoutes().request("/", { headers: { "accept-encoding": "gzip;q=0" } });
    expect(response.headers.get("content-encoding")).toBeNull();
  });

  test("returns 304 for a matching If-None-Match", async () => {
    const app = dashboardRoutes();
    const first = await app.request("/");
    const etag = first.headers.get("etag") ?? "";

    const second = await app.request("/", { headers: { "if-none-match": etag } });

    expect(etag).toMatch(/^"[\w-]{22}"$/);
    expect(second.status).toBe(304);
    expect(await second.text()).toBe("");
  });

  test("adds configured origins to connect-src", async () => {
    process.env[CONNECT_ORIGINS_ENV] = "https://abc.lambda-url.us-east-1.on.aws, http://127.0.0.1:8787";

    const response = await dashboardRoutes().request("/");

    expect(response.headers.get("content-security-policy")).toContain("connect-src 'self' https://abc.lambda-url.us-east-1.on.aws http://127.0.0.1:8787;");
  });

  test("rejects a configured origin with a path", () => {
    process.env[CONNECT_ORIGINS_ENV] = "https://example.test/api";
    expect(() => dashboardRoutes()).toThrow(`invalid origin "https://example.test/api" in ${CONNECT_ORIGINS_ENV}`);
  });
});

describe("GET /assets", () => {
  test.each([
    ["app-", "text/javascript; charset=utf-8"],
    ["style-", "text/css; charset=utf-8"],
    ["icon-", "image/svg+xml"],
  ])("%s has its type and is immutable", async (prefix, contentType) => {
    const name = assetNamed(prefix);

    const response = await dashboardRoutes().request(`/assets/${name}`);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(contentType);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await response.text()).toBe(ASSETS[name]?.body ?? "");
  });

  test("the page links every asset by its hashed name", () => {
    for (const name of Object.keys(ASSETS)) expect(PAGE_HTML).toContain(`assets/${name}`);
  });

  test("an unknown asset is a JSON 404", async () => {
    const response = await dashboardRoutes().request("/assets/app-0000.js");

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not_found", message: 'no dashboard asset named "app-0000.js"; reload the page to get the current asset names' });
  });
});

describe("parseOrigins", () => {
  test("accepts a list and drops a trailing slash", () => {
    expect(parseOrigins("https://a.example.test/, http://127.0.0.1:9000")).toEqual(["https://a.example.test", "http://127.0.0.1:9000"]);
  });

  test.each(["a.example.test", "ftp://a.example.test", "https://a.example.test/x"])("rejects %p", (entry) => {
    expect(() => parseOrigins(entry)).toThrow(RangeError);
  });
});
