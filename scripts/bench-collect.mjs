// `npm run bench collect`: the collect API's throughput, measured locally in workerd.
//
// The worker (wrangler.toml's `main`, bundled with esbuild) and the baselines
// (test/bench/baseline-worker.js) run in one workerd started through Miniflare's
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
// Flags: --json [path] also writes the results as JSON (default test/bench/results-collect.json).
//
// Exits 1 if any measured request failed (5xx, reset, timed out, or an answer that
// did not accept every event), 2 if the bench itself could not run.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { Log, LogLevel, Miniflare } from "miniflare";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const intEnv = (name, fallback, min = 1) => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) fail(`${name} must be an integer ≥ ${min}, not "${raw}"`);
  return n;
};

const VISITORS = intEnv("BENCH_VISITORS", 10_000);
const CONCURRENCY = intEnv("BENCH_CONCURRENCY", 64);
const RUNS = intEnv("BENCH_RUNS", 1);
const ONE_VISITOR_REQUESTS = intEnv("BENCH_ONE_VISITOR_REQUESTS", 2_000);
const WARMUP = intEnv("BENCH_WARMUP", 500, 0);
const PHASE_CAP_MS = intEnv("BENCH_PHASE_CAP_S", 120) * 1000;
const WAVE = intEnv("BENCH_WAVE", 1_000, 0);
const SETTLE_OBJECTS = 100;
const REQUEST_TIMEOUT_MS = 30_000;
// Where the Durable Objects' SQLite files live. Miniflare's in-memory storage has no
// SQL API, so SQLite always lives in files: "tmpfs" (the default where /dev/shm exists)
// keeps them in RAM, so the figures are the runtime's and the product's CPU work;
// "disk" keeps them in a temp folder on disk, adding this VM's file creation and
// fsyncs (about 7 per new object) to every write, and its noise.
const PERSIST = process.env.BENCH_PERSIST || (existsSync("/dev/shm") ? "tmpfs" : "disk");
if (!["disk", "tmpfs"].includes(PERSIST)) fail(`BENCH_PERSIST must be "disk" or "tmpfs", not "${PERSIST}"`);
const PERSIST_ROOT = PERSIST === "tmpfs" ? "/dev/shm" : os.tmpdir();
if (PERSIST === "tmpfs" && !existsSync(PERSIST_ROOT)) fail("BENCH_PERSIST=tmpfs needs /dev/shm");
const PROFILE = process.env.BENCH_PROFILE === "1";
const ONLY = process.env.BENCH_PHASES ? process.env.BENCH_PHASES.split(",").map((p) => p.trim()) : null;
const EVENTS_PER_BATCH = 10;

const jsonAt = process.argv.indexOf("--json");
const JSON_PATH = jsonAt === -1
  ? undefined
  : path.resolve(process.argv[jsonAt + 1] && !process.argv[jsonAt + 1].startsWith("--")
    ? process.argv[jsonAt + 1]
    : path.join(root, "test/bench/results-collect.json"));

const ADMIN_TOKEN = "bench-admin-token";
const SITE = "bench";
const ORIGIN = "http://bench.local";

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------
// The worker and its runtime

function wranglerConfig() {
  const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!date) fail("no compatibility_date in wrangler.toml");
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
  const main = /^main\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? "worker/src/index.ts";
  return {
    main,
    compatibilityDate: date,
    compatibilityFlags: flags ? [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [],
  };
}

