import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { DAY_MS } from "../../shared/rules";
import { eraseFromMetrics, recordActivity, recordStageChange } from "../../worker/src/metrics";
import type { ActivityRecord, StageChangeRecord } from "../../worker/src/metrics/types";
import { hasSchema } from "../../worker/src/objects/migrate";
import { ADMIN, call, collect, createSite, ev, json, uid } from "./helpers";

const HOUR = 3_600_000;
/** Midnight UTC ten days ago: the scripted period is its three days, [t(0), t(3)). */
const d0 = (Math.floor(Date.now() / DAY_MS) - 10) * DAY_MS;
const t = (days: number, hours = 0) => d0 + days * DAY_MS + hours * HOUR;
const day = (days: number) => new Date(t(days)).toISOString().slice(0, 10);

const newsletter = { utm_source: "newsletter", utm_medium: "email", utm_campaign: "nov", referrer: null };
const google = { utm_source: null, utm_medium: null, utm_campaign: null, referrer: "google.com" };

/**
 * Leads A, B, C in the period and D before it:
 *   A  lead, MQL (2 h after first seen), SQL, customer (skipping opportunity)
 *   B  lead, MQL (4 h), recycled to lead, MQL again (47 h after first seen)
 *   C  lead, disqualified
 *   D  visitor → MQL in one change, five days before the period (1 h)
 * Visitors v1–v5 first seen in the period, v6 before it, v7 at its very end.
 */
function script(site: string) {
  const [A, B, C, D] = ["A", "B", "C", "D"].map((p) => uid(`lead-${p}-`)) as [string, string, string, string];
  const v = Array.from({ length: 8 }, (_, i) => uid(`visitor-${i}-`));
  const change = (profile: string, seq: number, from: StageChangeRecord["from"], to: StageChangeRecord["to"], at: number,
    firstSeenAt: number, mqlAt: number | null, source: StageChangeRecord["source"]): StageChangeRecord =>
    ({ site, profile, seq, from, to, at, origin: "scoring", firstSeenAt, mqlAt, source });
  const changes: StageChangeRecord[] = [
    change(A, 1, "visitor", "lead", t(0, 1), t(0), null, newsletter),
    change(A, 2, "lead", "mql", t(0, 2), t(0), t(0, 2), newsletter),
    { ...change(A, 3, "mql", "sql", t(1), t(0), t(0, 2), newsletter), origin: "feedback" },
    { ...change(A, 4, "sql", "customer", t(2, 1), t(0), t(0, 2), newsletter), origin: "feedback" },
    change(B, 1, "visitor", "lead", t(0, 3), t(0, 1), null, google),
    change(B, 2, "lead", "mql", t(0, 5), t(0, 1), t(0, 5), google),
    { ...change(B, 3, "mql", "lead", t(1, 2), t(0, 1), null, google), origin: "feedback" },
    change(B, 4, "lead", "mql", t(2), t(0, 1), t(2), google),
    change(C, 1, "visitor", "lead", t(0, 4), t(0, 2), null, null),
    { ...change(C, 2, "lead", "disqualified", t(2, 3), t(0, 2), null, null), origin: "feedback" },
    change(D, 1, "visitor", "mql", t(-5, 1), t(-5), t(-5, 1), newsletter),
  ];
  const act = (profile: string, at: number, extra: Partial<ActivityRecord>): ActivityRecord =>
    ({ site, profile, at, firstSeen: false, points: {}, vitals: [], mql: false, ...extra });
  const lcp = (value: number, page: string) => ({ name: "LCP" as const, value, page });
  const cls = (value: number, page: string) => ({ name: "CLS" as const, value, page });
  const activity: ActivityRecord[] = [
    act(v[1]!, t(0, 1), { firstSeen: true, points: { pricing_visit: 15, demo_request: 25 } }),
    act(v[1]!, t(1), { points: { pricing_visit: 15 }, vitals: [lcp(1200, "/pricing"), lcp(2600, "/pricing")], mql: true }),
    act(v[2]!, t(0, 2), { firstSeen: true, points: { pricing_visit: 15 }, vitals: [lcp(800, "/"), lcp(1000, "/"), cls(0, "/"), cls(0.05, "/")] }),
    act(v[2]!, t(2, 5), { points: { unsubscribed: -20 }, vitals: [cls(0.12, "/")] }),
    act(v[3]!, t(0, 3), { firstSeen: true, vitals: [lcp(5000, "/"), cls(0.3, "/")] }),
    act(v[4]!, t(0, 4), { firstSeen: true, vitals: [lcp(1800, "/pricing")] }),
    act(v[5]!, t(1, 3), { firstSeen: true }),
    act(v[6]!, t(-5), { firstSeen: true, points: { content_download: 5 }, vitals: [lcp(9000, "/")] }),
    act(v[7]!, t(3), { firstSeen: true, points: { webinar_attended: 10 } }),
  ];
  return { A, B, C, D, v, changes, activity };
}

