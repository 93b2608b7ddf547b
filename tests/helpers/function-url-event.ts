/**
 * Lambda function URL events (payload format 2.0) for calling the handler
 * directly, shaped like the events AWS delivers: lower-case header names,
 * `rawPath` and `rawQueryString`, and the method under `requestContext.http`.
 */

export interface FunctionUrlEvent {
  version: "2.0";
  routeKey: "$default";
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: "$default";
    stage: "$default";
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

/** The result a function URL turns into an HTTP response. */
export interface FunctionUrlResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

export interface FunctionUrlEventOptions {
  method?: string;
  /** Path with an optional query string, e.g. `/devices/shop/days/2026-03-10?format=csv`. */
  path: string;
  headers?: Record<string, string>;
  /** Text is sent as is; bytes are always sent base64-encoded. */
  body?: string | Uint8Array;
  /** Sends a text body base64-encoded, as function URLs do for non-text content types. */
  base64?: boolean;
}

/** `.invalid` never resolves, so nothing can be sent to this host by mistake. */
const DOMAIN = "thermo-test.lambda-url.invalid";

/** Builds a function URL event. */
export function functionUrlEvent(options: FunctionUrlEventOptions): FunctionUrlEvent {
  const method = options.method ?? "GET";
  const [rawPath = "/", rawQueryString = ""] = options.path.split("?", 2);
  const headers: Record<string, string> = { host: DOMAIN, "user-agent": "thermo-tests" };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;

  const event: FunctionUrlEvent = {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: "anonymous",
      apiId: "thermo-test",
      domainName: DOMAIN,
      domainPrefix: "thermo-test",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "thermo-tests" },
      requestId: crypto.randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: "10/Mar/2026:12:00:00 +0000",
      timeEpoch: Date.UTC(2026, 2, 10, 12),
    },
    isBase64Encoded: false,
  };
  if (rawQueryString !== "") event.queryStringParameters = Object.fromEntries(new URLSearchParams(rawQueryString));

  if (options.body !== undefined) {
    const bytes = typeof options.body === "string" ? new TextEncoder().encode(options.body) : options.body;
    const asBase64 = typeof options.body !== "string" || options.base64 === true;
    event.body = asBase64 ? Buffer.from(bytes).toString("base64") : (options.body as string);
    event.isBase64Encoded = asBase64;
    event.headers["content-length"] = String(bytes.length);
  }
  return event;
}

/** Returns the result's body as bytes, decoding base64 when `isBase64Encoded` is set. */
export function resultBytes(result: FunctionUrlResult): Uint8Array {
  return result.isBase64Encoded ? new Uint8Array(Buffer.from(result.body, "base64")) : new TextEncoder().encode(result.body);
}