async function bundleWorker(entry, outdir) {
  const outfile = path.join(outdir, "worker.js");
  await esbuild.build({
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["workerd", "worker", "browser", "module", "main"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "error",
  });
  return outfile;
}

async function startRuntime(tmp, config, workerPath) {
  const persistDir = path.join(tmp, "state");
  const mf = new Miniflare({
    log: new Log(LogLevel.WARN),
    logRequests: false,
    cf: false, // a fixed request.cf: no network, no cf.json download
    host: "127.0.0.1",
    port: 0,
    // A V8 inspector on this port, to take a CPU profile of the runtime while the bench runs.
    ...(process.env.BENCH_INSPECTOR_PORT && { inspectorPort: Number(process.env.BENCH_INSPECTOR_PORT) }),
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.on("data", (chunk) => process.stdout.write(chunk));
      runtimeLog.attach(stderr);
    },
    // KV in the same temp folder (collect reads a site once per 10 s per isolate).
    kvPersist: path.join(persistDir, "kv"),
    durableObjectsPersist: path.join(persistDir, "do"),
    workers: [
      {
        name: "edgescore",
        modulesRoot: path.dirname(workerPath),
        modules: [{ type: "ESModule", path: workerPath, contents: readFileSync(workerPath, "utf8") }],
        compatibilityDate: config.compatibilityDate,
        compatibilityFlags: config.compatibilityFlags,
        durableObjects: {
          PROFILES: { className: "Profile", useSQLite: true },
          FUNNEL: { className: "Funnel", useSQLite: true },
          ACTIVITY: { className: "Activity", useSQLite: true },
          COHORTS: { className: "Cohort", useSQLite: true },
        },
        kvNamespaces: ["SITES"],
        bindings: { ADMIN_TOKEN, IDENTITY_SECRET: "bench-identity-secret", RATE_LIMIT_EXEMPT: "127.0.0.1,::1" },
        // The limiters run (their cost is part of collect's), with a limit the load never reaches:
        // the one-visitor phase sends thousands of batches for one visitor in seconds.
        ratelimits: {
          VISITOR_RATE_LIMIT: { simple: { limit: 1_000_000_000, period: 60 } },
          ADDRESS_RATE_LIMIT: { simple: { limit: 1_000_000_000, period: 60 } },
          AUTH_RATE_LIMIT: { simple: { limit: 10, period: 60 } },
        },
      },
      {
        name: "baseline",
        routes: ["*/__bench/*"],
        modules: true,
        scriptPath: path.join(root, "test/bench/baseline-worker.js"),
        compatibilityDate: config.compatibilityDate,
        compatibilityFlags: config.compatibilityFlags,
        durableObjects: { OBJ: { className: "Row", useSQLite: true } },
      },
    ],
  });
  const url = await mf.ready;
  return { mf, url };
}

/**
 * workerd's stderr, shown once per distinct message (ids and stacks stripped): a
 * burst of failures logs one line per request, with a stack trace each.
 */
const runtimeLog = {
  seen: new Map(),
  attach(stream) {
    let rest = "";
    stream.on("data", (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop();
      for (const line of lines) this.line(line);
    });
  },
  line(line) {
    if (!line.trim() || line.startsWith("stack:") || /^\s+at /.test(line)) return;
    const key = line
      .replace(/(wdErrId|reference) = \w+/g, "$1 = …")
      .replace(/[0-9a-f]{32,}/g, "…")
      .slice(0, 400);
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    if (n === 1) console.log(`  workerd: ${key}`);
  },
  /** Prints how often each message repeated since the last call, and forgets them. */
  flush() {
    for (const [key, n] of this.seen) if (n > 1) console.log(`  workerd: (${n - 1} more) ${key.slice(0, 160)}`);
    this.seen.clear();
  },
};

/** Pids of this process's child processes named workerd (Linux only; empty elsewhere). */
function workerdPids() {
  try {
    const pids = [];
    for (const task of readdirSync(`/proc/${process.pid}/task`)) {
      const children = readFileSync(`/proc/${process.pid}/task/${task}/children`, "utf8").trim();
      for (const pid of children.split(/\s+/).filter(Boolean)) {
        if (readFileSync(`/proc/${pid}/stat`, "utf8").includes("(workerd)")) pids.push(pid);
      }
    }
    return pids;
  } catch {
    return [];
  }
}

/** CPU seconds used so far by the workerd child process (Linux only). */
function runtimeCpuSeconds() {
  const pids = workerdPids();
  if (!pids.length) return undefined;
  try {
    let ticks = 0;
    for (const pid of pids) {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    }
    return ticks / CLK_TCK;
  } catch {
    return undefined;
  }
}
const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