/** A new site with the script fed in; every stage change is sent twice (outboxes deliver at least once). */
async function scripted() {
  const site = await createSite();
  const s = script(site);
  for (const r of [...s.changes, ...s.changes]) await recordStageChange(env, r);
  for (const r of s.activity) await recordActivity(env, r);
  return { site, ...s };
}

async function metrics(site: string, query = "", headers: Record<string, string> = ADMIN) {
  const res = await call(`/v1/sites/${site}/metrics${query}`, { headers });
  expect(res.status).toBe(200);
  return res.json<Record<string, any>>();
}

const none = { p75: null, p75Mql: null, p75Other: null, samples: 0, pages: [] };

describe("metrics (GET /v1/sites/:site/metrics)", () => {
  it("answers the period's funnel, sources, points and vitals, each stage change counted once", async () => {
    const { site } = await scripted();
    const m = await metrics(site, `?since=${t(0)}&until=${t(3)}`);
    expect(m.period).toEqual({ since: new Date(t(0)).toISOString(), until: new Date(t(3)).toISOString() });
    // B's two qualifications count twice; A's jump from sql to customer passes opportunity.
    expect(m.counts).toEqual({ visitors: 5, leads: 3, mqls: 3, sqls: 1, opportunities: 1, customers: 1, disqualified: 1, expiredMqls: 0 });
    // Of three qualifications only A's reached sql (and customer): B's first was recycled first.
    expect(m.rates.mqlToSql).toBeCloseTo(1 / 3, 10);
    expect(m.rates.mqlToOpportunity).toBeCloseTo(1 / 3, 10);
    expect(m.rates.mqlToCustomer).toBeCloseTo(1 / 3, 10);
    // 2 h (A), 4 h and 47 h (B): the middle one.
    expect(m.medianTimeToMqlSeconds).toBe(4 * 3600);
    expect(m.bySource).toEqual([
      { ...google, mqls: 2, sqls: 0 },
      { ...newsletter, mqls: 1, sqls: 1 },
    ]);
    expect(m.mqlsByDay).toEqual([{ day: day(0), mqls: 2 }, { day: day(1), mqls: 0 }, { day: day(2), mqls: 1 }]);
    // v1's pricing visits on two days are one profile; v6 (before) and v7 (at `until`) are outside.
    expect(m.byRule).toEqual([
      { rule: "pricing_visit", points: 45, profiles: 2 },
      { rule: "demo_request", points: 25, profiles: 1 },
      { rule: "unsubscribed", points: -20, profiles: 1 },
    ]);
    // p75 = the ⌈0.75·n⌉-th sample, read as the middle of its bucket (within 4.5%):
    //   all 800 1000 1200 1800 2600 5000 → 5th, 2600, in [2435, 2656) → 2543
    //   MQL 1200 2600 → 2nd, 2600 → 2543; other 800 1000 1800 5000 → 3rd, 1800, in [1722, 1878) → 1798
    //   /pricing 1200 1800 2600 → 2543; / 800 1000 5000 → 5000, in [4871, 5312) → 5087
    //   CLS (none from an MQL) 0 0.05 0.12 0.3 → 3rd, 0.12, in [0.1174, 0.128) → 0.1226
    expect(m.vitals).toEqual({
      LCP: {
        p75: 2543, p75Mql: 2543, p75Other: 1798, samples: 6,
        pages: [{ page: "/", p75: 5087, samples: 3 }, { page: "/pricing", p75: 2543, samples: 3 }],
      },
      CLS: { p75: 0.1226, p75Mql: null, p75Other: 0.1226, samples: 4, pages: [{ page: "/", p75: 0.1226, samples: 4 }] },
      INP: none, FCP: none, TTFB: none,
    });
  });

  it("counts the points of rules whose ids are also names of an object's own properties", async () => {
    // Rule ids are data: `constructor` once read the Object function where a sum was meant (NaN, a lost batch).
    const site = await createSite({
      rules: {
        thresholds: { total: 1000, fit: 1, engagement: 1 },
        rules: [
          { id: "constructor", on: "pageview", points: 5 },
          { id: "toString", on: "pageview", match: { path: "/pricing" }, points: 7 },
        ],
      },
    });
    await collect(site, uid("v"), [ev.pageview("/"), ev.pageview("/pricing")]);
    await vi.waitFor(async () => {
      expect((await metrics(site)).byRule).toEqual([
        { rule: "constructor", points: 10, profiles: 1 },
        { rule: "toString", points: 7, profiles: 1 },
      ]);
    });
  });

  it("tells MQL → SQL, → opportunity and → customer apart", async () => {
    const site = await createSite();
    const stages = ["mql", "sql", "opportunity", "customer"] as const;
    // Four MQLs, each taken one stage further by sales than the one before.
    for (const n of stages.keys()) {
      const profile = uid(`lead-${n}-`);
      for (let i = 0; i <= n; i++) {
        await recordStageChange(env, {
          site, profile, seq: i + 1, from: i ? stages[i - 1]! : "visitor", to: stages[i]!, at: t(0, i + 1),
          origin: i ? "feedback" : "scoring", firstSeenAt: t(0), mqlAt: t(0, 1), source: null,
        });
      }
    }
    const m = await metrics(site, `?since=${t(0)}&until=${t(1)}`);
    expect(m.counts).toMatchObject({ mqls: 4, sqls: 3, opportunities: 2, customers: 1 });
    expect(m.rates).toEqual({ mqlToSql: 3 / 4, mqlToOpportunity: 2 / 4, mqlToCustomer: 1 / 4 });
  });

  it("filters by since and until, given as ISO 8601 or milliseconds", async () => {
    const { site } = await scripted();
    const day1 = await metrics(site, `?since=${new Date(t(1)).toISOString()}&until=${new Date(t(2)).toISOString()}`);
    expect(day1).toMatchObject({
      counts: { visitors: 1, leads: 0, mqls: 0, sqls: 1, opportunities: 0, customers: 0, disqualified: 0, expiredMqls: 0 },
      rates: { mqlToSql: null, mqlToOpportunity: null, mqlToCustomer: null },
      medianTimeToMqlSeconds: null,
      bySource: [{ ...newsletter, mqls: 0, sqls: 1 }],
      byRule: [{ rule: "pricing_visit", points: 15, profiles: 1 }],
      mqlsByDay: [{ day: day(1), mqls: 0 }],
    });
    expect(day1.vitals.LCP).toMatchObject({ p75: 2543, p75Mql: 2543, p75Other: null, samples: 2 });

    // Everything: D's one change from visitor to mql counts as a lead and an MQL.
    const all = await metrics(site, `?since=${t(-6)}&until=${t(4)}`);
    expect(all.counts).toEqual({ visitors: 7, leads: 4, mqls: 4, sqls: 1, opportunities: 1, customers: 1, disqualified: 1, expiredMqls: 0 });
    expect(all.rates).toEqual({ mqlToSql: 0.25, mqlToOpportunity: 0.25, mqlToCustomer: 0.25 });
    expect(all.medianTimeToMqlSeconds).toBe((2 + 4) / 2 * 3600); // 1 h, 2 h, 4 h, 47 h
    expect(all.bySource).toEqual([{ ...newsletter, mqls: 2, sqls: 1 }, { ...google, mqls: 2, sqls: 0 }]);
    expect(all.byRule.map((r: { rule: string }) => r.rule)).toEqual(
      ["pricing_visit", "demo_request", "webinar_attended", "content_download", "unsubscribed"],
    );
    expect(all.mqlsByDay).toHaveLength(10);
  });

  it("erases the rows naming a person; their vitals samples, naming nobody, stay", async () => {
    const { site, A, v } = await scripted();
    await eraseFromMetrics(env, site, [A, v[1]!]);
    const m = await metrics(site, `?since=${t(0)}&until=${t(3)}`);
    expect(m.counts).toEqual({ visitors: 4, leads: 2, mqls: 2, sqls: 0, opportunities: 0, customers: 0, disqualified: 1, expiredMqls: 0 });
    expect(m.rates).toEqual({ mqlToSql: 0, mqlToOpportunity: 0, mqlToCustomer: 0 });
    expect(m.medianTimeToMqlSeconds).toBe((4 + 47) / 2 * 3600);
    expect(m.bySource).toEqual([{ ...google, mqls: 2, sqls: 0 }]);
    expect(m.byRule).toEqual([
      { rule: "pricing_visit", points: 15, profiles: 1 },
      { rule: "unsubscribed", points: -20, profiles: 1 },
    ]);
    expect(m.vitals.LCP).toMatchObject({ p75: 2543, p75Mql: 2543, samples: 6 });
    const left = await runInDurableObject(env.FUNNEL.getByName(site), (_, state) =>
      state.storage.sql.exec("SELECT (SELECT count(*) FROM entries WHERE profile = ?1) + (SELECT count(*) FROM sources WHERE profile = ?1) AS n", A).one().n);
    expect(left).toBe(0);
  });

  it("answers zeros for a site without data, creating no storage, over the last 30 days by default", async () => {
    const site = await createSite();
    const m = await metrics(site);
    expect(m.counts).toEqual({ visitors: 0, leads: 0, mqls: 0, sqls: 0, opportunities: 0, customers: 0, disqualified: 0, expiredMqls: 0 });
    expect(m).toMatchObject({ rates: { mqlToSql: null, mqlToOpportunity: null, mqlToCustomer: null }, medianTimeToMqlSeconds: null, bySource: [], byRule: [] });
    expect(m.vitals).toEqual({ LCP: none, INP: none, CLS: none, FCP: none, TTFB: none });
    expect(Date.parse(m.period.until) - Date.parse(m.period.since)).toBe(30 * DAY_MS);
    expect(m.mqlsByDay).toHaveLength(31);
    expect(await runInDurableObject(env.FUNNEL.getByName(site), (_, state) => hasSchema(state.storage))).toBe(false);
  });

  it("refuses a bad period naming the field, an unknown site, and a key without exports:read", async () => {
    const site = await createSite();
    const refused = async (query: string) => {
      const res = await call(`/v1/sites/${site}/metrics${query}`, { headers: ADMIN });
      expect(res.status).toBe(400);
      return (await res.json<{ error: { path: string } }>()).error.path;
    };
    expect(await refused("?since=last-week")).toBe("since");
    expect(await refused(`?since=${t(1)}&until=${t(1)}`)).toBe("until");
    expect(await refused(`?since=${t(-401)}&until=${t(0)}`)).toBe("since");
    // The earliest time a Date holds: the default period would reach back past it (found by fuzzing).
    expect(await refused("?until=-271821-04-20T00:00:00.000Z")).toBe("until");
    expect(await refused("?until=+275760-09-13T00:00:00.000Z")).toBe("until");
    await metrics(site, `?since=${t(-400)}&until=${t(0)}`);

    expect((await call(`/v1/sites/${uid("nope-")}/metrics`, { headers: ADMIN })).status).toBe(404);
    const key = async (scopes: string[]) =>
      (await (await call(`/v1/sites/${site}/keys`, json({ scopes }))).json<{ key: string }>()).key;
    const reader = { Authorization: `Bearer ${await key(["profiles:read"])}` };
    expect((await call(`/v1/sites/${site}/metrics`, { headers: reader })).status).toBe(403);
    await metrics(site, "", { Authorization: `Bearer ${await key(["exports:read"])}` });
  });
});
