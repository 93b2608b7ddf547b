/**
 * The built Lambda bundle: Node.js can import and run it, it is minified and
 * within its size budget, it has no local-server code, and it imports no
 * package from the Lambda runtime.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { sha256Hex } from "../../cloud/auth.ts";
import { buildLambdaBundle, type BuiltFile } from "../../build/lambda-bundle.ts";
import { startDynalite } from "../../dev/dynalite.ts";
import { ensureTable } from "../../dev/ensure-table.ts";
import { functionUrlEvent } from "../helpers/function-url-event.ts";
import { wireReading } from "../helpers/wire-reading.ts";

const NODE = "/usr/bin/node";
const BUILD_TIMEOUT_MS = 30_000;
/** Size budget of the minified bundle, in bytes, set by the cold-start target in BENCHMARKS.md. */
const MAX_BUNDLE_BYTES = 400_000;

const dynamo = await startDynalite();
afterAll(() => dynamo.close());

let bundle: BuiltFile;

/** Runs `script` as an ES module in Node.js with `env` added, and returns its exit code and output. */
async function runNode(script: string, env: Record<string, string> = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = Bun.spawn([NODE, "--input-type=module", "-e", script], { env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exitCode, stdout, stderr };
}

/**
 * Returns the specifier of every static import, dynamic import() and require()
 * in the built file. Bun's parser finds them, so a package name that only
 * appears inside a string, such as the hint in an error message of
 * @aws-sdk/util-dynamodb, does not count.
 */
async function importedPaths(file: string): Promise<string[]> {
  // The bundle keeps lambda.ts's shebang line, which the parser rejects.
  const code = (await Bun.file(file).text()).replace(/^#!.*\n/, "");
  return new Bun.Transpiler({ loader: "js" }).scanImports(code).map((entry) => entry.path);
}

describe("lambda bundle", () => {
  test("builds minified ESM", async () => {
    bundle = await buildLambdaBundle();

    expect(bundle.path).toEndWith("dist/lambda/index.mjs");
    const text = await Bun.file(bundle.path).text();
    expect(bundle.bytes).toBe(Buffer.byteLength(text));
    // Minified: few, long lines, and no JSDoc left in.
    expect(text.split("\n").length).toBeLessThan(200);
    expect(text).not.toContain("/**");
    expect(text).toMatch(/export\s*\{[^}]*handler/);
  }, BUILD_TIMEOUT_MS);

  test("within size budget", () => {
    expect(bundle.bytes).toBeLessThan(MAX_BUNDLE_BYTES);
  });

  test("imports no AWS SDK package", async () => {
    const paths = await importedPaths(bundle.path);

    expect(paths.filter((path) => path.startsWith("@aws-sdk/"))).toEqual([]);
    expect(paths.filter((path) => path.startsWith("@smithy/"))).toEqual([]);
  });

  test("imports no other module", async () => {
    // Node.js built-ins count too: loading node:zlib or node:crypto took 3–4 ms of the import.
    const paths = await importedPaths(bundle.path);

    expect(paths).toEqual([]);
  });

  test("has no Bun.serve path", async () => {
    const text = await Bun.file(bundle.path).text();

    expect(text).not.toContain("Bun.serve");
    expect(text).not.toContain("maxRequestBodySize");
    expect(text).not.toContain("serve-locally");
    expect(text).not.toContain("dynalite");
  });

  test("node imports handler", async () => {
    const script = `const m = await import(${JSON.stringify(bundle.path)}); console.log(typeof m.handler);`;

    const result = await runNode(script, { THERMO_TABLE: "thermo", THERMO_LOG_LEVEL: "silent" });

    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe("function");
  }, BUILD_TIMEOUT_MS);

  test("node handler stores a reading", async () => {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    await ensureTable(client, "thermo");
    client.destroy();
    const token = "bundle-ingest-token-0123456789abcdefghijklm";
    const event = functionUrlEvent({
      method: "POST",
      path: "/",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      body: JSON.stringify(wireReading({ record_date: "2022-02-03T13:22:22.123456789-06:00" })),
      base64: true,
    });
    const script = `
      const { handler } = await import(${JSON.stringify(bundle.path)});
      const result = await handler(${JSON.stringify(event)}, {});
      console.log(JSON.stringify(result));`;

    const result = await runNode(script, {
      THERMO_TABLE: "thermo",
      THERMO_INGEST_TOKEN_SHA256: await sha256Hex(token),
      THERMO_LOG_LEVEL: "silent",
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
    });

    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const answer = JSON.parse(result.stdout) as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ stored: 1, duplicates: 0, desired: null });
  }, BUILD_TIMEOUT_MS);

  test("node serves dashboard gzipped", async () => {
    const event = functionUrlEvent({ method: "GET", path: "/", headers: { "accept-encoding": "gzip" } });
    const script = `
      const { handler } = await import(${JSON.stringify(bundle.path)});
      const result = await handler(${JSON.stringify(event)}, {});
      console.log(JSON.stringify(result));`;

    const result = await runNode(script, { THERMO_TABLE: "thermo", THERMO_LOG_LEVEL: "silent", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" });

    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const answer = JSON.parse(result.stdout) as { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["content-encoding"]).toBe("gzip");
    expect(answer.headers.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(answer.isBase64Encoded).toBe(true);
    const html = new TextDecoder().decode(Bun.gunzipSync(Buffer.from(answer.body, "base64")));
    expect(html).toStartWith("<!doctype html>");
  }, BUILD_TIMEOUT_MS);
});
