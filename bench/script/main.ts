// `npm run bench -- script`: what the browser script costs a site's visitors, against peers
// measured the same way in the same run.
//
// Bytes: dist/public/es.js (the core every page loads) and es-captures.js (its lazy chunk),
// built into a temp folder by build-sdk.mjs, and each peer's script as a site serves it:
// raw, gzip -9 and brotli 11 (build-sdk.mjs `sizes`).
//
// Main-thread time: one static marketing page (headings, text, a table, a form, links),
// served by a local node:http server in four versions that differ only in the script they
// embed, each the way its docs say a site embeds it, from the same server:
//   none       no script: the baseline the other pages' figures are taken relative to
//   edgescore  <script async src=".../es.js" data-site>, the classic script; it imports
//              es-captures.js after the page's load, and that is measured too
//   plausible  @plausible-analytics/tracker's plausible.js. The npm package ships only this
//              ES module (no IIFE, no script.js), so the page has an inline
//              <script type="module"> importing it and calling init({ domain, endpoint })
//   posthog    posthog-js's dist/array.js, the file PostHog's snippet loads from its CDN
//              (/static/array.js), behind the snippet's queue (window.posthog._i)
// Every script sends to this server, which answers at once (edgescore gets a collect answer
// with a stage, which it applies to the page), so what is measured is each script's own
// work, not the network. Anything else a script asks for is served too: PostHog's
// extensions (/static/*.js) from its package. Options only take the network out or let a
// script work in a test browser, else each runs with its defaults: PostHog's remote config
// and flags call is off (advanced_disable_flags), so is its bot filter
// (opt_out_useragent_filter: headless Chromium's user agent is on its list and every event
// would be dropped), and its first batch goes after 250 ms rather than 3 s
// (request_queue_config), inside the measured window; Plausible gets captureOnLocalhost (on
// 127.0.0.1 or in an automated browser it drops every event otherwise).
//
// How: Debian's Chromium through playwright-core, with the browser tests' flags. Each page
// load gets a fresh browser context (a first visit: empty storage and cache; and the
// previous load's leftovers, garbage included, stay out of its figures). Per load: CDP
// Performance.enable on the new tab, navigate, wait for `load`, wait a fixed window
// (BENCH_SCRIPT_WINDOW_MS, 700 ms, the same for every page: it holds each script's start-up
// work, edgescore's lazy chunk and its Web Vitals set-up included, which are done ~150 ms
// after load; PostHog's first batch, 250 ms after its start, comes last), then hide the page
// as switching to another tab does (visibilitychange to hidden: what every page view ends
// with, and when Plausible sends its engagement event and edgescore its engagement and Web
// Vitals), wait BENCH_SCRIPT_HIDE_MS (200 ms) for what that sends, then read
// Performance.getMetrics:
//   task ms     TaskDuration: main-thread time in tasks, all of it (parsing, style, layout,
//               script, the browser's own); a script's median minus the no-script page's
//               is its own cost, the style and layout work it causes included
//   script ms   ScriptDuration: running JavaScript (the no-script page's is ~0)
// Both in thread time (Performance.enable's timeDomain "threadTicks"): CPU time of the main
// thread, not wall-clock time. On these 2 shared cores the renderer's main thread is off
// the CPU for most of a page load (wall-clock task time is ~3× its CPU time, and varies
// with whatever else runs), which would swamp a script's few ms; thread time counts the
// work the script makes the main thread do, which is what differs between contestants.
// It leaves out time blocked waiting on the browser process (e.g. the first localStorage
// access's round trip), which a visitor does wait through, but which depends on the
// browser process's load more than on the script. Also left out, for every script alike:
// V8's compiling on background threads (streamed scripts; edgescore's lazy chunk asks, with
// an explicit compile hint, for all its functions to be compiled there). The hide is an
// untrusted event (headless Chromium hides no tab): web-vitals reports LCP only on a trusted
// input or hide, so edgescore's hide beacon carries CLS, INP and the engagement, not LCP
// (one event of a batch that is sent anyway). Without the hide, what each script does at
// the end of a page view was outside the window for all, and edgescore's Web Vitals, which
// wait for it, would have looked free.
// Why metrics and not a trace: they count the same main-thread work, one call per load
// reads them, the trace's own overhead stays out, and nothing has to be attributed event by
// event to a script's URL (which would miss the style and layout work a script causes).
//
// Contestants are interleaved: each round loads every page once, the order rotated every
// round, so drift and noise hit all alike and none always follows the heaviest.
// BENCH_SCRIPT_WARMUP rounds (1) first, not counted, then BENCH_SCRIPT_ROUNDS (20: ~110 s
// here, a new renderer per load costs ~0.3 s; 3 runs of 20 gave own-cost medians within 10%).
// Flags: --json [path] also writes the results (default bench/script/results.json).
// Environment: BENCH_SCRIPT_ROUNDS, BENCH_SCRIPT_WARMUP, BENCH_SCRIPT_WINDOW_MS,
// BENCH_SCRIPT_HIDE_MS, CHROMIUM_PATH (/usr/bin/chromium).
// Exits 2 if the bench could not run (no Chromium, the build failed, a peer is not
// installed, a page's script never sent anything), else 0: the checks print ok or NO.
//
// Modules: contestants.ts (the scripts and their pages' heads), page.ts (the test page and
// its server), measure.ts (a load, the rounds, their summary), report.ts (the tables);
// ablate.ts, run on its own, compares builds of the script on an already loaded page.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { buildSdk, sizes } from "../../scripts/build-sdk.mjs";
import { vitalsRate } from "../../sdk/src/lazy/sample.ts";
import { BenchError, fmt, intEnv, jsonPath, machine as readMachine, quantile, root } from "../shared.ts";
import { contestants } from "./contestants.ts";
import { measure, summarise, type Load, type Metric, type Summary } from "./measure.ts";
import { startServer, type Server } from "./page.ts";
import { pct, printBytes, printLoads, printOwn, type Bytes } from "./report.ts";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const CORE_BUDGET_GZIP = 2048;
/** edgescore's default configuration: its sampled and unsampled page loads, weighed. */
const DEFAULT = "edgescore";
/** What each of edgescore's files is. */
const CHUNKS: Record<string, string> = { "es.js": "core", "es-captures.js": "lazy chunk", "es-vitals.js": "web-vitals, sampled loads only" };

