// `npm run bench script`: what the browser script costs a site's visitors, against peers
// measured the same way in the same run.
//
// Bytes: dist/public/es.js (the core every page loads) and es-vitals.js (its lazy chunk),
// built into a temp folder by build-sdk.mjs, and each peer's script as a site serves it:
// raw, gzip -9 and brotli 11 (build-sdk.mjs `sizes`).
//
// Main-thread time: one static marketing page (headings, text, a table, a form, links),
// served by a local node:http server in four versions that differ only in the script they
// embed, each the way its docs say a site embeds it, from the same server:
//   none       no script: the baseline the other pages' figures are taken relative to
//   edgescore  <script async src=".../es.js" data-site>, the classic script; it imports
//              es-vitals.js after the page's load, and that is measured too
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
// Flags: --json [path] also writes the results (default test/bench/results-script.json).
// Environment: BENCH_SCRIPT_ROUNDS, BENCH_SCRIPT_WARMUP, BENCH_SCRIPT_WINDOW_MS,
// BENCH_SCRIPT_HIDE_MS, CHROMIUM_PATH (/usr/bin/chromium).
// Exits 2 if the bench could not run (no Chromium, the build failed, a peer is not
// installed, a page's script never sent anything), else 0: the checks print ok or NO.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { buildSdk, sizes } from "./build-sdk.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A reason the bench cannot run: printed alone, exit code 2. */
class BenchError extends Error {}

const intEnv = (name, fallback, min = 1) => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new BenchError(`${name} must be an integer ≥ ${min}, not "${raw}"`);
  return n;
};

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const CORE_BUDGET_GZIP = 2048;
const METRICS = ["TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration"];

const jsonAt = process.argv.indexOf("--json");
const JSON_PATH = jsonAt === -1
  ? undefined
  : path.resolve(process.argv[jsonAt + 1] && !process.argv[jsonAt + 1].startsWith("--")
    ? process.argv[jsonAt + 1]
    : path.join(root, "test/bench/results-script.json"));

// ---------------------------------------------------------------------------
// The contestants

/** An installed package's folder and version. */
function peer(pkg) {
  const pkgDir = path.join(root, "node_modules", pkg);
  if (!existsSync(path.join(pkgDir, "package.json"))) throw new BenchError(`${pkg} is not installed: run npm install (it is a dev dependency)`);
  return { pkg, pkgDir, version: JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")).version };
}

/**
 * The contestants. Each serves the .js files of `dir` under `prefix`; `scripts` are those its
 * page loads (sized in the bytes table); `head` is what its page embeds; `sends(url)` tells
 * a request of its that carries events.
 */
function contestants(sdkDir) {
  const plausible = peer("@plausible-analytics/tracker");
  const posthog = peer("posthog-js");
  const posthogOptions = (origin) => ({
    api_host: origin,
    advanced_disable_flags: true,
    opt_out_useragent_filter: true,
    request_queue_config: { flush_interval_ms: 250 },
  });
  const all = [
    { name: "none", head: () => "", sends: () => false },
    {
      name: "edgescore",
      version: JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version,
      prefix: "/edgescore/",
      dir: sdkDir,
      scripts: ["es.js", "es-vitals.js"],
      head: () => `<script async src="/edgescore/es.js" data-site="bench"></script>`,
      sends: (url) => url.startsWith("/v1/collect"),
    },
    {
      name: "plausible",
      ...plausible,
      prefix: "/plausible/",
      dir: plausible.pkgDir,
      scripts: ["plausible.js"],
      head: (origin) => `<script type="module">
import { init } from "/plausible/plausible.js";
init({ domain: "bench.example", endpoint: "${origin}/api/event", captureOnLocalhost: true });
</script>`,
      sends: (url) => url.startsWith("/api/event"),
    },
    {
      name: "posthog",
      ...posthog,
      prefix: "/posthog/static/",
      dir: path.join(posthog.pkgDir, "dist"),
      scripts: ["array.js"],
      head: (origin) => `<script>window.posthog = { _i: [["phc_bench", ${JSON.stringify(posthogOptions(origin))}]] };</script>
<script async src="/posthog/static/array.js"></script>`,
      sends: (url) => /^\/(e|i\/v0\/e|batch|capture)\//.test(url),
    },
  ];
  for (const c of all) {
    for (const s of c.scripts ?? []) if (!existsSync(path.join(c.dir, s))) throw new BenchError(`${path.join(c.dir, s)} not found`);
  }
  return all;
}

// ---------------------------------------------------------------------------
// The test page and its server

/** A B2B marketing page: the same for every contestant but for `head`. */
const page = (head) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Northwind Pipeline · Lead routing for revenue teams</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; }
  header, main, footer { max-width: 60rem; margin: 0 auto; padding: 1rem; }
  nav a { margin-right: 1rem; } .cta { background: #2450d8; color: #fff; padding: .5rem 1rem; border-radius: .3rem; }
  .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; }
  form { display: grid; gap: .5rem; max-width: 28rem; } input, select, textarea { font: inherit; padding: .4rem; }
  table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ddd; padding: .4rem; text-align: left; }
