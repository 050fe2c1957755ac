// The worker and its runtime: the worker bundled with esbuild, and one workerd started
// through Miniflare's API with the worker and the baselines; what workerd uses, read from
// /proc (Linux only).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import * as esbuild from "esbuild";
import { Log, LogLevel, Miniflare } from "miniflare";
import { root } from "../shared.ts";
import { makeClient, type Client } from "./client.ts";
import { ADMIN_TOKEN, ORIGIN, PERSIST_ROOT, SITE, type WorkerConfig } from "./config.ts";

export async function bundleWorker(entry: string, outdir: string): Promise<string> {
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

/**
 * Runs `use` against a fresh runtime, its state in a fresh temp folder named from `prefix`,
 * with the bench's site created; then disposes of both.
 */
export async function withRuntime<T>(prefix: string, config: WorkerConfig, workerPath: string, use: (client: Client, url: string) => Promise<T>): Promise<T> {
  const tmp = mkdtempSync(path.join(PERSIST_ROOT, prefix));
  let mf: Miniflare | undefined;
  let client: Client | undefined;
  try {
    const started = await startRuntime(tmp, config, workerPath);
    mf = started.mf;
    client = makeClient(started.url);
    const site = await client.send(
      "PUT", `/v1/sites/${SITE}`,
      Buffer.from(JSON.stringify({ name: "Bench", origins: [ORIGIN] })),
      { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    );
    if (site.error !== undefined || (site.status !== 201 && site.status !== 200)) {
      throw new Error(`could not create the bench site: ${site.error ?? `${site.status} ${site.body}`}`);
    }
    return await use(client, started.url);
  } finally {
    client?.close();
    await mf?.dispose().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function startRuntime(tmp: string, config: WorkerConfig, workerPath: string) {
  const persistDir = path.join(tmp, "state");
  const mf = new Miniflare({
    log: new Log(LogLevel.WARN),
    logRequests: false,
    cf: false, // a fixed request.cf: no network, no cf.json download
    host: "127.0.0.1",
    port: 0,
    // A V8 inspector on this port, to take a CPU profile of the runtime while the bench runs.
    ...(process.env.BENCH_INSPECTOR_PORT && { inspectorPort: Number(process.env.BENCH_INSPECTOR_PORT) }),
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
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
        scriptPath: path.join(root, "bench/collect/baseline-worker.js"),
        compatibilityDate: config.compatibilityDate,
        compatibilityFlags: config.compatibilityFlags,
        durableObjects: { OBJ: { className: "Row", useSQLite: true } },
      },
    ],
  });
  const url = (await mf.ready).toString();
  return { mf, url };
}

/**
 * workerd's stderr, shown once per distinct message (ids and stacks stripped): a
 * burst of failures logs one line per request, with a stack trace each.
 */
export const runtimeLog = {
  seen: new Map<string, number>(),
  attach(stream: Readable) {
    let rest = "";
    stream.on("data", (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const line of lines) this.line(line);
    });
  },
  line(line: string) {
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
function workerdPids(): string[] {
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
export function runtimeCpuSeconds(): number | undefined {
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

/** Open file descriptors of the workerd child process (Linux only). */
export function runtimeFds(): number | undefined {
  const pid = workerdPids()[0];
  if (!pid) return undefined;
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** Resident memory of the workerd child process in MiB (Linux only). */
export function runtimeRssMiB(): number {
  const pid = workerdPids()[0];
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
