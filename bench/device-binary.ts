#!/usr/bin/env bun
/**
 * Device binary benchmark: size of dist/thermo-linux-x64 and peak RSS of
 * `thermo run` on simulated hardware over a simulated hour, each against a
 * hello-world `bun build --compile` binary built and run in the same session;
 * then RSS over a simulated 24 h to check that memory does not grow. thermo
 * uploads to the real local stack (dynalite + app) on 127.0.0.1 throughout.
 *
 * Usage: bun run bench/device-binary.ts
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDeviceBinary, DEVICE_JIT_POLICY } from "../build/device-binary.ts";
import { startStack } from "../dev/stack.ts";
import { Logger } from "../lib/log.ts";
import { machine, percentile, ratio } from "./stats.ts";

const work = mkdtempSync(join(tmpdir(), "thermo-bench-"));

/** Reads VmRSS, VmHWM and the anonymous part of VmRSS (RssAnon) of a process, in KiB. */
function memoryOf(pid: number): { rssKiB: number; peakKiB: number; anonKiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: field("VmRSS"), peakKiB: field("VmHWM"), anonKiB: field("RssAnon") };
}

interface RunMemory {
  /** VmRSS every 250 ms, in KiB. */
  samples: number[];
  /** RssAnon every 250 ms, in KiB. */
  anonSamples: number[];
  peakKiB: number;
  /** Largest RssAnon sampled: heap and other private memory, without the binary's file pages. */
  peakAnonKiB: number;
}

/** Runs a command for `seconds` and samples its memory every 250 ms. */
async function sampleRun(command: string[], seconds: number, env: Record<string, string> = {}): Promise<RunMemory> {
  const child = Bun.spawn(command, { stdout: "ignore", stderr: "ignore", env: { ...process.env, ...env } });
  const samples: number[] = [];
  const anonSamples: number[] = [];
  let peakKiB = 0;
  let peakAnonKiB = 0;
  for (let tick = 0; tick < seconds * 4; tick++) {
    await Bun.sleep(250);
    const memory = memoryOf(child.pid);
    samples.push(memory.rssKiB);
    anonSamples.push(memory.anonKiB);
    peakKiB = memory.peakKiB;
    peakAnonKiB = Math.max(peakAnonKiB, memory.anonKiB);
  }
  child.kill("SIGTERM");
  const code = await child.exited;
  if (code !== 0) throw new Error(`${command.join(" ")} exited with ${code}`);
  return { samples, anonSamples, peakKiB, peakAnonKiB };
}

const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

// Floor: a hello-world binary that stays alive so its memory can be read.
const helloSource = join(work, "hello.ts");
writeFileSync(helloSource, 'console.log("hello");\nsetInterval(() => {}, 1000);\nprocess.on("SIGTERM", () => process.exit(0));\n');
const helloBinary = join(work, "hello");
const helloBuild = Bun.spawnSync([process.execPath, "build", "--compile", "--minify", helloSource, "--outfile", helloBinary]);
if (helloBuild.exitCode !== 0) throw new Error(helloBuild.stderr.toString());
// The same hello-world with thermo's JIT policy shows what the policy alone does to a trivial program.
const helloPolicyBinary = join(work, "hello-policy");
const helloPolicyBuild = Bun.spawnSync([process.execPath, "build", "--compile", "--minify", `--compile-jit-policy=${DEVICE_JIT_POLICY}`, helloSource, "--outfile", helloPolicyBinary]);
if (helloPolicyBuild.exitCode !== 0) throw new Error(helloPolicyBuild.stderr.toString());
// The runtime features thermo needs, without thermo's code, built the way thermo is.
const featuresBinary = join(work, "runtime-features");
const featuresBuild = Bun.spawnSync([process.execPath, "build", "--compile", "--minify", `--compile-jit-policy=${DEVICE_JIT_POLICY}`, join(import.meta.dir, "programs", "runtime-features.ts"), "--outfile", featuresBinary]);
if (featuresBuild.exitCode !== 0) throw new Error(featuresBuild.stderr.toString());
const thermo = await buildDeviceBinary({ target: "bun-linux-x64", outfile: join(work, "thermo") });
const helloBytes = statSync(helloBinary).size;