</style>
${head}
</head>
<body>
<header>
  <a href="/"><strong>Northwind Pipeline</strong></a>
  <nav><a href="/pricing">Pricing</a><a href="/resources">Resources</a><a href="/blog">Blog</a><a href="/docs">Docs</a><a class="cta" href="#demo">Book a demo</a></nav>
</header>
<main>
  <h1>Route every lead to the right rep in seconds</h1>
  <p>Pipeline scores inbound leads the moment they land, enriches them from your CRM and sends the hot ones straight to sales. No spreadsheets, no lag, no leads left waiting overnight.</p>
  <p><a class="cta" href="#demo">Book a demo</a> or <a href="/pricing">see pricing</a>.</p>
  <section class="grid">
    <div><h2>Score</h2><p>Fit and intent signals combined into one number your team trusts, recalculated on every visit.</p><a href="/features/scoring">How scoring works</a></div>
    <div><h2>Route</h2><p>Round-robin, territory or account-based rules, with fallbacks when a rep is out of office.</p><a href="/features/routing">Routing rules</a></div>
    <div><h2>Report</h2><p>See which campaigns bring pipeline, not just clicks, with revenue attribution across every touch.</p><a href="/features/reports">Reports</a></div>
  </section>
  <h2>Plans</h2>
  <table>
    <thead><tr><th>Plan</th><th>Leads per month</th><th>Price</th></tr></thead>
    <tbody>
      <tr><td>Starter</td><td>1,000</td><td>$49</td></tr>
      <tr><td>Growth</td><td>10,000</td><td>$199</td></tr>
      <tr><td>Scale</td><td>Unlimited</td><td>Talk to us</td></tr>
    </tbody>
  </table>
  <h2>Resources</h2>
  <ul>
    <li><a href="/files/lead-routing-playbook.pdf">The lead routing playbook (PDF)</a></li>
    <li><a href="/files/roi-calculator.xlsx">ROI calculator (spreadsheet)</a></li>
    <li><a href="https://example.org/case-study">Case study: how Acme halved response time</a></li>
  </ul>
  <h2 id="demo">Book a demo</h2>
  <form action="/contact" method="post">
    <label>Name <input name="name" autocomplete="name" required></label>
    <label>Work email <input name="email" type="email" autocomplete="email" required></label>
    <label>Company <input name="company" autocomplete="organization"></label>
    <label>Team size <select name="size"><option>1–10</option><option>11–50</option><option>51–200</option><option>200+</option></select></label>
    <label>What are you looking for? <textarea name="message" rows="3"></textarea></label>
    <button type="submit">Request a demo</button>
  </form>
</main>
<footer>
  <p>© Northwind Pipeline. <a href="/privacy">Privacy</a> · <a href="/terms">Terms</a> · <a href="mailto:sales@example.org">sales@example.org</a></p>