// ---------------------------------------------------------------------------
// Load

function makeClient(baseUrl) {
  const { hostname, port } = new URL(baseUrl);
  const newAgent = () => new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY, maxFreeSockets: CONCURRENCY });
  let agent = newAgent();
  /**
   * One request; resolves with { status, body } or { error, socket }. Never rejects.
   * On an error, `socket` tells whether the request went out on a kept-alive socket
   * and how long that socket had been idle: tells a keep-alive race from a reset.
   */
  function send(method, pathname, body, headers = {}) {
    return new Promise((resolve) => {
      const start = performance.now();
      let socketInfo = "";
      const failed = (err) => resolve({ error: err.code ?? err.message, socket: socketInfo });
      const req = http.request(
        {
          agent, hostname, port, method, path: pathname,
          headers: { ...headers, ...(body && { "Content-Length": body.length }) },
        },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => {
            req.socket.benchLastResponse = performance.now();
            resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") });
          });
          res.on("error", failed);
        },
      );
      req.on("socket", (socket) => {
        socket.benchRequests = (socket.benchRequests ?? 0) + 1;
        socketInfo = socket.benchLastResponse === undefined
          ? "on a new socket"
          : `on a kept-alive socket (request ${socket.benchRequests} on it) idle ${(start - socket.benchLastResponse).toFixed(0)} ms before`;
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
      req.on("error", failed);
      req.end(body);
    });
  }
  /**
   * Drops the kept-alive sockets for new ones, before each wave. workerd closes idle
   * keep-alive connections in sweeps; a request written as its socket is being
   * closed fails with ECONNRESET on the client (seen: all 64 sockets at once at the
   * start of a phase). Fresh sockets per wave take that race out of the figures.
   */
  function reconnect() {
    agent.destroy();
    agent = newAgent();
  }
  return { send, reconnect, close: () => agent.destroy() };
}

// A browser's agent, named: any other is bot traffic, which is not scored and so not what is measured.
const COLLECT_HEADERS = { Origin: ORIGIN, "Content-Type": "text/plain", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; edgescore-bench) Firefox/130.0" };

/** Ten events as the browser script sends them: page views, downloads and a demo request. */
function batch(vid, tag) {
  const now = Date.now();
  const e = (k, rest) => ({ id: `${tag}-${k}`, ts: now - (EVENTS_PER_BATCH - k) * 1000, ...rest });
  const page = (k, p, title) => e(k, { type: "pageview", url: `${ORIGIN}${p}`, props: { title } });
  const events = [
    page(0, "/", "Home"),
    page(1, "/pricing", "Pricing"),
    page(2, "/features", "Features"),
    e(3, { type: "download", url: `${ORIGIN}/resources`, props: { href: "/files/a.pdf", text: "x" } }),
    page(4, "/docs", "Docs"),
    page(5, "/pricing", "Pricing"),
    e(6, { type: "track", url: `${ORIGIN}/`, name: "demo_request", props: {} }),
    page(7, "/blog/edge", "Blog"),
    e(8, { type: "download", url: `${ORIGIN}/resources`, props: { href: "/files/b.pdf", text: "y" } }),
    page(9, "/contact", "Contact"),
  ];
  return Buffer.from(JSON.stringify({ site: SITE, vid, sid: "s1", events }));
}

/**
 * Sends every body of `work` (a list of { path, body }) with CONCURRENCY senders
 * pulling from it, stopping early at the phase's time cap. Collect answers must be
 * 200 and accept every event; baselines must be 200.
 *
 * With `objects` (each request opens a Durable Object: new or returning visitors,
 * the one-row baseline), the list is sent in waves of WAVE requests, and before each
 * wave the runtime is left idle until the objects of earlier waves and phases have
 * been evicted (see `settle`). Only the time spent serving counts.
 */
