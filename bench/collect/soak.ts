// `--soak`: a bounded long load, reported over time.
import { writeFileSync } from "node:fs";
import { fmt, intEnv, machine } from "../shared.ts";
import { batch, sendCollect } from "./client.ts";
import { CONCURRENCY, EVENTS_PER_BATCH, JSON_PATH, persistLabel, type WorkerConfig } from "./config.ts";
import { median } from "./report.ts";
import { runtimeRssMiB, withRuntime } from "./runtime.ts";

/**
 * BENCH_SOAK_S seconds (600) of collect from a pool of BENCH_SOAK_VISITORS (2,000)
 * visitors, each request a random one of them (so most are returning, and the pool
 * stays under local workerd's open-object limit), reported every BENCH_SOAK_EVERY_S
 * (30): throughput, latency, errors and workerd's resident memory. A leak shows as
 * memory that keeps rising; a slowdown as falling throughput.
 */
export function soak(config: WorkerConfig, workerPath: string): Promise<number> {
  const seconds = intEnv("BENCH_SOAK_S", 600);
  const every = intEnv("BENCH_SOAK_EVERY_S", 30);
  const pool = intEnv("BENCH_SOAK_VISITORS", 2_000);
  return withRuntime("edgescore-soak-", config, workerPath, async (c) => {
    console.log(`\nsoak: ${seconds} s, ${CONCURRENCY} senders, ${pool} visitors, persistence ${persistLabel()}`);
    console.log(["t (s)", "req/s", "events/s", "p50 ms", "p99 ms", "errors", "workerd RSS MiB"].map((h, i) => (i ? h.padStart(16) : h.padEnd(8))).join(""));
    const rows: { t: number; rps: number; eventsPerSec: number; p50: number; p99: number; errors: number; rssMiB: number }[] = [];
    const t0 = performance.now();
    let n = 0;
    let window = { latencies: [] as number[], errors: 0 };
    const report = () => {
      const l = Float64Array.from(window.latencies).sort();
      const pct = (p: number) => (l.length ? l[Math.min(l.length - 1, Math.ceil((p / 100) * l.length) - 1)]! : NaN);
      const row = {
        t: Math.round((performance.now() - t0) / 1000), rps: l.length / every, eventsPerSec: (l.length * EVENTS_PER_BATCH) / every,
        p50: pct(50), p99: pct(99), errors: window.errors, rssMiB: runtimeRssMiB(),
      };
      rows.push(row);
      console.log([String(row.t).padEnd(8), fmt(row.rps, 0), fmt(row.eventsPerSec, 0), fmt(row.p50, 1), fmt(row.p99, 1), String(row.errors), fmt(row.rssMiB, 0)]
        .map((cell, i) => (i ? cell.padStart(16) : cell)).join(""));
      window = { latencies: [], errors: 0 };
    };
    const timer = setInterval(report, every * 1000);
    let firstError: string | undefined;
    let resets = 0;
    const sender = async () => {
      while (performance.now() - t0 < seconds * 1000) {
        const vid = `soak-${String(Math.floor(Math.random() * pool)).padStart(6, "0")}`;
        const start = performance.now();
        const res = await sendCollect(c, "/v1/collect", batch(vid, `s${n++}`), () => resets++);
        window.latencies.push(performance.now() - start);
        if (res.error !== undefined) {
          window.errors++;
          firstError ??= res.error;
        } else if (res.status !== 200) {
          window.errors++;
          firstError ??= `${res.status} ${res.body.slice(0, 200)}`;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    clearInterval(timer);
    const errors = rows.reduce((a, r) => a + r.errors, 0) + window.errors;
    const rss = rows.map((r) => r.rssMiB).filter(Number.isFinite);
    if (firstError) console.log(`  first error: ${firstError}`);
    console.log(`\nsoak: ${n} requests, ${errors} errors (${resets} keep-alive resets sent again); median req/s ${fmt(median(rows.map((r) => r.rps)), 0)}; workerd RSS ${fmt(rss[0], 0)} → ${fmt(rss.at(-1), 0)} MiB (max ${fmt(Math.max(...rss), 0)})`);
    if (JSON_PATH) writeFileSync(JSON_PATH, JSON.stringify({ date: new Date().toISOString(), machine: machine(), soak: { seconds, every, pool, concurrency: CONCURRENCY, rows, errors, resets } }, null, 2) + "\n");
    return errors ? 1 : 0;
  });
}