const stack = await startStack({ logger: new Logger("bench", { level: "silent" }), dashboard: false });
try {
  const runArgs = (dataDir: string, speed: number) => [thermo.path, "run", "--config", join(work, "thermo.toml"), "--speed", String(speed), "--data-dir", dataDir, "--api-port", "0", "--api-url", stack.url, "--log-level", "warn"];
  writeFileSync(join(work, "thermo.toml"), 'sensor = "simulated"\nrelay = "simulated"\ndevice_id = "bench"\n');
  const env = { THERMO_INGEST_TOKEN: stack.tokens.ingest };

  const hello = await sampleRun([helloBinary], 5);
  const helloPolicy = await sampleRun([helloPolicyBinary], 5);
  const features = await sampleRun([featuresBinary], 5, { RUNTIME_FEATURES_DIR: mkdtempSync(join(work, "features-")) });
  const featuresZone = await sampleRun([featuresBinary], 5, { RUNTIME_FEATURES_DIR: mkdtempSync(join(work, "features-")), RUNTIME_FEATURES_ZONE: "America/Chicago" });
  // A simulated hour at 360× takes 10 s.
  const hour = await sampleRun(runArgs(join(work, "hour"), 360), 10, env);
  // A simulated day at 2880× takes 30 s; the first 10 % is start-up.
  const day = await sampleRun(runArgs(join(work, "day"), 2880), 30, env);
  /** Returns the medians of the first and last fifth of the samples after start-up. */
  const growth = (values: number[]) => {
    const settled = values.slice(Math.floor(values.length * 0.1));
    const fifth = Math.floor(settled.length / 5);
    return { early: percentile(settled.slice(0, fifth), 50), late: percentile(settled.slice(-fifth), 50) };
  };
  const { early, late } = growth(day.samples);
  const anon = growth(day.anonSamples);

  console.log(`Machine: ${machine()}\n`);
  console.log("| measure | hello-world floor | thermo | ratio | target |\n|---|---|---|---|---|");
  console.log(`| binary size | ${(helloBytes / 2 ** 20).toFixed(1)} MiB | ${(thermo.bytes / 2 ** 20).toFixed(1)} MiB | ${ratio(thermo.bytes, helloBytes)} | |`);
  console.log(`| peak RSS, simulated hour | ${mib(hello.peakKiB)} | ${mib(hour.peakKiB)} | ${ratio(hour.peakKiB, hello.peakKiB)} | ≤ 1.60× |`);
  console.log(`| peak RSS, simulated hour, against hello-world with thermo's JIT policy | ${mib(helloPolicy.peakKiB)} | ${mib(hour.peakKiB)} | ${ratio(hour.peakKiB, helloPolicy.peakKiB)} | |`);
  console.log(`| peak RSS of the runtime features alone (SQLite, Bun.serve + Hono, fetch, zod) | ${mib(hello.peakKiB)} | ${mib(features.peakKiB)} | ${ratio(features.peakKiB, hello.peakKiB)} | |`);
  console.log(`| peak RSS of the runtime features alone, with Intl time zones | ${mib(hello.peakKiB)} | ${mib(featuresZone.peakKiB)} | ${ratio(featuresZone.peakKiB, hello.peakKiB)} | |`);
  console.log(`| peak anonymous RSS (RssAnon), simulated hour | ${mib(hello.peakAnonKiB)} | ${mib(hour.peakAnonKiB)} | ${ratio(hour.peakAnonKiB, hello.peakAnonKiB)} | |`);
  console.log(`| RSS over a simulated 24 h: median of first fifth → last fifth | | ${(early / 1024).toFixed(1)} → ${mib(late)} | ${ratio(late, early)} | no growth |`);
  console.log(`| RssAnon over a simulated 24 h: median of first fifth → last fifth | | ${(anon.early / 1024).toFixed(1)} → ${mib(anon.late)} | ${ratio(anon.late, anon.early)} | no growth |`);
  console.log(`| peak RSS, simulated 24 h | ${mib(hello.peakKiB)} | ${mib(day.peakKiB)} | ${ratio(day.peakKiB, hello.peakKiB)} | |`);
  console.log(`| peak anonymous RSS (RssAnon), simulated 24 h | ${mib(hello.peakAnonKiB)} | ${mib(day.peakAnonKiB)} | ${ratio(day.peakAnonKiB, hello.peakAnonKiB)} | |`);
} finally {
  await stack.stop();
}
