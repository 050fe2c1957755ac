/**
 * Faults (issue 6): the worker killed outright in the middle of a load, then started
 * again on the same local state, has lost no event it acknowledged. No browser here:
 * the load comes from this process, as many browsers' batches would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
// @ts-expect-error: plain ESM scripts without types
import { startLocalWorker } from "../../scripts/local-worker.mjs";
import { uid } from "./harness";
import { freePort } from "./servers";

const ADMIN = "restart-admin-token";
const ORIGIN = "https://www.acme.test";

it("loses no acknowledged event when the worker is killed mid-load and restarted", async () => {
  const persistTo = mkdtempSync(path.join(tmpdir(), "edgescore-restart-"));
  const port = await freePort();
  const start = () => startLocalWorker({
    port, persistTo, stdio: "ignore",
    vars: { ADMIN_TOKEN: ADMIN, IDENTITY_SECRET: "restart-identity-secret", RATE_LIMIT_EXEMPT: "127.0.0.1,::1" },
  });
  let worker = await start();
  try {
    const site = uid("r-");
    const created = await fetch(`${worker.url}/v1/sites/${site}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Restart", origins: [ORIGIN] }),
    });
    expect(created.status).toBe(201);

    // Eight senders, each a visitor sending batches of five page views, until told to stop.
    const acknowledged = new Map<string, { profile: string; ids: string[] }>();
    let failures = 0;
    let running = true;
    const sender = async () => {
      const vid = uid("visitor");
      while (running) {
        const events = Array.from({ length: 5 }, () => ({ id: uid("e"), type: "pageview", ts: Date.now(), url: `${ORIGIN}/docs` }));
        try {
          const res = await fetch(`${worker.url}/v1/collect`, {
            method: "POST",
            headers: { "Content-Type": "text/plain", Origin: ORIGIN },
            body: JSON.stringify({ site, vid, events }),
          });
          if (res.status === 200) {
            const { profile, accepted } = await res.json() as { profile: string; accepted: number };
            expect(accepted).toBe(5);
            const entry = acknowledged.get(vid) ?? { profile, ids: [] };
            entry.ids.push(...events.map((e) => e.id));
            acknowledged.set(vid, entry);
          } else failures++;
        } catch {
          failures++; // the worker is down: a browser would keep these in its queue
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const senders = Array.from({ length: 8 }, sender);
    await new Promise((r) => setTimeout(r, 1_500));
    const before = [...acknowledged.values()].reduce((n, v) => n + v.ids.length, 0);
    await worker.stop("SIGKILL");
    worker = await start();
    await new Promise((r) => setTimeout(r, 1_000));
    running = false;
    await Promise.all(senders);

    expect(before).toBeGreaterThan(0);
    expect(failures).toBeGreaterThan(0); // the kill did land mid-load
    for (const { profile, ids } of acknowledged.values()) {
      const res = await fetch(`${worker.url}/v1/sites/${site}/profiles/${profile}`, { headers: { Authorization: `Bearer ${ADMIN}` } });
      expect(res.status).toBe(200);
      const kept = new Set((await res.json() as { timeline: { id: string }[] }).timeline.map((e) => e.id));
      expect(ids.filter((id) => !kept.has(id))).toEqual([]);
    }
  } finally {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}, 240_000);
