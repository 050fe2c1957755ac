// Ablation of the browser script (docs/benchmark.md#where-the-last-fifth-goes-2026-12-08): builds
// of it compared with one another and with Plausible, each on an already loaded page, so that
// the page's own parsing and layout (most of the full bench's noise) stay out of the figures.
//
//   node --import ./scripts/ts-hooks.mjs bench/script/ablate.ts <rounds> name=dir[,name=dir…]
//
// Each `dir` is a built dist/public folder (scripts/build-sdk.mjs `out`, then /public): the
// build to measure, e.g. with one part of the script taken out. Per load: a fresh context
// opens the no-script page, waits for `load` and 300 ms, reads the metrics, inserts the
// contestant's <head> markup (its script runs as an async script does; es-captures.js is
// imported at once, as the page has loaded), waits 700 ms, hides the page, waits 200 ms and
// reads them again. Own task ms: the median of the differences less the no-script page's.
// Pages interleaved, order rotated per round, one warm-up round. BENCH_SCRIPT_RUNS runs (1).
import { chromium } from "playwright-core";
import { intEnv, quantile } from "../shared.ts";
import { contestants, type Contestant } from "./contestants.ts";
import { hide } from "./measure.ts";
import { startServer } from "./page.ts";

const rounds = Number(process.argv[2] ?? 30);
const builds = (process.argv[3] ?? "").split(",").filter(Boolean).map((s) => s.split("=") as [string, string]);
if (!builds.length) throw new Error("usage: ablate.ts <rounds> name=dir[,name=dir…]");
const peers = contestants(builds[0]![1]);
const all: Contestant[] = [peers.find((c) => c.name === "none")!, peers.find((c) => c.name === "plausible")!];
for (const [name, dir] of builds) {
  const c = contestants(dir).find((x) => x.name === "edgescore-unsampled")!;
  all.push({ ...c, name, prefix: `/${name}/`, head: (origin) => c.head(origin).replace("/edgescore/", `/${name}/`) });
}
const server = await startServer(all);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
try {
  for (let run = 0; run < intEnv("BENCH_SCRIPT_RUNS", 1); run++) {
    const task: Record<string, number[]> = {};
    const script: Record<string, number[]> = {};
    for (let round = 0; round <= rounds; round++) {
      for (let i = 0; i < all.length; i++) {
        const c = all[(i + round) % all.length]!;
        const context = await browser.newContext();
        try {
          const tab = await context.newPage();
          const cdp = await context.newCDPSession(tab);
          await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
          const metrics = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value * 1000]));
          await tab.goto(`${server.origin}/page/none`, { waitUntil: "load" });
          await sleep(300);
          const before = await metrics();
          await tab.evaluate((html) => document.head.append(document.createRange().createContextualFragment(html)), c.head(server.origin));
          await sleep(700);
          await tab.evaluate(hide);
          await sleep(200);
          const after = await metrics();
          if (round > 0) {
            (task[c.name] ??= []).push(after.TaskDuration! - before.TaskDuration!);
            (script[c.name] ??= []).push(after.ScriptDuration! - before.ScriptDuration!);
          }
        } finally {
          await context.close();
        }
      }
    }
    const none = quantile(task.none!, 0.5)!;
    const plausible = quantile(task.plausible!, 0.5)! - none;
    console.log(`run ${run + 1}: ${rounds} rounds; no-script page ${none.toFixed(2)} task ms`);
    for (const c of all.slice(1)) {
      const own = quantile(task[c.name]!, 0.5)! - none;
      console.log(`  ${c.name.padEnd(20)} own task ${own.toFixed(2).padStart(6)} ms (${((100 * own) / plausible).toFixed(0)}% of Plausible's)  script ${quantile(script[c.name]!, 0.5)!.toFixed(2).padStart(5)} ms`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
