// `npm run bench -- claims`: does how long /v1/collect takes say whether an email has a lead?
// (docs/api.md, Trust model; docs/benchmark.md, Claims.)
//
// The worker runs under `wrangler dev` (scripts/local-worker.mjs), as `npm start` does. A site
// gets BENCH_CLAIMS leads by server events (20 events each, as a lead with some history has);
// then, for each i, a new browser claims `known<i>` (a lead exists) and another claims
// `nobody<i>` (none does), in random order, each after the work the previous one left running
// (the lead's, after the answer) has settled, so that it cannot land on the next answer. Prints
// both medians, their ratio, the median of the pairs' differences and the share of pairs in
// which the known email was answered faster: 50% is no signal.
//
// Environment: BENCH_CLAIMS (100 pairs), BENCH_SETTLE_MS (400).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLocalWorker } from "../../scripts/local-worker.mjs";
import { fmt, intEnv, machine, quantile, root } from "../shared.ts";

const PAIRS = intEnv("BENCH_CLAIMS", 100);
const SETTLE_MS = intEnv("BENCH_SETTLE_MS", 400, 0);
const ADMIN = "bench-claims-admin";
const SITE = "claims";
const ORIGIN = "https://www.acme.test";
const AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

const persistTo = mkdtempSync(path.join(tmpdir(), "edgescore-claims-"));
process.chdir(root);
const worker: { url: string; stop(): Promise<unknown> } = await startLocalWorker({
  port: 8790 + Math.floor(Math.random() * 100), persistTo, stdio: "ignore",
  vars: { ADMIN_TOKEN: ADMIN, IDENTITY_SECRET: "bench-claims-identity-secret", RATE_LIMIT_EXEMPT: "127.0.0.1" },
});

async function call(pathname: string, init: RequestInit): Promise<Response> {
  const res = await fetch(`${worker.url}${pathname}`, init);
  if (!res.ok) throw new Error(`${pathname} answered ${res.status}: ${await res.text()}`);
  return res;
}

const admin = { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" };
const id = () => Math.random().toString(36).slice(2, 12);

/** How long a new browser's claim of `email` takes to be answered, in ms. */
async function claim(email: string): Promise<number> {
  const body = JSON.stringify({
    site: SITE, vid: `v${id()}`, sid: "s", events: [{ id: `e${id()}`, type: "identify", ts: Date.now(), url: `${ORIGIN}/contact`, traits: { email, name: "Mallory" } }],
  });
  const started = performance.now();
  await (await call("/v1/collect", { method: "POST", headers: { "Content-Type": "text/plain", Origin: ORIGIN, "User-Agent": AGENT }, body })).text();
  return performance.now() - started;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

try {
  await call(`/v1/sites/${SITE}`, { method: "PUT", headers: admin, body: JSON.stringify({ name: "Claims", origins: [ORIGIN] }) });
  for (let i = 0; i < PAIRS; i++) {
    const events = Array.from({ length: 20 }, (_, k) => ({
      id: `s${i}-${k}`, email: `known${i}@corp.example`, type: k ? "pageview" : "identify", ts: Date.now(), url: `${ORIGIN}/p${k}`,
      ...(k === 0 && { traits: { title: "CTO" } }),
    }));
    await call(`/v1/sites/${SITE}/events`, { method: "POST", headers: admin, body: JSON.stringify(events) });
  }
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const order = Math.random() < 0.5 ? [true, false] : [false, true];
    for (const hasLead of order) {
      (hasLead ? known : unknown).push(await claim(hasLead ? `known${i}@corp.example` : `nobody${i}@corp.example`));
      await settle();
    }
  }
  const differences = known.map((k, i) => k - unknown[i]!);
  const median = (xs: number[]) => quantile(xs, 0.5)!;
  console.log(`claims: ${PAIRS} pairs on ${machine().cores} cores (${machine().cpu}), settled ${SETTLE_MS} ms between requests`);
  console.log(`  median answer, email with a lead     ${fmt(median(known))} ms`);
  console.log(`  median answer, email without a lead  ${fmt(median(unknown))} ms`);
  console.log(`  ratio                                ${fmt(median(known) / median(unknown), 3)}`);
  console.log(`  median of the pairs' differences     ${fmt(median(differences))} ms`);
  console.log(`  pairs the known email was faster     ${fmt((100 * differences.filter((d) => d < 0).length) / PAIRS, 0)}%`);
} finally {
  await worker.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
