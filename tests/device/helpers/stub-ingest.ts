/**
 * A stand-in for the cloud's `POST /readings`, on Bun.serve at 127.0.0.1,
 * speaking the wire contract: it validates with the shared batch schema,
 * stores idempotently on (device, instant) as the real table does, and can be
 * scripted to respond with chosen statuses.
 */
import { batchSchema, describeIssues, type DesiredState, type Reading } from "../../../schema.ts";

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  /** Sent as is instead of `body` as JSON, e.g. the HTML of a captive portal. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Store the batch before answering (a 5xx after the write, for example). */
  store?: boolean;
}

export interface StubIngest {
  url: string;
  /** Stored readings by `device#instantMs`. */
  stored: Map<string, Reading>;
  /** Every request: its status and how many readings it carried. */
  requests: Array<{ status: number; readings: number; authorization: string | null }>;
  /** Responses to give before normal processing, in order. */
  script: ScriptedAnswer[];
  desired: DesiredState | null;
  /** Called when a request arrives, before anything is stored. */
  onRequest?: () => void | Promise<void>;
  stop(): Promise<void>;
}

export function startStubIngest(options: { token: string; timeZone?: string }): StubIngest {
  const schema = batchSchema({ timeZone: options.timeZone ?? "UTC", defaultUnit: "F" });
  const stub: Omit<StubIngest, "url" | "stop"> = { stored: new Map(), requests: [], script: [], desired: null };

  const store = (readings: Reading[]) => {
    let stored = 0;
    for (const reading of readings) {
      const key = `${reading.deviceId}#${reading.instantMs}`;
      if (!stub.stored.has(key)) stored++;
      stub.stored.set(key, reading);
    }
    return stored;
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname !== "/readings" || request.method !== "POST") return Response.json({ error: "not_found", message: "no such route" }, { status: 404 });
      await stub.onRequest?.();
      const authorization = request.headers.get("authorization");
      const body = await request.json().catch(() => undefined);
      const count = Array.isArray((body as { readings?: unknown[] } | undefined)?.readings) ? (body as { readings: unknown[] }).readings.length : 0;
      const answer = (status: number, json: unknown, headers?: Record<string, string>) => {
        stub.requests.push({ status, readings: count, authorization });
        return Response.json(json, { status, headers });
      };

      const scripted = stub.script.shift();
      if (scripted !== undefined) {
        if (scripted.store) {
          const parsed = schema.safeParse(body);
          if (parsed.success) store(parsed.data.readings);
        }
        if (scripted.rawBody !== undefined) {
          stub.requests.push({ status: scripted.status, readings: count, authorization });
          return new Response(scripted.rawBody, { status: scripted.status, headers: scripted.headers });
        }
        return answer(scripted.status, scripted.body ?? { error: "scripted", message: `scripted ${scripted.status}` }, scripted.headers);
      }
      if (authorization !== `Bearer ${options.token}`) return answer(401, { error: "unauthorized", message: "missing or invalid bearer token" });
      const parsed = schema.safeParse(body);
      if (!parsed.success) return answer(400, { error: "invalid_request", message: "the batch has invalid readings", problems: describeIssues(parsed.error) });
      const stored = store(parsed.data.readings);
      return answer(200, { stored, duplicates: parsed.data.readings.length - stored, desired: stub.desired });
    },
  });

  return Object.assign(stub, {
    url: `http://127.0.0.1:${server.port}`,
    stop: async () => {
      await server.stop(true);
    },
  }) as StubIngest;
}
