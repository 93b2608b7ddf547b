/**
 * Security of the API edge. Every endpoint rejects a missing, wrong or
 * other-scope token, and a token carried in the path never appears in a
 * response or a log line. Oversized and deeply nested bodies are rejected
 * without harm. CSV cells that a spreadsheet would run as a formula are
 * neutralised.
 */
import { afterAll, beforeAll } from "bun:test";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { startCloud, type Cloud } from "../harness/cloud.ts";
import { makeReadings } from "../harness/ledger.ts";
import { scenario } from "../harness/scenario.ts";

let cloud: Cloud;

beforeAll(async () => {
  cloud = await startCloud();
});

afterAll(async () => {
  await cloud?.stop();
});

type Scope = "ingest" | "read" | "admin";

interface Endpoint {
  method: string;
  /** `{token}` is replaced with the token under test for path-token routes. */
  path: string;
  scope: Scope;
  body?: string;
  isPathToken?: boolean;
}

const DAY = "2026-03-08";
const oneReading = JSON.stringify(makeReadings({ deviceId: "sec", startMs: Date.UTC(2026, 2, 8, 12), count: 1, stepMs: 1000 })[0]);
const batch = JSON.stringify({ readings: makeReadings({ deviceId: "sec", startMs: Date.UTC(2026, 2, 8, 12, 1), count: 3, stepMs: 1000 }) });

const ENDPOINTS: Endpoint[] = [
  { method: "POST", path: "/", scope: "ingest", body: oneReading },
  { method: "POST", path: "/readings", scope: "ingest", body: batch },
  { method: "POST", path: "/ingest/{token}", scope: "ingest", body: oneReading, isPathToken: true },
  { method: "POST", path: "/ingest/{token}/readings", scope: "ingest", body: batch, isPathToken: true },
  { method: "GET", path: "/devices", scope: "read" },
  { method: "GET", path: "/devices/sec/latest", scope: "read" },
  { method: "GET", path: `/devices/sec/days/${DAY}`, scope: "read" },
  { method: "GET", path: `/devices/sec/days/${DAY}?format=csv`, scope: "read" },
  { method: "PUT", path: "/devices/sec/desired", scope: "admin", body: JSON.stringify({ setpoint: 50, unit: "F" }) },
  { method: "DELETE", path: "/devices/sec/desired", scope: "admin" },
];

async function call(endpoint: Endpoint, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  let path = endpoint.path;
  if (endpoint.isPathToken === true) path = path.replace("{token}", encodeURIComponent(token ?? ""));
  else if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return fetch(cloud.url + path, { method: endpoint.method, headers, body: endpoint.body });
}

/** Returns every place a secret shows up: response bodies and headers seen so far, and the app's log. */
function leaksOf(secret: string, responses: readonly { label: string; text: string }[]): string[] {
  const places = responses.filter((response) => response.text.includes(secret)).map((response) => response.label);
  if (cloud.logLines.some((line) => line.includes(secret))) places.push("app log");
  return places;
}

scenario("security: tokens and scopes", {}, async (checks) => {
  const tokens = cloud.stack.tokens;
  const wrong = "wrong-token-" + "x".repeat(31);
  const tokenOf: Record<Scope, string> = { ingest: tokens.ingest, read: tokens.read, admin: tokens.admin };
  let requests = 0;

  for (const endpoint of ENDPOINTS) {
    const label = `${endpoint.method} ${endpoint.path}`;
    const rejected: [string, string | undefined][] = [["a wrong token", wrong]];
    if (endpoint.isPathToken !== true) rejected.push(["no token", undefined]);
    for (const scope of ["ingest", "read", "admin"] as const) if (scope !== endpoint.scope) rejected.push([`the ${scope} token`, tokenOf[scope]]);

    for (const [what, token] of rejected) {
      const response = await call(endpoint, token);
      requests++;
      const text = await response.text();
      checks.expect(response.status === 401, `${label} with ${what} returned ${response.status}, expected 401`);
      if (token !== undefined) checks.expect(!text.includes(token), `${label} with ${what} echoed the token in its body`);
    }

    const accepted = await call(endpoint, tokenOf[endpoint.scope]);
    requests++;
    await accepted.text();
    checks.expect(accepted.status !== 401, `${label} with the ${endpoint.scope} token returned 401`);
    checks.expect(accepted.status < 500, `${label} with the ${endpoint.scope} token returned ${accepted.status}`);
  }
  checks.note(`${requests} requests`);
  return {};
});

