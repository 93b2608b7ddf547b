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
    // No `external`: every dependency is in the file, so bun.lock, not the runtime,
    // fixes every version. The app talks to DynamoDB through cloud/store/dynamodb-http.ts
    // and never loads the AWS SDK that the runtime provides.
    // The handler never serves locally; this drops the Bun.serve path from the bundle.
    define: { "import.meta.main": "false" },
  });
  if (!result.success) {
    throw new AggregateError(result.logs, `building the Lambda bundle failed: ${result.logs.map((log) => log.message).join("; ")}`);
  }
  const path = resolve(root, LAMBDA_OUT_DIR, LAMBDA_FILE);
  return { path, bytes: (await stat(path)).size };
}