interface Run {
  rows: Summary[];
  loads: Record<string, Load[]>;
}
const JSON_PATH = jsonPath(path.join(root, "bench/script/results.json"));

async function main() {
  const options = {
    runs: intEnv("BENCH_SCRIPT_RUNS", 3),
    rounds: intEnv("BENCH_SCRIPT_ROUNDS", 20),
    warmup: intEnv("BENCH_SCRIPT_WARMUP", 1, 0),
    windowMs: intEnv("BENCH_SCRIPT_WINDOW_MS", 700, 0),
    hideMs: intEnv("BENCH_SCRIPT_HIDE_MS", 200, 0),
  };
  if (!existsSync(CHROMIUM)) throw new BenchError(`no Chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH`);
  const machine = readMachine();

  const tmp = mkdtempSync(path.join(os.tmpdir(), "edgescore-bench-script-"));
  let browser: Browser | undefined;
  let server: Server | undefined;
  try {
    await buildSdk({ types: false, quiet: true, out: tmp }).catch((err: Error) => {
      throw new BenchError(`could not build the browser script: ${err?.message ?? err}`);
    });
    const all = contestants(path.join(tmp, "public"));

    console.log("edgescore bench: the browser script, against peers in the same run");
    console.log(`  machine:     ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}`);
    console.log("               note: 2 shared, noisy cores; Chromium's processes and this one share them");

    // Every file once: edgescore's two pages share theirs, so do Plausible's.
    const bytes: Bytes[] = [...new Map(all.flatMap((c) => (c.scripts ?? []).map((s): [string, Bytes] => [path.join(c.dir!, s), {
      contestant: c.name.split("-")[0]!,
      file: s,
      label: c.pkg ? `${c.pkg}@${c.version} ${path.relative(c.pkgDir!, path.join(c.dir!, s))}` : `edgescore ${s} (${CHUNKS[s]})`,
      ...sizes(path.join(c.dir!, s)),
    }]))).values()];
    console.log("\nbytes, as served (uncompressed file, gzip -9 as the gzip command writes it, brotli 11)");
    printBytes(bytes);

    const started = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }).catch((err: Error) => {
      throw new BenchError(`could not start Chromium at ${CHROMIUM}: ${err?.message?.split("\n")[0] ?? err}`);
    });
    browser = started;
    const served = (server = await startServer(all));
    console.log(`\nmain-thread time per page load: Chromium ${started.version()}, a fresh context per load, CDP Performance metrics in`);
    console.log(`  thread time ${options.windowMs} ms after load, then the page hidden and ${options.hideMs} ms more; ${options.runs} runs of ${options.warmup} warm-up + ${options.rounds} rounds,`);
    console.log("  each loading every page once, order rotated per round");
    const runs: Run[] = [];
    for (let i = 0; i < options.runs; i++) {
      console.log(`\nrun ${i + 1} of ${options.runs}`);
      const loads = await measure(started, served, all, options);
      const rows = summarise(all, loads);
      const silent = rows.filter((r) => r.name !== "none" && r.sentInWindow === 0);
      if (silent.length) throw new BenchError(`${silent.map((r) => r.name).join(", ")} sent nothing within ${options.windowMs} ms of load: the page is not set up right`);
      console.log("per load (median and p90; main-thread CPU ms: task = in tasks, script = running JavaScript)");
      printLoads(rows);
      runs.push({ rows, loads });
    }
    for (const r of runs[0]!.rows.filter((x) => x.name !== "none")) console.log(`  ${r.name} asked for: ${r.requested.join(" ")}`);

    // Own cost per page view (median minus the no-script page's), per run; edgescore's default
    // weighs its two kinds of page load as its default sample rate does.
    const share = vitalsRate(undefined);
    const ownOf = (rows: Summary[], name: string, m: Metric) => {
      const of = (n: string) => rows.find((r) => r.name === n)!.figures[m].own;
      return name === DEFAULT ? share * of("edgescore-sampled") + (1 - share) * of("edgescore-unsampled") : of(name);
    };
    const names = [DEFAULT, "edgescore-sampled", "edgescore-unsampled", "plausible", "plausible-default", "posthog"];
    const own = (name: string, m: Metric) => runs.map((r) => ownOf(r.rows, name, m));
    const ratio = (a: string, b: string, m: Metric) => quantile(runs.map((r) => ownOf(r.rows, a, m) / ownOf(r.rows, b, m)), 0.5)!;
    console.log(`\nown cost per page view: each page's median minus the no-script page's, the median of the ${options.runs} runs (each run's figure in brackets);`);
    console.log(`  ratios are the median of each run's ratio. ${DEFAULT}: ${share} × sampled + ${1 - share} × unsampled, as its default samples`);
    printOwn(names.map((name) => ({
      name,
      task: own(name, "TaskDuration"),
      script: own(name, "ScriptDuration"),
      vsPlausible: ratio(name, "plausible", "TaskDuration"),
      vsDefault: ratio(name, "plausible-default", "TaskDuration"),
    })));

    const core = bytes.find((f) => f.file === "es.js")!;
    const checks = {
      mainThreadAtMostPlausible: ratio(DEFAULT, "plausible", "TaskDuration") <= 1,
      coreWithinBudget: core.gzip <= CORE_BUDGET_GZIP,
    };
    console.log("\nchecks");
    console.log(`  edgescore (default) main-thread ≤ Plausible's like for like: ${pct(ratio(DEFAULT, "plausible", "TaskDuration"), 1)} of its own task ms (script ms ${pct(ratio(DEFAULT, "plausible", "ScriptDuration"), 1)}): ${checks.mainThreadAtMostPlausible ? "ok" : "NO"}`);
    console.log(`  core ≤ ${CORE_BUDGET_GZIP} B gzip -9: ${core.gzip} B: ${checks.coreWithinBudget ? "ok" : "NO"}`);
    for (const { rows } of runs) {
      for (const r of rows.filter((x) => x.name !== "none" && x.sentInWindow < x.loads)) {
        console.log(`  note: ${r.name} sent nothing within the window in ${r.loads - r.sentInWindow} of ${r.loads} loads`);
      }
      // Edgescore and Plausible send at the hide (PostHog only when the page is left): else the hide did not reach them.
      for (const r of rows.filter((x) => !x.name.startsWith("posthog") && x.name !== "none" && x.sentAtHide < x.loads)) {
        console.log(`  note: ${r.name} sent nothing as the page was hidden in ${r.loads - r.sentAtHide} of ${r.loads} loads`);
      }
      // Start-up work still going on at the window's end may be cut off in some loads.
      for (const r of rows.filter((x) => x.lastRequestMs > options.windowMs - 100)) {
        console.log(`  note: ${r.name} asked for something ${fmt(r.lastRequestMs, 0)} ms after load, near the window's end: raise BENCH_SCRIPT_WINDOW_MS`);
      }
    }

    if (JSON_PATH) {
      writeFileSync(JSON_PATH, JSON.stringify({
        date: new Date().toISOString(), machine, chromium: started.version(), options,
        bytes: bytes.map(({ label, ...b }) => b), checks,
        runs: runs.map(({ rows, loads }) => ({
          contestants: rows,
          loads: Object.fromEntries(Object.entries(loads).map(([name, list]) => [name, list.map(({ requests, ...l }) => l)])),
        })),
      }, null, 2) + "\n");
      console.log(`\nresults written to ${path.relative(process.cwd(), JSON_PATH) || JSON_PATH}`);
    }
  } finally {
    await browser?.close().catch(() => {});
    await server?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  console.error(err instanceof BenchError ? `bench: ${err.message}` : `\nbench: ${(err as Error)?.stack ?? err}`);
  process.exit(2);
}
