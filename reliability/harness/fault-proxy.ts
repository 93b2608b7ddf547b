/**
 * A fault-injecting HTTP/1.1 proxy on 127.0.0.1 in front of the local API.
 *
 * It is written on node:net rather than Bun.serve because some faults need
 * the raw socket: a connection reset before or in the middle of a response,
 * or a request that never gets a response. A plan
 * function chooses the fault of each request, usually from a seeded PRNG, so
 * a run repeats exactly. The proxy parses only what thermo's uploader and the
 * suite send: one request at a time per connection, with a Content-Length or
 * chunked body.
 */
import { createServer, type Server, type Socket } from "node:net";

/** The action the proxy takes on one request. */
export type Fault =
  /** Forward and relay the response unchanged. */
  | { kind: "pass" }
  /** Respond with `status` without forwarding, with `Retry-After` when given. */
  | { kind: "status"; status: number; retryAfterS?: number }
  /** Never respond; with `forward` the API stores the request first. The socket closes when the client gives up or after `maxHoldMs`. */
  | { kind: "hang"; forward: boolean }
  /** Reset the connection: before forwarding, or with `forward` after the API responded and half of the response was sent. */
  | { kind: "reset"; forward: boolean }
  /** Forward, then wait `delayMs` before sending the response. */
  | { kind: "slow"; delayMs: number }
  /** Forward only a strict prefix of a batch (`{"readings":[…]}`), then respond with `status`. */
  | { kind: "partial"; status: number }
  /** Respond with a 2xx that is not an ingest response, without forwarding, as a captive portal does. */
  | { kind: "bare"; status: number; contentType: string; body: string };

export interface PlanContext {
  /** 0 for the first request the proxy receives. */
  index: number;
  method: string;
  path: string;
  /** Readings in a `POST …/readings` body, else 0. */
  batchSize: number;
}

export type FaultPlan = (context: PlanContext) => Fault;

/** One request as the proxy saw it, for counting and rate checks. */
export interface ProxyRecord {
  atMs: number;
  method: string;
  path: string;
  fault: Fault["kind"];
  /** Status sent to the client, or undefined when none was (hang, reset, or the client had gone). */
  status: number | undefined;
  batchSize: number;
  /** Readings forwarded to the API, whatever it then returned. */
  forwarded: number;
  /** Status the API returned for the forwarded request. */
  upstreamStatus: number | undefined;
}

export interface FaultProxyOptions {
  /** Base URL of the API on loopback, e.g. `http://127.0.0.1:41234`. */
  targetUrl: string;
  /** @default every request passes */
  plan?: FaultPlan;
  /** Maximum time a `hang` keeps a connection open, in ms. @default 120_000 */
  maxHoldMs?: number;
  /** Picks the prefix length for `partial`; receives the batch size and returns 1…size−1. @default half */
  prefixLength?: (batchSize: number) => number;
}

export interface FaultProxy {
  /** Base URL of the proxy, e.g. `http://127.0.0.1:41235`. */
  readonly url: string;
  readonly records: readonly ProxyRecord[];
  setPlan(plan: FaultPlan): void;
  /** Stops accepting connections and drops open ones (an outage), or listens again on the same port. */
  setReachable(isReachable: boolean): Promise<void>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["host", "connection", "keep-alive", "content-length", "transfer-encoding", "accept-encoding", "upgrade", "proxy-connection"]);
const REASONS: Record<number, string> = { 200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 413: "Payload Too Large", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" };
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 8 * 1024 * 1024;

interface ParsedRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body: Buffer;
}

/** Parses one request from the front of `buffer`; returns undefined until it is complete. */
function parseRequest(buffer: Buffer): { request: ParsedRequest; rest: Buffer } | undefined {
  const headEnd = buffer.indexOf("\r\n\r\n");
  if (headEnd < 0) {
    if (buffer.length > MAX_HEAD_BYTES) throw new RangeError(`request head is over ${MAX_HEAD_BYTES} bytes`);
    return undefined;
  }
  const lines = buffer.subarray(0, headEnd).toString("latin1").split("\r\n");
  const [method = "", path = "/"] = (lines[0] ?? "").split(" ");
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const header = (name: string) => headers.find(([key]) => key === name)?.[1];
  let offset = headEnd + 4;

  if (/chunked/i.test(header("transfer-encoding") ?? "")) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = buffer.indexOf("\r\n", offset);
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(buffer.subarray(offset, lineEnd).toString("latin1"), 16);
      if (!Number.isFinite(size)) throw new RangeError("invalid chunk size");
      if (buffer.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0) {
        offset = lineEnd + 4;
        break;
      }
      parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      offset = lineEnd + 2 + size + 2;
    }
    return { request: { method, path, headers, body: Buffer.concat(parts) }, rest: buffer.subarray(offset) };
  }

  const length = Number(header("content-length") ?? "0");
  if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) throw new RangeError(`invalid content-length ${header("content-length")}`);
  if (buffer.length < offset + length) return undefined;
  return { request: { method, path, headers, body: buffer.subarray(offset, offset + length) }, rest: buffer.subarray(offset + length) };
}

