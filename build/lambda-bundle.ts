/** Bundles lambda.ts into one minified ESM file for the Lambda Node.js runtime. */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";

export interface BuiltFile {
  path: string;
  bytes: number;
}

export const LAMBDA_OUT_DIR = "dist/lambda";
export const LAMBDA_FILE = "index.mjs";

/** Builds dist/lambda/index.mjs (handler `index.handler`). */
export async function buildLambdaBundle(root = resolve(import.meta.dir, "..")): Promise<BuiltFile> {
  const result = await Bun.build({
    entrypoints: [resolve(root, "lambda.ts")],
    outdir: resolve(root, LAMBDA_OUT_DIR),
    naming: LAMBDA_FILE,
    target: "node",
    format: "esm",
    minify: true,
    // The nodejs24.x runtime ships AWS SDK v3 (clients, lib-dynamodb and their
    // @smithy dependencies). Using it keeps the bundle small, which shortens cold
    // starts; the cost is that the runtime, not bun.lock, picks the SDK version.
    external: ["@aws-sdk/*", "@smithy/*"],
    // The handler never serves locally; this drops the Bun.serve path from the bundle.
    define: { "import.meta.main": "false" },
  });
  if (!result.success) {
    throw new AggregateError(result.logs, `building the Lambda bundle failed: ${result.logs.map((log) => log.message).join("; ")}`);
  }
  const path = resolve(root, LAMBDA_OUT_DIR, LAMBDA_FILE);
  return { path, bytes: (await stat(path)).size };
}
