/**
 * The dashboard's routes: `GET /` serves the page and `GET /assets/{name}`
 * its content-hashed files. The page and assets carry no data, so they need
 * no token; the page fetches all data from the API with the read token.
 *
 * Runs on Node.js in the Lambda bundle as well as on Bun: only node:zlib and
 * node:crypto are used, and the assets come from a generated module.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { Hono, type Context } from "hono";
import { ASSETS, PAGE_HTML } from "./assets.generated.ts";
import { buildContentSecurityPolicy, CONNECT_ORIGINS_ENV, parseOrigins } from "./csp.ts";

/** Hashed names never change content, so browsers may keep them for a year without asking again. */
const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
/** The page names the current assets, so browsers revalidate it on every visit (cheap with the ETag). */
const PAGE_CACHE = "no-cache";
/** Bodies smaller than this are sent uncompressed; gzip saves too little on them. */
const MIN_GZIP_BYTES = 1024;

export interface DashboardOptions {
  /**
   * Extra origins the page may call (CSP connect-src), for an API base URL on another origin.
   * @default the comma-separated list in THERMO_DASHBOARD_CONNECT_ORIGINS, or none
   */
  connectOrigins?: readonly string[];
}

/** A file ready to send: its bytes, and their gzip form once a client has asked for it. */
interface PreparedFile {
  contentType: string;
  cacheControl: string;
  etag: string;
  body: Uint8Array<ArrayBuffer>;
  /** Compressed on first use, so a Lambda cold start does not spend time on files no client requests. */
  gzipped: Uint8Array<ArrayBuffer> | null | undefined;
}

function prepare(body: string, contentType: string, cacheControl: string): PreparedFile {
  const bytes = new TextEncoder().encode(body);
  const etag = `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 22)}"`;
  return { contentType, cacheControl, etag, body: bytes, gzipped: bytes.length >= MIN_GZIP_BYTES ? undefined : null };
}

function gzipped(file: PreparedFile): Uint8Array<ArrayBuffer> | null {
  if (file.gzipped === undefined) file.gzipped = new Uint8Array(gzipSync(file.body, { level: 9 }));
  return file.gzipped;
}

function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    const isRejected = params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param));
    return (coding === "gzip" || coding === "*") && !isRejected;
  });
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag || tag.trim() === "*");
}

function send(context: Context, file: PreparedFile, securityPolicy: string): Response {
  const headers = new Headers({
    "content-type": file.contentType,
    "cache-control": file.cacheControl,
    etag: file.etag,
    vary: "Accept-Encoding",
    "content-security-policy": securityPolicy,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
  if (matchesEtag(context.req.header("if-none-match"), file.etag)) return new Response(null, { status: 304, headers });

  let body = file.body;
  const compressed = acceptsGzip(context.req.header("accept-encoding")) ? gzipped(file) : null;
  if (compressed !== null) {
    body = compressed;
    headers.set("content-encoding", "gzip");
  }
  headers.set("content-length", String(body.byteLength));
  return new Response(context.req.method === "HEAD" ? null : body, { status: 200, headers });
}

/**
 * Builds the dashboard sub-app; mount it with `app.route("/", dashboardRoutes())`.
 * @throws {RangeError} when THERMO_DASHBOARD_CONNECT_ORIGINS contains an entry that is not an origin
 */
export function dashboardRoutes(options: DashboardOptions = {}): Hono {
  const connectOrigins = options.connectOrigins !== undefined ? parseOrigins(options.connectOrigins.join(",")) : parseOrigins(process.env[CONNECT_ORIGINS_ENV]);
  const securityPolicy = buildContentSecurityPolicy(connectOrigins);
  const page = prepare(PAGE_HTML, "text/html; charset=utf-8", PAGE_CACHE);
  const assets = new Map<string, PreparedFile>();
  for (const [name, asset] of Object.entries(ASSETS)) assets.set(name, prepare(asset.body, asset.contentType, IMMUTABLE_CACHE));

  const app = new Hono();
  app.get("/", (context) => send(context, page, securityPolicy));
  app.get("/assets/:name", (context) => {
    const file = assets.get(context.req.param("name"));
    if (file === undefined) {
      return context.json({ error: "not_found", message: `no dashboard asset named "${context.req.param("name")}"; reload the page to get the current asset names` }, 404);
    }
    return send(context, file, securityPolicy);
  });
  return app;
}