function batchOf(request: ParsedRequest): unknown[] | undefined {
  if (request.method !== "POST" || !request.path.split("?")[0]!.endsWith("/readings")) return undefined;
  try {
    const parsed = JSON.parse(request.body.toString("utf8")) as { readings?: unknown };
    return Array.isArray(parsed.readings) ? parsed.readings : undefined;
  } catch {
    return undefined;
  }
}

function serializeResponse(status: number, headers: [string, string][], body: Uint8Array): Buffer {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}`];
  for (const [key, value] of headers) lines.push(`${key}: ${value}`);
  lines.push(`content-length: ${body.length}`, "connection: keep-alive", "", "");
  return Buffer.concat([Buffer.from(lines.join("\r\n"), "latin1"), body]);
}

/** Starts the proxy on a free port of 127.0.0.1. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.targetUrl);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) throw new RangeError(`the proxy forwards only to loopback, got ${options.targetUrl}`);
  const maxHoldMs = options.maxHoldMs ?? 120_000;
  const prefixLength = options.prefixLength ?? ((size: number) => Math.max(1, Math.floor(size / 2)));
  let plan: FaultPlan = options.plan ?? (() => ({ kind: "pass" }));
  const records: ProxyRecord[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let nextIndex = 0;
  let port = 0;
  let server: Server | undefined;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const forward = async (request: ParsedRequest, body: Buffer) => {
    const headers = new Headers();
    for (const [key, value] of request.headers) if (!HOP_BY_HOP.has(key)) headers.append(key, value);
    const response = await fetch(new URL(request.path, target), {
      method: request.method,
      headers,
      body: request.method === "GET" || request.method === "HEAD" ? undefined : new Blob([new Uint8Array(body)]),
      redirect: "manual",
    });
    const responseHeaders: [string, string][] = [];
    response.headers.forEach((value, key) => {
      if (!HOP_BY_HOP.has(key) && key !== "content-encoding") responseHeaders.push([key, value]);
    });
    return { status: response.status, headers: responseHeaders, body: new Uint8Array(await response.arrayBuffer()) };
  };

  const handle = async (socket: Socket, request: ParsedRequest): Promise<void> => {
    const batch = batchOf(request);
    const fault = plan({ index: nextIndex++, method: request.method, path: request.path, batchSize: batch?.length ?? 0 });
    const record: ProxyRecord = { atMs: Date.now(), method: request.method, path: request.path, fault: fault.kind, status: undefined, batchSize: batch?.length ?? 0, forwarded: 0, upstreamStatus: undefined };
    records.push(record);
    const send = (status: number, headers: [string, string][], body: Uint8Array) => {
      if (socket.destroyed) return;
      record.status = status;
      socket.write(serializeResponse(status, headers, body));
    };
    const forwardWhole = async () => {
      const answer = await forward(request, request.body);
      record.forwarded = batch?.length ?? 0;
      record.upstreamStatus = answer.status;
      return answer;
    };

    switch (fault.kind) {
      case "pass": {
        const answer = await forwardWhole();
        send(answer.status, answer.headers, answer.body);
        return;
      }
      case "status": {
        const headers: [string, string][] = [["content-type", "application/json"]];
        if (fault.retryAfterS !== undefined) headers.push(["retry-after", String(fault.retryAfterS)]);
        send(fault.status, headers, Buffer.from(JSON.stringify({ error: "injected", message: `fault injected by the reliability proxy: ${fault.status}` })));
        return;
      }
      case "hang": {
        if (fault.forward) await forwardWhole();
        later(maxHoldMs, () => socket.destroy());
        return new Promise<void>((resolve) => socket.once("close", () => resolve()));
      }
      case "reset": {
        if (!fault.forward) {
          socket.resetAndDestroy();
          return;
        }
        const answer = await forwardWhole();
        const bytes = serializeResponse(answer.status, answer.headers, answer.body);
        record.status = answer.status;
        socket.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), () => socket.resetAndDestroy());
        return;
      }
      case "slow": {
        const answer = await forwardWhole();
        await new Promise<void>((resolve) => later(fault.delayMs, resolve));
        send(answer.status, answer.headers, answer.body);
        return;
      }
      case "partial": {
        if (batch === undefined || batch.length < 2) {
          send(fault.status, [["content-type", "application/json"]], Buffer.from('{"error":"injected","message":"fault injected by the reliability proxy"}'));
          return;
        }
        const prefix = batch.slice(0, Math.min(batch.length - 1, Math.max(1, prefixLength(batch.length))));
        const answer = await forward(request, Buffer.from(JSON.stringify({ readings: prefix })));
        record.forwarded = prefix.length;
        record.upstreamStatus = answer.status;
        send(fault.status, [["content-type", "application/json"]], Buffer.from('{"error":"injected","message":"part of the batch was forwarded, then this fault was injected"}'));
        return;
      }
      case "bare": {
        send(fault.status, [["content-type", fault.contentType]], Buffer.from(fault.body));
        return;
      }
    }
  };

  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    let buffer = Buffer.alloc(0);
    let busy = false;
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());

    const drain = async () => {
      if (busy) return;
      busy = true;
      try {
        for (;;) {
          const parsed = parseRequest(buffer);
          if (parsed === undefined || socket.destroyed) break;
          buffer = Buffer.from(parsed.rest);
          await handle(socket, parsed.request);
        }
      } catch {
        socket.destroy();
      } finally {
        busy = false;
      }
    };
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      void drain();
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const created = createServer(onConnection);
      created.once("error", reject);
      created.listen(port, "127.0.0.1", () => {
        port = (created.address() as { port: number }).port;
        server = created;
        resolve();
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      if (current === undefined) resolve();
      else current.close(() => resolve());
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    setPlan: (next) => {
      plan = next;
    },
    setReachable: async (isReachable) => {
      if (isReachable && server === undefined) await listen();
      if (!isReachable && server !== undefined) await stopListening();
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await stopListening();
    },
  };
}

/** Options of `randomFaultPlan`: the share of each fault among requests, the rest pass. */
export interface RandomPlanOptions {
  random: () => number;
  /** e.g. `{ status500: 0.1, reset: 0.05 }`; shares must add up to at most 1. */
  shares: Partial<Record<RandomFaultName, number>>;
  /** Delay of `slow` faults, in ms. @default 1500 */
  slowMs?: number;
  /** Retry-After of injected 503 and 429 responses, in s. @default 1 */
  retryAfterS?: number;
}

export const RANDOM_FAULTS = ["status500", "status503", "status429", "hangBefore", "hangAfter", "resetBefore", "resetAfter", "slow", "partial", "bare200"] as const;
export type RandomFaultName = (typeof RANDOM_FAULTS)[number];

/**
 * Returns a plan that draws each request's fault from `shares` with the
 * given random source; requests other than batch uploads always pass.
 * @throws {RangeError} when the shares add up to more than 1
 */
export function randomFaultPlan(options: RandomPlanOptions): FaultPlan {
  const total = Object.values(options.shares).reduce((sum, share) => sum + (share ?? 0), 0);
  if (total > 1 + 1e-9) throw new RangeError(`fault shares must add up to at most 1, got ${total}`);
  const retryAfterS = options.retryAfterS ?? 1;
  const faults: Record<RandomFaultName, Fault> = {
    status500: { kind: "status", status: 500 },
    status503: { kind: "status", status: 503, retryAfterS },
    status429: { kind: "status", status: 429, retryAfterS },
    hangBefore: { kind: "hang", forward: false },
    hangAfter: { kind: "hang", forward: true },
    resetBefore: { kind: "reset", forward: false },
    resetAfter: { kind: "reset", forward: true },
    slow: { kind: "slow", delayMs: options.slowMs ?? 1500 },
    partial: { kind: "partial", status: 503 },
    bare200: { kind: "bare", status: 200, contentType: "text/html; charset=utf-8", body: "<html><body>Sign in to continue</body></html>" },
  };
  return (context) => {
    if (context.batchSize === 0) return { kind: "pass" };
    let draw = options.random();
    for (const name of RANDOM_FAULTS) {
      draw -= options.shares[name] ?? 0;
      if (draw < 0) return faults[name];
    }
    return { kind: "pass" };
  };
}