</footer>
</body>
</html>
`;

/** Edgescore's collect answer: with a stage, which the script shows on the page. */
const COLLECT_ANSWER = JSON.stringify({
  vid: "bench-visitor-0001", profile: "p", accepted: 1, duplicates: 0, rejected: [],
  stage: "lead", mql: false, score: { fit: 10, engagement: 5, total: 15 },
});

/**
 * Serves /page/<contestant> and the contestants' files, answers their event requests at
 * once, and records each request's path and arrival time in `log.requests`, when set.
 */
async function startServer(all) {
  const pages = new Map(all.map((c) => [`/page/${c.name}`, c]));
  const log = { requests: null };
  let origin;
  const answer = (url, res) => {
    const pathname = url.split("?")[0];
    if (pages.has(pathname)) return reply(res, 200, "text/html; charset=utf-8", page(pages.get(pathname).head(origin)));
    const file = fileFor(all, pathname);
    if (file) return reply(res, 200, "text/javascript; charset=utf-8", readFileSync(file));
    if (pathname === "/v1/collect") return reply(res, 200, "application/json", COLLECT_ANSWER);
    if (pathname === "/api/event") return reply(res, 202, "text/plain", "ok");
    if (all.some((c) => c.sends(pathname))) return reply(res, 200, "application/json", '{"status":1}');
    reply(res, 404, "text/plain", "not found");
  };
  const server = http.createServer((req, res) => {
    log.requests?.push({ url: req.url, at: performance.now() });
    req.resume().on("end", () => answer(req.url, res));
  });
  await new Promise((resolve, reject) => server.listen(0, "127.0.0.1", resolve).on("error", reject));
  origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, log, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The contestant's .js file a request path names, if any (never outside its folder). */
function fileFor(all, pathname) {
  const c = all.find((x) => x.prefix && pathname.startsWith(x.prefix));
  if (!c) return undefined;
  const file = path.join(c.dir, pathname.slice(c.prefix.length));
  return file.startsWith(c.dir + path.sep) && file.endsWith(".js") && existsSync(file) ? file : undefined;
}

const reply = (res, status, type, body) => {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
  res.end(body);
};

// ---------------------------------------------------------------------------
// Measuring

/** Hides the page as switching to another tab does (headless Chromium never hides one); the event bubbles, as the real one. */
const hide = () => {
  for (const [key, value] of [["visibilityState", "hidden"], ["hidden", true]]) Object.defineProperty(document, key, { value, configurable: true });
  document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
};

/**
 * Loads a contestant's page in a fresh context, waits the window, hides it. Answers its
 * metrics in ms, the paths it asked for, when (ms after `load`) its first event request and
 * its last request before the hide came, and whether it sent events as it was hidden.
 */
async function loadOnce(browser, server, contestant, { windowMs, hideMs }) {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
    const requests = (server.log.requests = []);
    await tab.goto(`${server.origin}/page/${contestant.name}`, { waitUntil: "load" });
    const loaded = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const hidden = performance.now();
    await tab.evaluate(hide);
    await new Promise((resolve) => setTimeout(resolve, hideMs));
    const { metrics } = await cdp.send("Performance.getMetrics");
    server.log.requests = null;
    const ms = (name) => (metrics.find((m) => m.name === name)?.value ?? NaN) * 1000;
    const sends = (r) => contestant.sends(r.url.split("?")[0]);
    const before = requests.filter((r) => r.at < hidden);
    const sent = before.find(sends);
    return {
      ...Object.fromEntries(METRICS.map((m) => [m, ms(m)])),
      firstSendMs: sent ? sent.at - loaded : null,
      lastRequestMs: before.at(-1).at - loaded,
      sentAtHide: requests.some((r) => r.at >= hidden && sends(r)),
      requests: requests.map((r) => r.url.split("?")[0]),
    };
  } finally {
    await context.close();
  }
}

/** Rounds of one load per contestant, the order rotated each round; warm-up rounds dropped. */
async function measure(browser, server, all, { rounds, warmup, windowMs, hideMs }) {
  const loads = Object.fromEntries(all.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (let i = 0; i < all.length; i++) {
      const contestant = all[(i + round) % all.length];
      const result = await loadOnce(browser, server, contestant, { windowMs, hideMs });
      if (round >= warmup) loads[contestant.name].push(result);
    }
    const counted = round + 1 - warmup;
    if (counted > 0 && (counted % 10 === 0 || counted === rounds)) console.log(`  ${counted}/${rounds} rounds`);
  }
  return loads;
}

const quantile = (xs, q) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return null;
  const at = (v.length - 1) * q;
  return v[Math.floor(at)] + (v[Math.ceil(at)] - v[Math.floor(at)]) * (at - Math.floor(at));
};

/** Per contestant and metric: median, p90, and `own`, the median minus the no-script page's. */
function summarise(all, loads) {
  const base = Object.fromEntries(METRICS.map((m) => [m, quantile(loads.none.map((l) => l[m]), 0.5)]));
  return all.map((c) => {
    const list = loads[c.name];
    const figures = Object.fromEntries(METRICS.map((m) => {
      const median = quantile(list.map((l) => l[m]), 0.5);
      return [m, { median, p90: quantile(list.map((l) => l[m]), 0.9), own: median - base[m] }];
    }));
    const sent = list.map((l) => l.firstSendMs).filter((s) => s !== null);
    return {
      name: c.name,
      version: c.version ?? null,
      loads: list.length,
      figures,
      sentInWindow: sent.length,
      sentAtHide: list.filter((l) => l.sentAtHide).length,
      firstSendMs: quantile(sent, 0.5),
      lastRequestMs: Math.max(...list.map((l) => l.lastRequestMs)),
      requested: [...new Set(list.flatMap((l) => l.requests))].sort(),
    };
  });
}

// ---------------------------------------------------------------------------
// Output

const fmt = (n, digits = 1) => (n == null || !Number.isFinite(n) ? "-" : n.toFixed(digits));
const pct = (a, b) => (a == null || b == null || !(b > 0) ? "-" : `${((a / b) * 100).toFixed(0)}%`);

function printTable(columns, rows) {
  const line = (cells) => cells.map((cell, i) => (i ? cell.padStart(columns[i][1]) : cell.padEnd(columns[i][1]))).join(" ");
  console.log(line(columns.map(([title]) => title)));
  for (const row of rows) console.log(line(columns.map(([, , cell]) => cell(row))));
}

function printBytes(files) {
  const core = files[0];
  printTable([
    ["file", 50, (f) => f.label],
    ["raw", 8, (f) => String(f.raw)],
    ["gzip -9", 8, (f) => String(f.gzip)],
    ["brotli", 8, (f) => String(f.brotli)],
    ["core gzip / this", 17, (f) => (f.contestant === "edgescore" ? "" : pct(core.gzip, f.gzip))],
  ], files);
}

function printLoads(rows) {
  const fig = (r, m, k) => r.figures[m][k];
  printTable([
    ["page", 10, (r) => r.name],
    ["loads", 6, (r) => String(r.loads)],
    ["task ms", 8, (r) => fmt(fig(r, "TaskDuration", "median"))],
    ["p90", 6, (r) => fmt(fig(r, "TaskDuration", "p90"))],
    ["script ms", 10, (r) => fmt(fig(r, "ScriptDuration", "median"))],
    ["p90", 6, (r) => fmt(fig(r, "ScriptDuration", "p90"))],
    ["layout+style ms", 16, (r) => fmt(fig(r, "LayoutDuration", "median") + fig(r, "RecalcStyleDuration", "median"))],
    ["sent (first at)", 16, (r) => (r.name === "none" ? "-" : `${r.sentInWindow}/${r.loads} (${fmt(r.firstSendMs, 0)} ms)`)],
    ["last request", 13, (r) => `${fmt(r.lastRequestMs, 0)} ms`],
    ["sent at hide", 13, (r) => (r.name === "none" ? "-" : `${r.sentAtHide}/${r.loads}`)],
  ], rows);
}

function printOwn(rows) {
  const own = (r, m) => r.figures[m].own;
  const es = rows.find((r) => r.name === "edgescore");
  printTable([
    ["script", 10, (r) => r.name],
    ["version", 9, (r) => r.version],
    ["task ms", 8, (r) => fmt(own(r, "TaskDuration"))],
    ["script ms", 10, (r) => fmt(own(r, "ScriptDuration"))],
    ["task / edgescore's", 19, (r) => pct(own(r, "TaskDuration"), own(es, "TaskDuration"))],
    ["script / edgescore's", 21, (r) => pct(own(r, "ScriptDuration"), own(es, "ScriptDuration"))],
  ], rows.filter((r) => r.name !== "none"));
}

// ---------------------------------------------------------------------------

async function main() {
  const options = {
    rounds: intEnv("BENCH_SCRIPT_ROUNDS", 20),
    warmup: intEnv("BENCH_SCRIPT_WARMUP", 1, 0),
    windowMs: intEnv("BENCH_SCRIPT_WINDOW_MS", 700, 0),
    hideMs: intEnv("BENCH_SCRIPT_HIDE_MS", 200, 0),
  };
  if (!existsSync(CHROMIUM)) throw new BenchError(`no Chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH`);
  const cpus = os.cpus();
  const machine = {
    node: process.version,
    cores: cpus.length,
    cpu: cpus[0]?.model ?? "unknown",
    os: `${os.type()} ${os.release()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };

  const tmp = mkdtempSync(path.join(os.tmpdir(), "edgescore-bench-script-"));
  let browser;
  let server;
  try {
    await buildSdk({ types: false, quiet: true, out: tmp }).catch((err) => {
      throw new BenchError(`could not build the browser script: ${err?.message ?? err}`);
    });
    const all = contestants(path.join(tmp, "public"));

    console.log("edgescore bench: the browser script, against peers in the same run");
    console.log(`  machine:     ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}`);
    console.log("               note: 2 shared, noisy cores; Chromium's processes and this one share them");

    const bytes = all.flatMap((c) => (c.scripts ?? []).map((s) => ({
      contestant: c.name,
      file: s,
      label: c.pkg ? `${c.pkg}@${c.version} ${path.relative(c.pkgDir, path.join(c.dir, s))}` : `edgescore ${s} (${s === "es.js" ? "core" : "lazy chunk"})`,
      ...sizes(readFileSync(path.join(c.dir, s))),
    })));
    console.log("\nbytes, as served (uncompressed file, gzip -9, brotli 11)");
    printBytes(bytes);

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }).catch((err) => {
      throw new BenchError(`could not start Chromium at ${CHROMIUM}: ${err?.message?.split("\n")[0] ?? err}`);
    });
    server = await startServer(all);
    console.log(`\nmain-thread time per page load: Chromium ${browser.version()}, a fresh context per load, CDP Performance metrics in`);
    console.log(`  thread time ${options.windowMs} ms after load, then the page hidden and ${options.hideMs} ms more; ${options.warmup} warm-up + ${options.rounds} rounds,`);
    console.log("  each loading every page once, order rotated per round");
    const loads = await measure(browser, server, all, options);
    const rows = summarise(all, loads);

    console.log("\nper load (median and p90; main-thread CPU ms: task = in tasks, script = running JavaScript)");
    printLoads(rows);
    console.log("\nown cost: the page's median minus the no-script page's");
    printOwn(rows);
    for (const r of rows.filter((x) => x.name !== "none")) console.log(`  ${r.name} asked for: ${r.requested.join(" ")}`);

    const silent = rows.filter((r) => r.name !== "none" && r.sentInWindow === 0);
    if (silent.length) throw new BenchError(`${silent.map((r) => r.name).join(", ")} sent nothing within ${options.windowMs} ms of load: the page is not set up right`);

    const own = (name, m) => rows.find((r) => r.name === name).figures[m].own;
    const core = bytes.find((f) => f.file === "es.js");
    const checks = {
      mainThreadAtMostPlausible: own("edgescore", "TaskDuration") <= own("plausible", "TaskDuration"),
      coreWithinBudget: core.gzip <= CORE_BUDGET_GZIP,
    };
    console.log("\nchecks");
    console.log(`  edgescore main-thread ≤ Plausible's: ${fmt(own("edgescore", "TaskDuration"))} vs ${fmt(own("plausible", "TaskDuration"))} task ms (${pct(own("edgescore", "TaskDuration"), own("plausible", "TaskDuration"))}), script ms ${fmt(own("edgescore", "ScriptDuration"))} vs ${fmt(own("plausible", "ScriptDuration"))}: ${checks.mainThreadAtMostPlausible ? "ok" : "NO"}`);
    console.log(`  core ≤ ${CORE_BUDGET_GZIP} B gzip: ${core.gzip} B: ${checks.coreWithinBudget ? "ok" : "NO"}`);
    for (const r of rows.filter((x) => x.name !== "none" && x.sentInWindow < x.loads)) {
      console.log(`  note: ${r.name} sent nothing within the window in ${r.loads - r.sentInWindow} of ${r.loads} loads`);
    }
    // Edgescore and Plausible send at the hide (PostHog only when the page is left): else the hide did not reach them.
    for (const r of rows.filter((x) => ["edgescore", "plausible"].includes(x.name) && x.sentAtHide < x.loads)) {
      console.log(`  note: ${r.name} sent nothing as the page was hidden in ${r.loads - r.sentAtHide} of ${r.loads} loads`);
    }
    // Start-up work still going on at the window's end may be cut off in some loads.
    for (const r of rows.filter((x) => x.lastRequestMs > options.windowMs - 100)) {
      console.log(`  note: ${r.name} asked for something ${fmt(r.lastRequestMs, 0)} ms after load, near the window's end: raise BENCH_SCRIPT_WINDOW_MS`);
    }

    if (JSON_PATH) {
      writeFileSync(JSON_PATH, JSON.stringify({
        date: new Date().toISOString(), machine, chromium: browser.version(), options,
        bytes: bytes.map(({ label, ...b }) => b), contestants: rows, checks,
        loads: Object.fromEntries(Object.entries(loads).map(([name, list]) => [name, list.map(({ requests, ...l }) => l)])),
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
  console.error(err instanceof BenchError ? `bench: ${err.message}` : `\nbench: ${err?.stack ?? err}`);
  process.exit(2);
}
