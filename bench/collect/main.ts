// `npm run bench -- collect`: the collect API's throughput, measured locally in workerd.
//
// The worker (wrangler.toml's `main`, bundled with esbuild) and the baselines
// (baseline-worker.js, beside this file) run in one workerd started through Miniflare's
// API. Not through `wrangler dev`: its proxy answers a POST in flight while it
// reloads the worker (on any source change) with 503 "Your worker restarted
// mid-request", and adds its own hop and request logging (docs/benchmark.md).
// Requests go from this process over loopback HTTP/1.1 keep-alive (node:http, one
// socket per sender) straight to Miniflare's entry socket inside workerd, which
// routes /__bench/* to the baselines and everything else to the worker. The static
// assets layer of wrangler.toml is not in the path (/v1/* runs the worker first).
//
// Phases, each with its own warm-up, each a bounded list of requests pulled by a
// fixed number of concurrent senders, each stopping itself at a time cap:
//   noop                 baseline: a route that reads the body and answers
//   one-object-one-row   baseline: a new Durable Object per request, one SQLite row
//   collect-one-visitor  collect, every request for the same visitor (its object serialises them)
//   collect-new          collect, one request per new visitor
//   collect-returning    collect, the same visitors again, new event ids
// Phases that open objects run in waves, waiting between waves for local workerd
// to evict idle objects: it cannot hold more than ~3,000 open SQLite objects in its
// one process (see `settle`). Only the time spent serving counts.
//
// Environment: BENCH_VISITORS (10000), BENCH_CONCURRENCY (64), BENCH_RUNS (1; with
// more, each run in a fresh runtime, then the medians), BENCH_ONE_VISITOR_REQUESTS
// (2000), BENCH_WARMUP (500), BENCH_PHASE_CAP_S (120 s of serving per phase),
// BENCH_WAVE (1000; 0 for no waves), BENCH_PERSIST (tmpfs: SQLite files in a temp
// folder in /dev/shm, the default; disk: in a temp folder on disk), BENCH_PROFILE=1
// (adds a row doing collect's SQL for a new visitor without the product code), BENCH_PHASES
// (a comma-separated list of the phases to run, e.g. "collect-new" while trying a change).
// Flags: --json [path] also writes the results as JSON (default bench/collect/results.json).
//
// Exits 1 if any measured request failed (5xx, reset, timed out, or an answer that
// did not accept every event), 2 if the bench itself could not run.
//
// Modules: config.ts (these options), runtime.ts (the bundle, workerd, its /proc figures),
// client.ts (requests, the batch), phase.ts (a phase, its waves), run.ts (one run's phases),
// report.ts (the table and ratios), soak.ts (`--soak`).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { machine as readMachine, root } from "../shared.ts";
import {
  CONCURRENCY, JSON_PATH, ONE_VISITOR_REQUESTS, PERSIST, PHASE_CAP_MS, PROFILE, RUNS, VISITORS, WARMUP, WAVE,
  persistLabel, wranglerConfig,
} from "./config.ts";
import type { Row } from "./phase.ts";
import { mediansOf, printHeader, printRatios, printRow, type Ratios } from "./report.ts";
import { oneRun } from "./run.ts";
import { bundleWorker } from "./runtime.ts";
import { soak } from "./soak.ts";