scenario("security: path token never echoed", {}, async (checks) => {
  const valid = cloud.stack.tokens.ingest;
  const wrong = "pathsecret-" + crypto.randomUUID();
  const seen: { label: string; text: string }[] = [];
  const record = async (label: string, response: Response) => {
    const headers = [...response.headers.entries()].map(([key, value]) => `${key}: ${value}`).join("\n");
    seen.push({ label: `${label} (${response.status})`, text: headers + "\n" + (await response.text()) });
  };

  for (const token of [valid, wrong]) {
    const kind = token === valid ? "valid" : "wrong";
    await record(`${kind} token, invalid JSON`, await fetch(`${cloud.url}/ingest/${token}/readings`, { method: "POST", body: "{not json" }));
    await record(`${kind} token, invalid reading`, await fetch(`${cloud.url}/ingest/${token}`, { method: "POST", body: JSON.stringify({ record_date: "yesterday", temperature: "hot" }) }));
    await record(`${kind} token, empty batch`, await fetch(`${cloud.url}/ingest/${token}/readings`, { method: "POST", body: JSON.stringify({ readings: [] }) }));
    await record(`${kind} token, oversized`, await fetch(`${cloud.url}/ingest/${token}`, { method: "POST", body: "x".repeat(70 * 1024) }));
    await record(`${kind} token, GET`, await fetch(`${cloud.url}/ingest/${token}/readings`));
    await record(`${kind} token, unknown path`, await fetch(`${cloud.url}/ingest/${token}/nope`, { method: "POST", body: "{}" }));
    await record(`${kind} token, accepted batch`, await fetch(`${cloud.url}/ingest/${token}/readings`, { method: "POST", body: batch }));
    // Malformed percent-encoding, a NUL, a trailing slash and the token repeated in the query string.
    for (const suffix of ["%ZZ/readings", "%00/readings", "/readings/", `?token=${token}`]) {
      for (const method of ["POST", "GET", "PUT"]) {
        const body = method === "GET" ? undefined : "{}";
        await record(`${kind} token, ${method} ${suffix.replace(token, "<token>")}`, await fetch(`${cloud.url}/ingest/${token}${suffix}`, { method, body }));
      }
    }
  }

  checks.expect(leaksOf(valid, seen).length === 0, `the valid path token appeared in: ${leaksOf(valid, seen).join(", ")}`);
  checks.expect(leaksOf(wrong, seen).length === 0, `the wrong path token appeared in: ${leaksOf(wrong, seen).join(", ")}`);
  checks.expect(cloud.logLines.length > 0, "the app logged nothing, so the log check proves nothing");
  checks.note(`${seen.length} responses and ${cloud.logLines.length} log lines searched`);
  return {};
});

scenario("security: oversized and nested bodies", {}, async (checks) => {
  const auth = { authorization: `Bearer ${cloud.stack.tokens.ingest}`, "content-type": "application/json" };
  const expectStatus = async (label: string, response: Response, allowed: readonly number[]) => {
    await response.text();
    checks.expect(allowed.includes(response.status), `${label} returned ${response.status}, expected ${allowed.join(" or ")}`);
  };

  await expectStatus("POST / over 64 KiB", await fetch(`${cloud.url}/`, { method: "POST", headers: auth, body: `{"pad":"${"a".repeat(64 * 1024)}"}` }), [413]);
  await expectStatus("POST /readings over 1 MiB", await fetch(`${cloud.url}/readings`, { method: "POST", headers: auth, body: `{"pad":"${"a".repeat(1024 * 1024)}"}` }), [413]);

  // Without Content-Length the limit has to be enforced while the body streams in.
  const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= 32) controller.close();
      else {
        sent++;
        controller.enqueue(chunk);
      }
    },
  });
  await expectStatus("POST /readings streamed 2 MiB", await fetch(`${cloud.url}/readings`, { method: "POST", headers: auth, body: stream }), [413]);

  const depth = 200_000;
  const nestedArrays = `{"readings":${"[".repeat(depth)}${"]".repeat(depth)}}`;
  await expectStatus("readings nested 200,000 deep", await fetch(`${cloud.url}/readings`, { method: "POST", headers: auth, body: nestedArrays }), [400, 413]);
  const [reading] = makeReadings({ deviceId: "nested", startMs: Date.UTC(2026, 2, 8), count: 1, stepMs: 1 });
  const nestedUnknown = JSON.stringify({ readings: [reading] }).replace('"unit":"F"', `"unit":"F","extra":${"{\"a\":".repeat(50_000)}1${"}".repeat(50_000)}`);
  await expectStatus("unknown field nested 50,000 deep", await fetch(`${cloud.url}/readings`, { method: "POST", headers: auth, body: nestedUnknown }), [200, 400]);
  await expectStatus("nested temperature", await fetch(`${cloud.url}/`, { method: "POST", headers: auth, body: JSON.stringify({ ...reading, temperature: [[[[[[1]]]]]] }) }), [400]);

  const health = await fetch(`${cloud.url}/health`);
  checks.expect(health.status === 200, `GET /health returned ${health.status} after the bodies, expected 200`);
  return {};
});

