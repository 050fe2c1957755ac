// One run: a fresh runtime and a fresh temp folder, the site set up, then every phase.
import { batch, COLLECT_HEADERS } from "./client.ts";
import { EVENTS_PER_BATCH, ONE_VISITOR_REQUESTS, ONLY, PROFILE, RUNS, VISITORS, WARMUP, persistLabel, type WorkerConfig } from "./config.ts";
import { runPhase, type PhaseOptions, type Row, type RuntimeState, type Work } from "./phase.ts";
import { printHeader, printRatios, printRow, ratiosOf } from "./report.ts";
import { runtimeFds, runtimeLog, withRuntime } from "./runtime.ts";

export function oneRun(run: number, config: WorkerConfig, workerPath: string) {
  return withRuntime("edgescore-bench-", config, workerPath, async (c, url) => {
    const probe = await c.send("POST", "/v1/collect", batch("bench-probe-visitor", "probe"), COLLECT_HEADERS);
    if (probe.error !== undefined || probe.status !== 200 || JSON.parse(probe.body).accepted !== EVENTS_PER_BATCH || JSON.parse(probe.body).score.engagement === 0) {
      throw new Error(`collect does not accept and score the bench's batch: ${probe.error ?? `${probe.status} ${probe.body}`}`);
    }

    const rows: Row[] = [];
    const runtime: RuntimeState = {};
    const phase = async (name: string, warm: Work[], work: Work[], opts: PhaseOptions) => {
      if (ONLY && !ONLY.includes(name)) return null;
      let warmupErrors = {};
      if (warm.length) {
        const w = await runPhase(c, runtime, `${name} (warm-up)`, warm, opts);
        if (w.errors) console.log(`  warm-up of ${name}: ${w.errors} errors ${JSON.stringify(w.errorsByStatus)} e.g. ${JSON.stringify(w.errorSamples)}`);
        warmupErrors = w.errorsByStatus;
      }
      const row: Row = await runPhase(c, runtime, name, work, opts);
      row.warmupErrorsByStatus = warmupErrors;
      runtimeLog.flush();
      printRow(row);
      rows.push(row);
      return row;
    };
    const same = (p: string, n: number) => Array.from({ length: n }, (_, i) => ({ path: p, body: batch(`bench-baseline-${i}`, `b${i}`) }));
    const vid = (kind: string, i: number) => `bench-${kind}-${String(i).padStart(6, "0")}`;
    const visitors = (kind: string, n: number, tag: string) => Array.from({ length: n }, (_, i) => ({
      path: "/v1/collect", body: batch(vid(kind, i), `${tag}${i}`),
    }));

    console.log(`\nrun ${run}/${RUNS}  (runtime at ${url}, persistence: ${persistLabel()})`);
    printHeader();
    await phase("noop", same("/__bench/noop", WARMUP), same("/__bench/noop", VISITORS), { collect: false });
    runtime.idleFds = runtimeFds(); // the runtime with the client's sockets open and no visitor objects
    await phase("one-object-one-row", same("/__bench/one-row", WARMUP), same("/__bench/one-row", VISITORS), { collect: false, objects: true });
    const one = (tag: string, n: number) => Array.from({ length: n }, (_, i) => ({ path: "/v1/collect", body: batch("bench-one-visitor", `${tag}${i}`) }));
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
  });
}
