/**
 * The dashboard's routes: `GET /` serves the page and `GET /assets/{name}`
 * its content-hashed files. The page and assets carry no data, so they need
 * no token; the page fetches all data from the API with the read token.
 *
 * Runs on Node.js in the Lambda bundle as well as on Bun: it uses only Web
 * Crypto and CompressionStream, and the assets come from a generated module.
 */
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
  gzipped: Promise<Uint8Array<ArrayBuffer>> | null | undefined;
}

/** A file as the generated module has it, prepared for sending on its first request. */
interface LazyFile {
  text: string;
  contentType: string;
  cacheControl: string;
  prepared?: Promise<PreparedFile>;
}

/**
 * Encodes a file and derives its ETag on first use, so a Lambda cold start that
 * serves only the API does not hash the dashboard (about 180 KiB).
 */
function prepared(file: LazyFile): Promise<PreparedFile> {
  file.prepared ??= prepare(file.text, file.contentType, file.cacheControl);
  return file.prepared;
}

async function prepare(text: string, contentType: string, cacheControl: string): Promise<PreparedFile> {
  const bytes = new TextEncoder().encode(text);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const etag = `"${Buffer.from(digest).toString("base64url").slice(0, 22)}"`;
  return { contentType, cacheControl, etag, body: bytes, gzipped: bytes.length >= MIN_GZIP_BYTES ? undefined : null };
}

function gzipped(file: PreparedFile): Promise<Uint8Array<ArrayBuffer>> | null {
  if (file.gzipped === undefined) {
    // A failed compression is not kept, so the next request tries again.
    file.gzipped = gzip(file.body).catch((error: unknown) => {
      file.gzipped = undefined;
      throw error;
    });
  }
  return file.gzipped;
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
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

async function send(context: Context, file: PreparedFile, securityPolicy: string): Promise<Response> {
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
    body = await compressed;
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
  const page: LazyFile = { text: PAGE_HTML, contentType: "text/html; charset=utf-8", cacheControl: PAGE_CACHE };
  const assets = new Map<string, LazyFile>();
  for (const [name, asset] of Object.entries(ASSETS)) assets.set(name, { text: asset.body, contentType: asset.contentType, cacheControl: IMMUTABLE_CACHE });

  const app = new Hono();
  app.get("/", async (context) => send(context, await prepared(page), securityPolicy));
  app.get("/assets/:name", async (context) => {
    const file = assets.get(context.req.param("name"));
    if (file === undefined) {
      return context.json({ error: "not_found", message: `no dashboard asset named "${context.req.param("name")}"; reload the page to get the current asset names` }, 404);
    }
    return send(context, await prepared(file), securityPolicy);
  });
  return app;
}
