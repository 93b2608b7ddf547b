/**
 * The Lambda deployment package: the single-file handler that `bun run build`
 * writes, zipped deterministically as `index.mjs` (handler `index.handler`).
 */
import { readFileSync } from "node:fs";
import { buildLambdaBundle as runLambdaBuild } from "../build/lambda-bundle.ts";
import { DeployError } from "./errors.ts";
import { zipDeterministic, type DeploymentPackage } from "./zip.ts";

/** Path and size of the bundle that build/lambda-bundle.ts writes. */
export interface LambdaBundle {
  readonly path: string;
  readonly bytes: number;
}

/** File name inside the zip; the function's Handler is `<name without .mjs>.handler`. */
export const BUNDLE_ENTRY = "index.mjs";
export const FUNCTION_HANDLER = "index.handler";

/**
 * Runs the project's Lambda build and returns where it wrote the bundle.
 * @throws {DeployError} when the build fails
 */
export async function buildLambdaBundle(): Promise<LambdaBundle> {
  try {
    return await runLambdaBuild();
  } catch (error) {
    throw new DeployError(`build of the Lambda bundle failed: ${error instanceof Error ? error.message : String(error)}`, {
      hint: "run `bun run build lambda` to see the full output, or pass --bundle FILE with a prebuilt handler",
      cause: error,
    });
  }
}

/**
 * Reads the bundle file and zips it.
 * @throws {DeployError} when the file cannot be read or is empty
 */
export function packageBundle(bundle: LambdaBundle): DeploymentPackage {
  let contents: Uint8Array;
  try {
    contents = readFileSync(bundle.path);
  } catch (error) {
    throw new DeployError(`cannot read the Lambda bundle "${bundle.path}": ${(error as Error).message}`, {
      hint: "run `bun run build lambda`, or check the path given to --bundle",
      cause: error,
    });
  }
  if (contents.length === 0) {
    throw new DeployError(`the Lambda bundle "${bundle.path}" is empty`, { hint: "run `bun run build lambda` again" });
  }
  return zipDeterministic({ [BUNDLE_ENTRY]: contents });
}