async function runPhase(client, runtime, name, work, { collect, objects = false, events = EVENTS_PER_BATCH }) {
  const latencies = new Float64Array(work.length);
  const errors = {};
  const samples = {};
  let done = 0;
  let resets = 0;
  let capped = false;
  let seconds = 0;
  let settleSeconds = 0;
  let clientCpuSeconds = 0;
  let runtimeCpuSecondsUsed = 0;
  let runtimeCpuKnown = true;
  const count = (key, sample) => {
    errors[key] = (errors[key] ?? 0) + 1;
    if (sample !== undefined && !(key in samples)) samples[key] = sample.slice(0, 300);
  };

  const waveSize = objects && WAVE > 0 ? WAVE : work.length;
  const waves = [];
  for (let i = 0; i < work.length; i += waveSize) waves.push(work.slice(i, i + waveSize));
  for (const [waveIndex, wave] of waves.entries()) {
    if (objects) settleSeconds += await settle(runtime);
    client.reconnect();
    if (seconds * 1000 > PHASE_CAP_MS) {
      capped = true;
      break;
    }
    let next = 0;
    const cpu0 = process.cpuUsage();
    const runtime0 = runtimeCpuSeconds();
    const t0 = performance.now();
    const budget = PHASE_CAP_MS - seconds * 1000;
    const sender = async () => {
      for (;;) {
        if (next >= wave.length) return;
        if (performance.now() - t0 > budget) return void (capped = true);
        const index = next++;
        const { path: p, body } = wave[index];
        const start = performance.now();
        let res = await client.send("POST", p, body, COLLECT_HEADERS);
        // A kept-alive socket workerd closed as the request went out: sent again on a new one, as
        // any HTTP client does (bodies are idempotent by event id), and counted apart.
        for (let tries = 0; tries < 3 && res.error === "ECONNRESET" && res.socket.startsWith("on a kept-alive"); tries++) {
          resets++;
          res = await client.send("POST", p, body, COLLECT_HEADERS);
        }
        latencies[done++] = performance.now() - start;
        if (res.error) {
          const at = `request ${index + 1} of wave ${waveIndex + 1}, sent ${(start - t0).toFixed(0)} ms into the wave ${res.socket}, failed after ${(performance.now() - start).toFixed(0)} ms`;
          count(`net:${res.error}`, at);
        }
        else if (res.status !== 200) count(String(res.status), res.body);
        else if (collect) {
          let answer;
          try {
            answer = JSON.parse(res.body);
          } catch {}
          if (answer?.accepted !== events || answer.rejected?.length) count("200-not-all-accepted", res.body);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    seconds += (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    clientCpuSeconds += (cpu.user + cpu.system) / 1e6;
    const runtime1 = runtimeCpuSeconds();
    if (runtime0 === undefined || runtime1 === undefined) runtimeCpuKnown = false;
    else runtimeCpuSecondsUsed += runtime1 - runtime0;
  }

  const sorted = latencies.subarray(0, done).sort();
  const pct = (p) => (done ? sorted[Math.min(done - 1, Math.ceil((p / 100) * done) - 1)] : NaN);
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    name,
    requests: done,
    seconds,
    waves: waves.length,
    settleSeconds,
    rps: done / seconds,
    eventsPerSec: collect ? (done * events) / seconds : null,
    p50: pct(50),
    p99: pct(99),
    errors: errorCount,
    resets,
    errorsByStatus: errors,
    errorSamples: samples,
    capped,
    clientCpu: clientCpuSeconds / seconds, // cores used by this process while serving
    runtimeCpu: runtimeCpuKnown ? runtimeCpuSecondsUsed / seconds : null,
    runtimeCpuMsPerRequest: runtimeCpuKnown && done ? (runtimeCpuSecondsUsed * 1000) / done : null,
  };
}

/**
 * Waits until the runtime holds no more than a few open Durable Objects, and
 * answers how long it waited. Local workerd keeps an idle object open for about
 * 10 s (found: evictions come in sweeps, 10–20 s after last use), and once some
 * 2,800–3,400 SQLite-backed objects are open in the one process, opening another
 * fails with SQLITE_NOMEM (answered 500) — a limit of the local runtime, which in
 * production spreads objects over many machines. Each open object holds 3 file
 * descriptors (.sqlite, -wal, -shm), so workerd's descriptor count tells how many
 * are open. Without /proc, waits a fixed 25 s.
 */
async function settle(runtime) {
  const t0 = performance.now();
  if (WAVE === 0) return 0;
  if (runtime.idleFds === undefined) {
    await sleep(25_000);
    return (performance.now() - t0) / 1000;
  }
  for (;;) {
    const fds = runtimeFds();
    if (fds === undefined || (fds - runtime.idleFds) / 3 <= SETTLE_OBJECTS) break;
    if (performance.now() - t0 > 60_000) {
      console.log(`    (still ${Math.round((fds - runtime.idleFds) / 3)} objects open after 60 s; going on)`);
      break;
    }
    await sleep(250);
  }
  return (performance.now() - t0) / 1000;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Open file descriptors of the workerd child process (Linux only). */
function runtimeFds() {
  const pid = workerdPids()[0];
  if (!pid) return undefined;
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// Soak (`--soak`): a bounded long load, reported over time

/**
 * BENCH_SOAK_S seconds (600) of collect from a pool of BENCH_SOAK_VISITORS (2,000)
 * visitors, each request a random one of them (so most are returning, and the pool
 * stays under local workerd's open-object limit), reported every BENCH_SOAK_EVERY_S
 * (30): throughput, latency, errors and workerd's resident memory. A leak shows as
 * memory that keeps rising; a slowdown as falling throughput.
 */
async function soak(config, workerPath) {
  const seconds = intEnv("BENCH_SOAK_S", 600);
  const every = intEnv("BENCH_SOAK_EVERY_S", 30);
  const pool = intEnv("BENCH_SOAK_VISITORS", 2_000);
  const tmp = mkdtempSync(path.join(PERSIST_ROOT, "edgescore-soak-"));
  let mf;
  let client;
  try {
    const started = await startRuntime(tmp, config, workerPath);
    mf = started.mf;
    client = makeClient(started.url);
    await client.send("PUT", `/v1/sites/${SITE}`, Buffer.from(JSON.stringify({ name: "Bench", origins: [ORIGIN] })),
      { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" });
    console.log(`\nsoak: ${seconds} s, ${CONCURRENCY} senders, ${pool} visitors, persistence ${persistLabel()}`);
    console.log(["t (s)", "req/s", "events/s", "p50 ms", "p99 ms", "errors", "workerd RSS MiB"].map((h, i) => (i ? h.padStart(16) : h.padEnd(8))).join(""));
    const rows = [];
    const t0 = performance.now();
    let n = 0;
    let window = { latencies: [], errors: 0 };
    const report = () => {
      const l = Float64Array.from(window.latencies).sort();
      const pct = (p) => (l.length ? l[Math.min(l.length - 1, Math.ceil((p / 100) * l.length) - 1)] : NaN);
      const row = {
        t: Math.round((performance.now() - t0) / 1000), rps: l.length / every, eventsPerSec: (l.length * EVENTS_PER_BATCH) / every,
        p50: pct(50), p99: pct(99), errors: window.errors, rssMiB: runtimeRssMiB(),
      };
      rows.push(row);
      console.log([String(row.t).padEnd(8), fmt(row.rps, 0), fmt(row.eventsPerSec, 0), fmt(row.p50, 1), fmt(row.p99, 1), String(row.errors), fmt(row.rssMiB, 0)]
        .map((c, i) => (i ? c.padStart(16) : c)).join(""));
      window = { latencies: [], errors: 0 };
    };
    const timer = setInterval(report, every * 1000);
    const sender = async () => {
      while (performance.now() - t0 < seconds * 1000) {
        const vid = `soak-${String(Math.floor(Math.random() * pool)).padStart(6, "0")}`;
        const start = performance.now();
        const body = batch(vid, `s${n++}`);
        let res = await client.send("POST", "/v1/collect", body, COLLECT_HEADERS);
        // A kept-alive socket closed by workerd as the request went out: what any HTTP client
        // does is send it again on a new one (the batch is idempotent by its event ids).
        for (let tries = 0; tries < 3 && res.error === "ECONNRESET" && res.socket.startsWith("on a kept-alive"); tries++) {
          resets++;
          res = await client.send("POST", "/v1/collect", body, COLLECT_HEADERS);
        }
        window.latencies.push(performance.now() - start);
        if (res.error || res.status !== 200) {
          window.errors++;
          firstError ??= res.error ?? `${res.status} ${res.body.slice(0, 200)}`;
        }
      }
    };
    let firstError;
    let resets = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    clearInterval(timer);
    const errors = rows.reduce((a, r) => a + r.errors, 0) + window.errors;
    const rss = rows.map((r) => r.rssMiB).filter(Number.isFinite);
    if (firstError) console.log(`  first error: ${firstError}`);
    console.log(`\nsoak: ${n} requests, ${errors} errors (${resets} keep-alive resets sent again); median req/s ${fmt(median(rows.map((r) => r.rps)), 0)}; workerd RSS ${fmt(rss[0], 0)} → ${fmt(rss.at(-1), 0)} MiB (max ${fmt(Math.max(...rss), 0)})`);
    if (JSON_PATH) writeFileSync(JSON_PATH, JSON.stringify({ date: new Date().toISOString(), machine, soak: { seconds, every, pool, concurrency: CONCURRENCY, rows, errors, resets } }, null, 2) + "\n");
    return errors ? 1 : 0;
  } finally {
    client?.close();
    await mf?.dispose().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Resident memory of the workerd child process in MiB (Linux only). */
function runtimeRssMiB() {
  const pid = workerdPids()[0];
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------
// One run: a fresh runtime and a fresh temp folder

async function oneRun(run, config, workerPath) {
  const tmp = mkdtempSync(path.join(PERSIST_ROOT, "edgescore-bench-"));
  let mf;
  let client;
  try {
    const started = await startRuntime(tmp, config, workerPath);
    mf = started.mf;
    client = makeClient(started.url);

    const site = await client.send(
      "PUT", `/v1/sites/${SITE}`,
      Buffer.from(JSON.stringify({ name: "Bench", origins: [ORIGIN] })),
      { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    );
    if (site.error || (site.status !== 201 && site.status !== 200)) {
      throw new Error(`could not create the bench site: ${site.error ?? `${site.status} ${site.body}`}`);
    }
    const probe = await client.send("POST", "/v1/collect", batch("bench-probe-visitor", "probe"), COLLECT_HEADERS);
    if (probe.status !== 200 || JSON.parse(probe.body).accepted !== EVENTS_PER_BATCH || JSON.parse(probe.body).score.engagement === 0) {
      throw new Error(`collect does not accept and score the bench's batch: ${probe.error ?? `${probe.status} ${probe.body}`}`);
    }

    const rows = [];
    const runtime = {};
    const phase = async (name, warm, work, opts) => {
      if (ONLY && !ONLY.includes(name)) return null;
      let warmupErrors = {};
      if (warm.length) {
        const w = await runPhase(client, runtime, `${name} (warm-up)`, warm, opts);
        if (w.errors) console.log(`  warm-up of ${name}: ${w.errors} errors ${JSON.stringify(w.errorsByStatus)} e.g. ${JSON.stringify(w.errorSamples)}`);
        warmupErrors = w.errorsByStatus;
      }
      const row = await runPhase(client, runtime, name, work, opts);
      row.warmupErrorsByStatus = warmupErrors;
      runtimeLog.flush();
      printRow(row);
      rows.push(row);
      return row;
    };
    const same = (p, n) => Array.from({ length: n }, (_, i) => ({ path: p, body: batch(`bench-baseline-${i}`, `b${i}`) }));
    const vid = (kind, i) => `bench-${kind}-${String(i).padStart(6, "0")}`;
    const visitors = (kind, n, tag) => Array.from({ length: n }, (_, i) => ({
      path: "/v1/collect", body: batch(vid(kind, i), `${tag}${i}`),
    }));

    console.log(`\nrun ${run}/${RUNS}  (runtime at ${started.url}, persistence: ${persistLabel()})`);
    printHeader();
    await phase("noop", same("/__bench/noop", WARMUP), same("/__bench/noop", VISITORS), { collect: false });
    runtime.idleFds = runtimeFds(); // the runtime with the client's sockets open and no visitor objects
    await phase("one-object-one-row", same("/__bench/one-row", WARMUP), same("/__bench/one-row", VISITORS), { collect: false, objects: true });
    const one = (tag, n) => Array.from({ length: n }, (_, i) => ({ path: "/v1/collect", body: batch("bench-one-visitor", `${tag}${i}`) }));
    await phase("collect-one-visitor", one("w", Math.min(100, WARMUP)), one("o", ONE_VISITOR_REQUESTS), { collect: true });
    await phase("collect-new", visitors("warm", WARMUP, "wn"), visitors("v", VISITORS, "n"), { collect: true, objects: true });
    await phase("collect-returning", visitors("warm", WARMUP, "wr"), visitors("v", VISITORS, "r"), { collect: true, objects: true });
    if (PROFILE) {
      await phase("same-sql-10-events", same("/__bench/same-sql?n=10", WARMUP), same("/__bench/same-sql?n=10", VISITORS), { collect: false, objects: true });
      await phase("one-object-one-row (again)", [], same("/__bench/one-row", VISITORS), { collect: false, objects: true });
    }
    const result = { run, rows, ratios: ratiosOf(rows) };
    printRatios(result.ratios);
    return result;
  } finally {
    client?.close();
    await mf?.dispose().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
}

function ratiosOf(rows) {
  const rps = (name) => rows.find((r) => r.name === name)?.rps;
  const ratio = (a, b) => (rps(a) && rps(b) ? rps(a) / rps(b) : null);
  return {
    "collect-new / one-object-one-row": ratio("collect-new", "one-object-one-row"),
    "collect-returning / one-object-one-row": ratio("collect-returning", "one-object-one-row"),
    "collect-new / noop": ratio("collect-new", "noop"),
    "collect-returning / noop": ratio("collect-returning", "noop"),
    "collect-returning / collect-new": ratio("collect-returning", "collect-new"),
    "one-object-one-row / noop": ratio("one-object-one-row", "noop"),
    ...(rps("same-sql-10-events") && {
      "collect-new / same-sql-10-events": ratio("collect-new", "same-sql-10-events"),
      "same-sql-10-events / one-object-one-row": ratio("same-sql-10-events", "one-object-one-row"),
    }),
  };
}

// ---------------------------------------------------------------------------
// Output

const persistLabel = () => PERSIST === "tmpfs"
  ? "tmpfs (Durable Object SQLite and KV files in a temp folder in /dev/shm, RAM)"
  : `disk (Durable Object SQLite and KV files in a temp folder in ${os.tmpdir()}, on disk)`;

const COLUMNS = [
  ["phase", 28, (r) => r.name + (r.capped ? " (capped)" : "")],
  ["requests", 9, (r) => String(r.requests)],
  ["events/s", 9, (r) => (r.eventsPerSec == null ? "-" : fmt(r.eventsPerSec, 0))],
  ["req/s", 8, (r) => fmt(r.rps, 0)],
  ["p50 ms", 8, (r) => fmt(r.p50, 1)],
  ["p99 ms", 8, (r) => fmt(r.p99, 1)],
  ["errors", 7, (r) => String(r.errors)],
  ["resets", 7, (r) => String(r.resets ?? "-")],
  ["workerd cores", 14, (r) => (r.runtimeCpu == null ? "-" : fmt(r.runtimeCpu, 2))],
  ["workerd ms/req", 15, (r) => (r.runtimeCpuMsPerRequest == null ? "-" : fmt(r.runtimeCpuMsPerRequest, 2))],
  ["client cores", 12, (r) => fmt(r.clientCpu, 2)],
];
const fmt = (n, digits) => (Number.isFinite(n) ? n.toFixed(digits) : "-");

function printHeader() {
  console.log(COLUMNS.map(([h, w], i) => (i ? h.padStart(w) : h.padEnd(w))).join(" "));
}
function printRow(row) {
  console.log(COLUMNS.map(([, w, f], i) => (i ? f(row).padStart(w) : f(row).padEnd(w))).join(" "));
  for (const [status, n] of Object.entries(row.errorsByStatus)) {
    const sample = row.errorSamples[status];
    console.log(`    ${n} × ${status}${sample ? `  e.g. ${sample.replace(/\s+/g, " ")}` : ""}`);
  }
}
function printRatios(ratios) {
  for (const [name, value] of Object.entries(ratios)) {
    console.log(`  ${name.padEnd(40)} ${value == null ? "-" : `${(value * 100).toFixed(0)}%`}`);
  }
}

const median = (xs) => {
  const v = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

function mediansOf(results) {
  const names = results[0].rows.map((r) => r.name);
  const rows = names.map((name) => {
    const all = results.map((res) => res.rows.find((r) => r.name === name)).filter(Boolean);
    const m = (k) => median(all.map((r) => r[k]));
    const errorsByStatus = {};
    for (const r of all) for (const [k, n] of Object.entries(r.errorsByStatus)) errorsByStatus[k] = (errorsByStatus[k] ?? 0) + n;
    return {
      name, requests: m("requests"), seconds: m("seconds"), rps: m("rps"), eventsPerSec: m("eventsPerSec"),
      p50: m("p50"), p99: m("p99"), errors: all.reduce((a, r) => a + r.errors, 0), errorsByStatus, errorSamples: {},
      capped: all.some((r) => r.capped), clientCpu: m("clientCpu"), runtimeCpu: m("runtimeCpu"),
      runtimeCpuMsPerRequest: m("runtimeCpuMsPerRequest"),
    };
  });
  const ratios = Object.fromEntries(
    Object.keys(results[0].ratios).map((k) => [k, median(results.map((r) => r.ratios[k]))]),
  );
  return { rows, ratios };
}

// ---------------------------------------------------------------------------

const config = wranglerConfig();
const cpus = os.cpus();
const machine = {
  node: process.version,
  cores: cpus.length,
  cpu: cpus[0]?.model ?? "unknown",
  os: `${os.type()} ${os.release()}`,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
};
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
console.log(`  baselines:   test/bench/baseline-worker.js in the same workerd, same body on the wire`);
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
const results = [];
let medians;
let exitCode = 0;
try {
  const workerPath = await bundleWorker(config.main, tmpBuild);
  if (process.argv.includes("--soak")) process.exit(await soak(config, workerPath));
  for (let run = 1; run <= RUNS; run++) results.push(await oneRun(run, config, workerPath));
} catch (err) {
  console.error(`\nbench: ${err?.stack ?? err}`);
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
  const final = medians ?? results[0];
  const r = final.ratios;
  const newVsRow = r["collect-new / one-object-one-row"];
  const retVsNew = r["collect-returning / collect-new"];
  console.log("\nchecks");
  console.log(`  collect-new ≥ 50% of one-object-one-row (aim 80%): ${newVsRow == null ? "-" : `${(newVsRow * 100).toFixed(0)}%`} ${newVsRow >= 0.5 ? "ok" : "BELOW"}`);
  console.log(`  collect-returning faster than collect-new:         ${retVsNew == null ? "-" : `${(retVsNew * 100).toFixed(0)}%`} ${retVsNew > 1 ? "ok" : "NO"}`);
  const all = results.flatMap((res) => res.rows);
  const sum = (pick, keep = () => true) => all.reduce((a, row) => a + Object.entries(pick(row) ?? {})
    .filter(([k]) => keep(k)).reduce((t, [, n]) => t + n, 0), 0);
  const serverSide = (k) => /^5\d\d$/.test(k) || k.startsWith("net:");
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
