// One phase of the load: a bounded list of requests pulled by CONCURRENCY senders, in waves
// for phases that open Durable Objects, measured on serving time only.
import { CONCURRENCY, EVENTS_PER_BATCH, PHASE_CAP_MS, SETTLE_OBJECTS, WAVE } from "./config.ts";
import { sendCollect, type Client } from "./client.ts";
import { runtimeCpuSeconds, runtimeFds } from "./runtime.ts";

/** One request of a phase. */
export interface Work {
  path: string;
  body: Buffer;
}

/** What the phases know of the runtime: its descriptors with no visitor object open (see `settle`). */
export interface RuntimeState {
  idleFds?: number | undefined;
}

export interface PhaseOptions {
  collect: boolean;
  objects?: boolean;
  events?: number;
}

export type Row = Awaited<ReturnType<typeof runPhase>> & { warmupErrorsByStatus?: Record<string, number> };

/**
 * Sends every body of `work` with CONCURRENCY senders pulling from it, stopping early at
 * the phase's time cap. Collect answers must be 200 and accept every event; baselines
 * must be 200.
 *
 * With `objects` (each request opens a Durable Object: new or returning visitors,
 * the one-row baseline), the list is sent in waves of WAVE requests, and before each
 * wave the runtime is left idle until the objects of earlier waves and phases have
 * been evicted (see `settle`). Only the time spent serving counts.
 */
export async function runPhase(client: Client, runtime: RuntimeState, name: string, work: Work[], { collect, objects = false, events = EVENTS_PER_BATCH }: PhaseOptions) {
  const latencies = new Float64Array(work.length);
  const errors: Record<string, number> = {};
  const samples: Record<string, string> = {};
  let done = 0;
  let resets = 0;
  let capped = false;
  let seconds = 0;
  let settleSeconds = 0;
  let clientCpuSeconds = 0;
  let runtimeCpuSecondsUsed = 0;
  let runtimeCpuKnown = true;
  const count = (key: string, sample?: string) => {
    errors[key] = (errors[key] ?? 0) + 1;
    if (sample !== undefined && !(key in samples)) samples[key] = sample.slice(0, 300);
  };

  const waveSize = objects && WAVE > 0 ? WAVE : work.length;
  const waves: Work[][] = [];
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
        const { path: p, body } = wave[index]!;
        const start = performance.now();
        const res = await sendCollect(client, p, body, () => resets++);
        latencies[done++] = performance.now() - start;
        if (res.error !== undefined) {
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
  const pct = (p: number) => (done ? sorted[Math.min(done - 1, Math.ceil((p / 100) * done) - 1)]! : NaN);
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
async function settle(runtime: RuntimeState): Promise<number> {
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
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
