// `npm run bench -- crm`: how long an MQL made by /v1/collect takes to reach the CRM
// (docs/crm.md; docs/benchmark.md, CRM sync).
//
// The worker runs under `wrangler dev` (scripts/local-worker.mjs), as `npm start` does, with a
// site connected to HubSpot and to Salesforce, both stood in for on loopback by the stand-ins
// the worker tests use (test/worker/crm-standin.ts). BENCH_CRM_LEADS browsers each send one
// batch that makes an MQL (a pricing view, a demo request, an identify), BENCH_CRM_PARALLEL at
// a time; for each, the time from sending the batch to the stand-in receiving the lead's
// upsert, per CRM. Prints the median, p90, p99 and the slowest: the target is p99 within a
// second. One at a time by default: the latency of the path, not of a 2-core machine whose
// load generator, runtime and stand-ins share it (raise BENCH_CRM_PARALLEL to see that).
//
// Environment: BENCH_CRM_LEADS (100), BENCH_CRM_PARALLEL (1).
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLocalWorker } from "../../scripts/local-worker.mjs";
import { handleCrm } from "../../test/worker/crm-standin.ts";
import { fmt, intEnv, machine, quantile, root } from "../shared.ts";

const LEADS = intEnv("BENCH_CRM_LEADS", 100);
const PARALLEL = intEnv("BENCH_CRM_PARALLEL", 1);
const ADMIN = "bench-crm-admin";
const SITE = "crm";
const ORIGIN = "https://www.acme.test";
const AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

let base = "";
const standIn = createServer((req, res) => {
  void handleCrm(req, res, base).then((handled) => handled || res.writeHead(404).end());
});
await new Promise<void>((resolve) => standIn.listen(0, "127.0.0.1", resolve));
base = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;

const persistTo = mkdtempSync(path.join(tmpdir(), "edgescore-crm-"));
process.chdir(root);
const worker: { url: string; stop(): Promise<unknown> } = await startLocalWorker({
  port: 8890 + Math.floor(Math.random() * 100), persistTo, stdio: "ignore",
  vars: { ADMIN_TOKEN: ADMIN, IDENTITY_SECRET: "bench-crm-identity-secret", RATE_LIMIT_EXEMPT: "127.0.0.1", LOCAL_WEBHOOKS: "allow" },
});

async function call(pathname: string, init: RequestInit): Promise<Response> {
  const res = await fetch(`${worker.url}${pathname}`, init);
  if (!res.ok) throw new Error(`${pathname} answered ${res.status}: ${await res.text()}`);
  return res;
}

const id = () => Math.random().toString(36).slice(2, 12);
const sentAt = new Map<string, number>();
const answeredAt = new Map<string, number>();

/** One browser's batch that makes `email` an MQL; when it was sent is kept. */
async function qualify(email: string): Promise<void> {
  const event = (type: string, extra: object) => ({ id: `e${id()}`, type, ts: Date.now(), url: `${ORIGIN}/pricing`, ...extra });
  const body = JSON.stringify({
    site: SITE, vid: `v${id()}`, sid: "s", events: [
      event("pageview", {}), event("track", { name: "demo_request" }),
      event("identify", { traits: { email, title: "VP Marketing", companySize: "201-500", name: "Ada Lovelace" } }),
    ],
  });
  sentAt.set(email, Date.now());
  await (await call("/v1/collect", { method: "POST", headers: { "Content-Type": "text/plain", Origin: ORIGIN, "User-Agent": AGENT }, body })).text();
  answeredAt.set(email, Date.now());
}

interface Recorded { path: string; body: any; status: number; at: number }
const received = async (name: string): Promise<Recorded[]> => (await fetch(`${base}/requests/${name}`)).json() as Promise<Recorded[]>;

/** Each lead's first upsert's arrival, after its batch was sent, in ms; waits up to 30 s for them all. */
async function delays(name: string, emailOf: (r: Recorded) => string | undefined): Promise<number[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const first = new Map<string, number>();
    for (const r of await received(name)) {
      const email = r.status === 200 || r.status === 201 ? emailOf(r) : undefined;
      if (email && !first.has(email)) first.set(email, r.at);
    }
    if (first.size >= LEADS || Date.now() > deadline) return [...first].map(([email, at]) => at - sentAt.get(email)!);
    await new Promise((r) => setTimeout(r, 200));
  }
}

try {
  await call(`/v1/sites/${SITE}`, {
    method: "PUT", headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      name: "CRM", origins: [ORIGIN],
      crm: {
        hubspot: { accessToken: "pat-na1-bench-0123456789", apiUrl: `${base}/hubspot/bench` },
        salesforce: { domain: base, clientId: "bench", clientSecret: "bench-client-secret-0123" },
      },
    }),
  });
  const emails = Array.from({ length: LEADS }, (_, i) => `lead${i}@corp${i}.example`);
  for (let i = 0; i < emails.length; i += PARALLEL) await Promise.all(emails.slice(i, i + PARALLEL).map(qualify));
  const hubspot = await delays("bench", (r) => (r.path.endsWith("/batch/upsert") ? r.body.inputs[0].id : undefined));
  const salesforce = (await delays("bench", (r) => (r.path.includes("/sobjects/Lead/") ? r.body.Email : undefined)));
  console.log(`crm: ${LEADS} MQLs made by collect, ${PARALLEL} at a time, on ${machine().cores} cores (${machine().cpu})`);
  console.log("  from the batch sent to the CRM's upsert received (collect's own answer for scale), ms");
  console.log("              reached   median      p90      p99  slowest");
  const answers = [...answeredAt].map(([email, at]) => at - sentAt.get(email)!);
  for (const [name, xs] of [["collect", answers], ["HubSpot", hubspot], ["Salesforce", salesforce]] as const) {
    const q = (p: number) => fmt(quantile(xs, p)).padStart(8);
    console.log(`  ${name.padEnd(11)} ${String(xs.length).padStart(7)} ${q(0.5)} ${q(0.9)} ${q(0.99)} ${q(1)}`);
  }
} finally {
  await worker.stop();
  standIn.close();
  rmSync(persistTo, { recursive: true, force: true });
}
