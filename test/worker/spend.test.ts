/**
 * Marketing spend (PUT/GET /v1/sites/:site/spend) and what the metrics make of it:
 * cost per MQL per first-touch source and overall, and time to MQL as a distribution.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordStageChange } from "../../worker/src/metrics";
import type { StageChangeRecord } from "../../worker/src/metrics/types";
import { ADMIN, call, createSite, dashboardSession as session, json, submitForm as submit, uid } from "./helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const putSpend = (site: string, body: unknown, headers: Record<string, string> = ADMIN) =>
  call(`/v1/sites/${site}/spend`, { method: "PUT", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) });

async function createKey(site: string, scopes: string[]): Promise<Record<string, string>> {
  const res = await call(`/v1/sites/${site}/keys`, json({ scopes }));
  expect(res.status).toBe(201);
  return { Authorization: `Bearer ${(await res.json<{ key: string }>()).key}` };
}

/** Two calendar months ago (UTC): its first day, the next month's first day, and its name. */
const now = new Date();
const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1);
const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
const monthName = (ms: number) => new Date(ms).toISOString().slice(0, 7);

const source = (utm_source: string | null, referrer: string | null = null) => ({ utm_source, utm_medium: null, utm_campaign: null, referrer });

/**
 * Five MQLs in the month's first days, each a visitor → mql change: two from
 * LinkedIn (tagged in two cases), one from Google's referrer, two direct; taking
 * 30 min, 2 h, 3 d, 10 d and 40 d from first seen.
 */
async function mqls(site: string) {
  const mql = (source: StageChangeRecord["source"], toMqlMs: number, day: number): StageChangeRecord => {
    const at = monthStart + day * DAY;
    return { site, profile: uid("lead-"), seq: 1, from: "visitor", to: "mql", at, origin: "scoring", firstSeenAt: at - toMqlMs, mqlAt: at, source };
  };
  for (const r of [
    mql(source("LinkedIn"), 30 * 60_000, 1),
    mql(source("linkedin"), 2 * HOUR, 2),
    mql(source(null, "www.google.com"), 3 * DAY, 3),
    mql(null, 10 * DAY, 4),
    mql(source(null), 40 * DAY, 5),
  ]) await recordStageChange(env, r);
}