/** Splits one CSV line (RFC 4180 quoting) into cells. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let current = "";
  let isQuoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (isQuoted) {
      if (char === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (char === '"') isQuoted = false;
      else current += char;
    } else if (char === '"') isQuoted = true;
    else if (char === ",") {
      cells.push(current);
      current = "";
    } else current += char;
  }
  cells.push(current);
  return cells;
}

scenario("security: CSV and header injection", {}, async (checks) => {
  const device = "csv";
  const hostile = ["=HYPERLINK(\"http://127.0.0.1/x\",\"y\")", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"];
  for (const [index, text] of hostile.entries()) {
    // Written straight to the table: the API rejects such values, but a CSV export must stay safe whatever the table holds.
    await cloud.documentClient.send(
      new PutCommand({
        TableName: cloud.tableName,
        Item: {
          pk: `${device}#${DAY}`,
          sk: new Date(Date.UTC(2026, 2, 8, 10, 0, index)).toISOString(),
          device_id: text,
          day: DAY,
          record_date: text,
          thermostat_on: false,
          temperature: -5.5,
          thermostat_value: 45,
          unit: "F",
          received_at: new Date().toISOString(),
        },
      }),
    );
  }

  const viaApi = await fetch(`${cloud.url}/`, {
    method: "POST",
    headers: { authorization: `Bearer ${cloud.stack.tokens.ingest}` },
    body: JSON.stringify({ record_date: "=1+1", thermostat_on: false, temperature: 40, thermostat_value: 45, device_id: device }),
  });
  await viaApi.text();
  checks.expect(viaApi.status === 400, `a reading with record_date "=1+1" returned ${viaApi.status}, expected 400`);

  const response = await fetch(`${cloud.url}/devices/${device}/days/${DAY}?format=csv`, { headers: { authorization: `Bearer ${cloud.stack.tokens.read}` } });
  const csv = await response.text();
  checks.expect(response.status === 200, `CSV export returned ${response.status}`);
  const lines = csv.split("\r\n").filter((line) => line !== "");
  checks.expect(lines.length === hostile.length + 1, `CSV has ${lines.length - 1} rows, expected ${hostile.length}`);
  for (const line of lines.slice(1)) {
    const cells = csvCells(line);
    for (const [column, cell] of cells.entries()) {
      const isNumber = cell !== "" && Number.isFinite(Number(cell));
      checks.expect(isNumber || !/^[=+\-@\t\r]/.test(cell), `CSV cell ${column} starts with a formula character: ${JSON.stringify(cell)}`);
    }
    checks.expect(cells[4] === "-5.5", `negative temperature was altered to ${JSON.stringify(cells[4])}`);
  }

  const injected = await fetch(`${cloud.url}/devices/csv%0d%0aX-Injected:%201/days/${DAY}?format=csv`, { headers: { authorization: `Bearer ${cloud.stack.tokens.read}` } });
  await injected.text();
  checks.expect(injected.status === 400, `a device id with CR LF returned ${injected.status}, expected 400`);
  checks.expect(injected.headers.get("x-injected") === null, "a device id with CR LF added a response header");
  return {};
});
