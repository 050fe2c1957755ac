// The collect bench's options (its environment and flags, described in main.ts) and the
// worker's configuration, read from wrangler.toml.
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fail, intEnv, jsonPath, root } from "../shared.ts";

export const VISITORS = intEnv("BENCH_VISITORS", 10_000);
export const CONCURRENCY = intEnv("BENCH_CONCURRENCY", 64);
export const RUNS = intEnv("BENCH_RUNS", 1);
export const ONE_VISITOR_REQUESTS = intEnv("BENCH_ONE_VISITOR_REQUESTS", 2_000);
export const WARMUP = intEnv("BENCH_WARMUP", 500, 0);
export const PHASE_CAP_MS = intEnv("BENCH_PHASE_CAP_S", 120) * 1000;
export const WAVE = intEnv("BENCH_WAVE", 1_000, 0);
export const SETTLE_OBJECTS = 100;
export const REQUEST_TIMEOUT_MS = 30_000;
// Where the Durable Objects' SQLite files live. Miniflare's in-memory storage has no
// SQL API, so SQLite always lives in files: "tmpfs" (the default where /dev/shm exists)
// keeps them in RAM, so the figures are the runtime's and the product's CPU work;
// "disk" keeps them in a temp folder on disk, adding this VM's file creation and
// fsyncs (about 7 per new object) to every write, and its noise.
export const PERSIST = process.env.BENCH_PERSIST || (existsSync("/dev/shm") ? "tmpfs" : "disk");
if (!["disk", "tmpfs"].includes(PERSIST)) fail(`BENCH_PERSIST must be "disk" or "tmpfs", not "${PERSIST}"`);
export const PERSIST_ROOT = PERSIST === "tmpfs" ? "/dev/shm" : os.tmpdir();
if (PERSIST === "tmpfs" && !existsSync(PERSIST_ROOT)) fail("BENCH_PERSIST=tmpfs needs /dev/shm");
export const PROFILE = process.env.BENCH_PROFILE === "1";
export const ONLY = process.env.BENCH_PHASES ? process.env.BENCH_PHASES.split(",").map((p) => p.trim()) : null;
export const EVENTS_PER_BATCH = 10;
export const JSON_PATH = jsonPath(path.join(root, "bench/collect/results.json"));

export const ADMIN_TOKEN = "bench-admin-token";
export const SITE = "bench";
export const ORIGIN = "http://bench.local";

export const persistLabel = () => PERSIST === "tmpfs"
  ? "tmpfs (Durable Object SQLite and KV files in a temp folder in /dev/shm, RAM)"
  : `disk (Durable Object SQLite and KV files in a temp folder in ${os.tmpdir()}, on disk)`;

export interface WorkerConfig {
  main: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
}

export function wranglerConfig(): WorkerConfig {
  const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!date) fail("no compatibility_date in wrangler.toml");
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
  const main = /^main\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? "worker/src/index.ts";
  return {
    main,
    compatibilityDate: date,
    compatibilityFlags: flags ? [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) : [],
  };
}