async function metrics(site: string, since: number, until: number) {
  const res = await call(`/v1/sites/${site}/metrics?since=${since}&until=${until}`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return res.json<Record<string, any>>();
}

describe("marketing spend", () => {
  it("refuses a bad body naming every bad field by its path", async () => {
    const site = await createSite();
    const res = await putSpend(site, {
      currency: "usd",
      entries: [
        { month: "2026-13", source: "linkedin", amount: 100 },
        { month: "2026-11", source: "linkedin", amount: "1200" },
        { month: "2026-11", source: "google ads", amount: -5 },
      ],
    });
    expect(res.status).toBe(400);
    const { error } = await res.json<{ error: { code: string; path: string; issues: { path: string; message: string }[] } }>();
    expect(error.code).toBe("invalid_spend");
    expect(error.issues.map((i) => i.path)).toEqual([
      "currency", "entries[0].month", "entries[1].amount", "entries[2].source", "entries[2].amount",
    ]);
    // A source's month twice (whatever its case), once every entry is right on its own.
    const twice = await putSpend(site, {
      currency: "USD",
      entries: [{ month: "2026-10", source: "Newsletter", amount: 10 }, { month: "2026-10", source: "newsletter", amount: 20 }],
    });
    expect(twice.status).toBe(400);
    expect((await twice.json<{ error: { issues: unknown[] } }>()).error.issues).toEqual([{ path: "entries[1].source", message: "is listed twice for 2026-10" }]);
    // Nothing was kept.
    expect(await (await call(`/v1/sites/${site}/spend`, { headers: ADMIN })).json()).toEqual({ currency: null, entries: [], updatedAt: null });
  });

  it("keeps what a PUT sends, source names lower-cased, by month then source, replaced by the next PUT", async () => {
    const site = await createSite();
    const res = await putSpend(site, {
      currency: "EUR",
      entries: [
        { month: "2026-11", source: " LinkedIn ", amount: 1200.5 },
        { month: "2026-10", source: "newsletter", amount: 0 },
        { month: "2026-10", source: "www.google.com", amount: 300 },
      ],
    });
    expect(res.status).toBe(200);
    const saved = await res.json<Record<string, unknown>>();
    const expected = {
      currency: "EUR",
      entries: [
        { month: "2026-10", source: "newsletter", amount: 0 },
        { month: "2026-10", source: "www.google.com", amount: 300 },
        { month: "2026-11", source: "linkedin", amount: 1200.5 },
      ],
    };
    expect(saved).toMatchObject(expected);
    const read = await (await call(`/v1/sites/${site}/spend`, { headers: ADMIN })).json<Record<string, unknown>>();
    expect(read).toEqual(saved);
    // What GET answers goes back as it is (its updatedAt is the server's, not the body's).
    const again = await (await putSpend(site, { ...read, updatedAt: 0 })).json<Record<string, unknown>>();
    expect(again).toMatchObject(expected);
    expect(again.updatedAt).not.toBe(0);
    expect((await putSpend(site, { currency: "EUR", entries: [] })).status).toBe(200);
    expect(await (await call(`/v1/sites/${site}/spend`, { headers: ADMIN })).json()).toMatchObject({ currency: "EUR", entries: [] });
    expect((await call(`/v1/sites/no-such-site-${uid()}/spend`, { headers: ADMIN })).status).toBe(404);
  });

  it("needs site:admin to read or change spend", async () => {
    const site = await createSite();
    const reader = await createKey(site, ["exports:read"]);
    const admin = await createKey(site, ["site:admin"]);
    const body = { currency: "USD", entries: [{ month: "2026-11", source: "linkedin", amount: 1 }] };
    expect((await putSpend(site, body, reader)).status).toBe(403);
    expect((await call(`/v1/sites/${site}/spend`, { headers: reader })).status).toBe(403);
    expect((await putSpend(site, body, admin)).status).toBe(200);
    expect((await call(`/v1/sites/${site}/spend`, { headers: admin })).status).toBe(200);
    const other = await createSite();
    expect((await putSpend(other, body, admin)).status).toBe(403);
  });
});

describe("cost per MQL and time to MQL in the metrics", () => {
  it("divides each source's spend in the period by its MQLs, and the whole spend by every MQL", async () => {
    const site = await createSite();
    await mqls(site);
    const next = monthName(monthEnd);
    expect((await putSpend(site, {
      currency: "USD",
      entries: [
        { month: monthName(monthStart), source: "linkedin", amount: 1000 },
        { month: monthName(monthStart), source: "www.google.com", amount: 300 },
        { month: monthName(monthStart), source: "newsletter", amount: 50 },
        { month: next, source: "linkedin", amount: 9000 },
      ],
    })).status).toBe(200);

    const m = await metrics(site, monthStart, monthEnd);
    expect(m.costPerMql).toEqual({
      currency: "USD", spend: 1350, mqls: 5, overall: 270,
      bySource: [
        { source: "linkedin", spend: 1000, mqls: 2, costPerMql: 500 },
        { source: "www.google.com", spend: 300, mqls: 1, costPerMql: 300 },
        { source: "newsletter", spend: 50, mqls: 0, costPerMql: null },
        { source: "direct", spend: 0, mqls: 2, costPerMql: null },
      ],
    });

    // A period covering part of a month counts that share of its spend: its last 10 days and the next month's first 5.
    const monthDays = (monthEnd - monthStart) / DAY;
    const part = await metrics(site, monthEnd - 10 * DAY, monthEnd + 5 * DAY);
    const nextDays = (Date.UTC(new Date(monthEnd).getUTCFullYear(), new Date(monthEnd).getUTCMonth() + 1, 1) - monthEnd) / DAY;
    const linkedin = Math.round((1000 * 10 / monthDays + 9000 * 5 / nextDays) * 100) / 100;
    expect(part.costPerMql.bySource[0]).toEqual({ source: "linkedin", spend: linkedin, mqls: 0, costPerMql: null });
    expect(part.costPerMql.overall).toBeNull(); // no MQLs in those days
  });

  it("answers no cost without spend, and time to MQL as percentiles and buckets beside the median", async () => {
    const site = await createSite();
    await mqls(site);
    const m = await metrics(site, monthStart, monthEnd);
    expect(m.costPerMql).toMatchObject({ currency: null, spend: 0, mqls: 5, overall: null });
    // 30 min, 2 h, 3 d, 10 d, 40 d: p90 lies 0.6 of the way from 10 d to 40 d.
    expect(m.timeToMql).toEqual({
      p25: 2 * 3600, p50: 3 * 86_400, p75: 10 * 86_400, p90: 10 * 86_400 + 0.6 * 30 * 86_400,
      buckets: [
        { fromSeconds: 0, toSeconds: 3600, mqls: 1 },
        { fromSeconds: 3600, toSeconds: 86_400, mqls: 1 },
        { fromSeconds: 86_400, toSeconds: 7 * 86_400, mqls: 1 },
        { fromSeconds: 7 * 86_400, toSeconds: 30 * 86_400, mqls: 1 },
        { fromSeconds: 30 * 86_400, toSeconds: null, mqls: 1 },
      ],
    });
    expect(m.medianTimeToMqlSeconds).toBe(m.timeToMql.p50);

    const empty = await metrics(await createSite(), monthStart, monthEnd);
    expect(empty.timeToMql).toMatchObject({ p25: null, p50: null, p75: null, p90: null });
    expect(empty.timeToMql.buckets.every((b: { mqls: number }) => b.mqls === 0)).toBe(true);
  });
});

describe("the spend page (/dashboard/spend)", () => {
  const spendOf = async (site: string) => (await call(`/v1/sites/${site}/spend`, { headers: ADMIN })).json<Record<string, any>>();

  it("adds, changes and removes entries through the API's checks, saying what it did", async () => {
    const site = await createSite();
    const cookie = await session("test-admin-token");
    const entries = `/dashboard/spend/entries?site=${site}`;

    let res = await submit(entries, cookie, { form: "add", currency: "eur", month: "2026-11", source: "LinkedIn", amount: "1,200" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/dashboard/spend?site=${site}&done=saved`);
    expect(await spendOf(site)).toMatchObject({ currency: "EUR", entries: [{ month: "2026-11", source: "linkedin", amount: 1200 }] });
    const page = await (await call(res.headers.get("Location")!, { headers: { Cookie: cookie } })).text();
    expect(page).toContain('<p class="notice" role="status">Spend saved.</p>');
    expect(page).toContain('data-source="linkedin"');

    // A wrong amount: the page again, the error beside the field, nothing saved.
    res = await submit(entries, cookie, { form: "add", month: "2026-12", source: "linkedin", amount: "lots" });
    expect(res.status).toBe(400);
    const refused = await res.text();
    expect(refused).toMatch(/<input id="add-amount"[^>]*value="lots"[^>]*aria-invalid="true" aria-describedby="add-amount-error"/);
    expect(refused).toContain('<p class="field-error" id="add-amount-error">must be a number</p>');
    expect((await spendOf(site)).entries).toHaveLength(1);

    // A refused edit: the entry's row shows what was typed, its error beside it.
    res = await submit(entries, cookie, { form: "edit", month: "2026-11", source: "linkedin", amount: "-3" });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/value="-3" aria-invalid="true" aria-describedby="amount-0-error"[\s\S]*<p class="field-error" id="amount-0-error">must be 0 or more<\/p>/);
    // Editing the amount in place replaces that month's entry.
    res = await submit(entries, cookie, { form: "edit", month: "2026-11", source: "linkedin", amount: "900" });
    expect(res.status).toBe(303);
    expect((await spendOf(site)).entries).toEqual([{ month: "2026-11", source: "linkedin", amount: 900 }]);

    res = await submit(`/dashboard/spend/remove?site=${site}`, cookie, { month: "2026-11", source: "linkedin" });
    expect(res.headers.get("Location")).toBe(`/dashboard/spend?site=${site}&done=removed`);
    expect(await spendOf(site)).toMatchObject({ currency: "EUR", entries: [] });

    // Free text in `done` is never shown: an unknown code is a bad address.
    expect((await call(`/dashboard/spend?site=${site}&done=<b>hi</b>`, { headers: { Cookie: cookie } })).status).toBe(400);
  });

  it("is site:admin's: a key with exports:read neither sees the page nor posts its forms", async () => {
    const site = await createSite();
    const res = await call(`/v1/sites/${site}/keys`, json({ scopes: ["exports:read"] }));
    const cookie = await session((await res.json<{ key: string }>()).key);
    expect((await call(`/dashboard/spend?site=${site}`, { headers: { Cookie: cookie } })).status).toBe(403);
    const post = await submit(`/dashboard/spend/entries?site=${site}`, cookie, { form: "add", currency: "USD", month: "2026-11", source: "x", amount: "1" });
    expect(post.status).toBe(403);
    expect((await spendOf(site)).entries).toEqual([]);
    // The overview leaves the spend page out of its navigation and its cost card.
    const overview = await (await call(`/dashboard?site=${site}`, { headers: { Cookie: cookie } })).text();
    expect(overview).not.toContain("/dashboard/spend");
    expect(overview).toContain('data-kpi="cost-per-mql"');
  });
});