const config = wranglerConfig();
const machine = readMachine();
const miniflareVersion = JSON.parse(readFileSync(path.join(root, "node_modules/miniflare/package.json"), "utf8")).version;
const workerdVersion = (() => {
  try {
    return JSON.parse(readFileSync(path.join(root, "node_modules/workerd/package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
})();

console.log("edgescore bench: POST /v1/collect, batches of 10 events");
console.log(`  path:        node:http keep-alive → Miniflare ${miniflareVersion} entry socket → workerd ${workerdVersion} (Miniflare API, not wrangler dev's proxy), loopback`);
console.log(`  worker:      ${config.main} bundled with esbuild, compatibility date ${config.compatibilityDate}`);
console.log(`  baselines:   bench/collect/baseline-worker.js in the same workerd, same body on the wire`);
console.log(`  persistence: ${persistLabel()}, the same for collect and the baselines`);
console.log(`  load:        ${CONCURRENCY} concurrent senders; ${VISITORS} requests per phase (one visitor: ${ONE_VISITOR_REQUESTS}); warm-up ${WARMUP} per phase; cap ${PHASE_CAP_MS / 1000} s of serving per phase; ${RUNS} run(s), each in a fresh runtime`);
console.log(WAVE > 0
  ? `  waves:       phases that open objects (one-row, collect-new, collect-returning) send ${WAVE} requests at a time and, before each wave,
               wait until local workerd has evicted the idle objects of earlier waves (~10-20 s); only serving time counts.
               Local workerd fails to open more SQLite objects once ~2,800-3,400 are open in its one process (BENCH_WAVE=0: no waves)`
  : "  waves:       none (BENCH_WAVE=0): expect 500s once local workerd holds ~3,000 open objects");
console.log(`  machine:     ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}`);
console.log(`               note: 2 shared, noisy cores; the load generator (this process) shares them with workerd`);
console.log("  columns:     workerd cores = CPU the runtime used per second of the phase; workerd ms/req = its CPU per request; client cores = this process's CPU per second");

const tmpBuild = mkdtempSync(path.join(os.tmpdir(), "edgescore-bench-build-"));
const results: { run: number; rows: Row[]; ratios: Ratios }[] = [];
let medians: ReturnType<typeof mediansOf> | undefined;
let exitCode = 0;
try {
  const workerPath = await bundleWorker(config.main, tmpBuild);
  if (process.argv.includes("--soak")) process.exit(await soak(config, workerPath));
  for (let run = 1; run <= RUNS; run++) results.push(await oneRun(run, config, workerPath));
} catch (err) {
  console.error(`\nbench: ${(err as Error)?.stack ?? err}`);
  exitCode = 2;
} finally {
  rmSync(tmpBuild, { recursive: true, force: true });
}

if (results.length > 1) {
  const med = mediansOf(results);
  console.log(`\nmedians of ${results.length} runs (each figure its own median; ratios are medians of each run's ratio; errors summed)`);
  printHeader();
  for (const row of med.rows) printRow(row);
  printRatios(med.ratios);
  medians = med;
}

if (results.length) {
  const r = (medians ?? results[0]!).ratios;
  const newVsRow = r["collect-new / one-object-one-row"] ?? null;
  const retVsNew = r["collect-returning / collect-new"] ?? null;
  console.log("\nchecks");
  console.log(`  collect-new ≥ 50% of one-object-one-row (aim 80%): ${newVsRow == null ? "-" : `${(newVsRow * 100).toFixed(0)}%`} ${newVsRow != null && newVsRow >= 0.5 ? "ok" : "BELOW"}`);
  console.log(`  collect-returning faster than collect-new:         ${retVsNew == null ? "-" : `${(retVsNew * 100).toFixed(0)}%`} ${retVsNew != null && retVsNew > 1 ? "ok" : "NO"}`);
  const all = results.flatMap((res) => res.rows);
  const sum = (pick: (row: Row) => Record<string, number> | undefined, keep = (_k: string) => true) => all.reduce((a, row) => a + Object.entries(pick(row) ?? {})
    .filter(([k]) => keep(k)).reduce((t, [, n]) => t + n, 0), 0);
  const serverSide = (k: string) => /^5\d\d$/.test(k) || k.startsWith("net:");
  const fiveXX = sum((row) => row.errorsByStatus, serverSide) + sum((row) => row.warmupErrorsByStatus, serverSide);
  const errors = sum((row) => row.errorsByStatus) + sum((row) => row.warmupErrorsByStatus);
  console.log(`  5xx or failed connections (warm-ups included):     ${fiveXX} ${fiveXX ? "FAIL" : "ok"}`);
  console.log(`  errors of any kind (warm-ups included):            ${errors} ${errors ? "FAIL" : "ok"}`);
  if (errors) {
    exitCode = 1;
    console.log("  (requests failed: the figures above are not a measurement)");
  }
  if (all.some((row) => row.capped)) console.log(`  note: a phase hit the ${PHASE_CAP_MS / 1000} s cap and sent fewer requests than asked`);

  if (JSON_PATH) {
    writeFileSync(JSON_PATH, JSON.stringify({
      date: new Date().toISOString(), machine, miniflare: miniflareVersion, workerd: workerdVersion,
      compatibilityDate: config.compatibilityDate, persistence: PERSIST,
      options: {
        visitors: VISITORS, concurrency: CONCURRENCY, runs: RUNS, oneVisitorRequests: ONE_VISITOR_REQUESTS,
        warmup: WARMUP, capSeconds: PHASE_CAP_MS / 1000, wave: WAVE, profile: PROFILE,
      },
      runs: results.map(({ run, rows, ratios }) => ({ run, rows, ratios })),
      ...(medians && { medians }),
    }, null, 2) + "\n");
    console.log(`\nresults written to ${path.relative(process.cwd(), JSON_PATH) || JSON_PATH}`);
  }
}
process.exit(exitCode);
