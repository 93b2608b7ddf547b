#!/usr/bin/env bun
/**
 * Provisions thermo's cloud side in your AWS account, or updates or removes it.
 * Creates the DynamoDB table, IAM role, log group, Lambda function and its
 * function URL; later runs change only what differs. Guide: docs/deploy.md
 *
 * Usage: bun run deploy.ts [--stage NAME] [--region NAME] [--profile NAME]
 *                          [--plan] [--json] [--destroy [--delete-data [--yes]]] ...
 *        bun run deploy.ts --help
 */
import { createInterface } from "node:readline/promises";
import { main } from "./deploy/main.ts";

async function prompt(question: string): Promise<string | null> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

if (import.meta.main) {
  const status = await main({
    argv: process.argv.slice(2),
    env: process.env,
    workingDirectory: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isInteractive: process.stdin.isTTY === true,
    prompt,
  });
  process.exit(status);
}
