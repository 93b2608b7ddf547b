#!/usr/bin/env bun
/**
 * Builds the deployable artifacts into dist/:
 * - dist/lambda/index.mjs: the Lambda handler as one minified ESM file for the
 *   Node.js managed runtime (nodejs24.x, arm64);
 * - dist/thermo-linux-arm64 and dist/thermo-linux-x64: the device binary.
 *
 * Usage: bun run build [lambda|device]   (both when no target is named)
 */
import { buildLambdaBundle } from "./build/lambda-bundle.ts";
import { buildDeviceBinaries } from "./build/device-binary.ts";

const TARGETS = ["lambda", "device"] as const;
type Target = (typeof TARGETS)[number];

const USAGE = `Usage: bun run build [lambda|device]

Builds into dist/ (both targets when none is named):
  lambda   dist/lambda/index.mjs, the Lambda handler for nodejs24.x
  device   dist/thermo-linux-arm64 (the Pi) and dist/thermo-linux-x64`;

export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const wanted = argv.length === 0 ? [...TARGETS] : argv;
  for (const name of wanted) {
    if (!TARGETS.includes(name as Target)) {
      console.error(`unknown build target "${name}": choose from ${TARGETS.join(", ")}\n\n${USAGE}`);
      return 2;
    }
  }
  if (wanted.includes("lambda")) {
    const result = await buildLambdaBundle();
    console.log(`built ${result.path} (${result.bytes} bytes)`);
  }
  if (wanted.includes("device")) {
    for (const result of await buildDeviceBinaries()) console.log(`built ${result.path} (${result.bytes} bytes)`);
  }
  return 0;
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
