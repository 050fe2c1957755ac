/**
 * Traits as they come (docs/rules.md, Traits): numbers and booleans kept as such, the
 * site's own keys, `null` removing a trait, through collect, the events API and forms,
 * out through the MQL export and webhooks.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { DEFAULT_MODEL } from "../../shared/rules";
import { leadProfileName } from "../../worker/src/lib/identity";
import type { CollectResponse } from "../../shared/events";
import { ADMIN, call, collect, createSite, ev, json, lookup, post, serverEvents, uid, until } from "./helpers";

const receiver = inject("receiver");

const BIG_REVENUE = {
  ...DEFAULT_MODEL,
  rules: [
    ...DEFAULT_MODEL.rules,
    { id: "big_revenue", on: "identify", dimension: "fit", points: 10, match: { "traits.annualRevenue": { gte: 10_000_000 } } },
    { id: "budget_holder", on: "identify", dimension: "fit", points: 5, match: { "traits.budgetAuthority": true } },
    { id: "on_hubspot", on: "identify", dimension: "fit", points: 5, match: { "traits.crm": { in: ["hubspot"] }, "traits.seats": { equals: "25" } } },
  ],
};

const pointsOf = (lead: Record<string, any>, rule: string) =>
  lead.explanation.filter((l: { rule: string }) => l.rule === rule).reduce((sum: number, l: { points: number }) => sum + l.points, 0);

async function lead(site: string, email: string): Promise<Record<string, any>> {
  return (await lookup(site, email))!;
}

/** Runs a lead's due work (its export record and webhook) now, as its alarm would. */
async function wake(site: string, email: string) {
  const stub = env.PROFILES.getByName(await leadProfileName(env.IDENTITY_SECRET, site, email));
  await runInDurableObject(stub, (p) => p.wake(Date.now()));
}

describe("a company size sent as a number", () => {
  it("scores company_size_icp through collect, and stays a number", async () => {
    const site = await createSite();
    const res = await collect(site, uid("v"), [ev.identify({ email: "ada@acme.com", title: "CTO", companySize: 1000 })]);
    expect(res.rejected).toEqual([]);
    const ada = await lead(site, "ada@acme.com");
    expect(pointsOf(ada, "company_size_icp")).toBe(10);
    expect(ada.score.fit).toBe(20);
    expect(ada.traits.companySize).toBe(1000);
  });

  it("replaces a size kept as text by a number, and the other way round", async () => {
    const site = await createSite();
    const vid = uid("v");
    const sizeOf = async () => {
      const ada = await lead(site, "ada@acme.com");
      return [ada.traits.companySize, pointsOf(ada, "company_size_icp")];
    };
    await collect(site, vid, [ev.identify({ email: "ada@acme.com", companySize: "201-500" })]);
    expect(await sizeOf()).toEqual(["201-500", 10]);
    await collect(site, vid, [ev.identify({ email: "ada@acme.com", companySize: 20 })]);
    expect(await sizeOf()).toEqual([20, 0]);
    await collect(site, vid, [ev.identify({ email: "ada@acme.com", companySize: "1,000+" })]);
    expect(await sizeOf()).toEqual(["1,000+", 10]);
  });

  it("scores it through the events API, sent with a site key", async () => {
    const site = await createSite();
    const { key } = await (await call(`/v1/sites/${site}/keys`, json({ scopes: ["events:write"] }))).json<{ key: string }>();
    const sent = await call(`/v1/sites/${site}/events`, json([
      { id: uid("e"), type: "identify", email: "bo@acme.com", ts: Date.now(), traits: { companySize: 1000 } },
    ], { Authorization: `Bearer ${key}` }));
    expect(sent.status).toBe(200);
    expect(await sent.json()).toMatchObject({ accepted: 1, rejected: [] });
    const bo = await lead(site, "bo@acme.com");
    expect(pointsOf(bo, "company_size_icp")).toBe(10);
    expect(bo.score.fit).toBe(10);
    expect(bo.traits.companySize).toBe(1000);
  });

  it("scores a form's \"1000\" as the number it reads", async () => {
    const site = await createSite();
    const res = await collect(site, uid("v"), [ev.form({ email: "cy@acme.com", companySize: "1000" })]);
    expect(res.rejected).toEqual([]);
    const cy = await lead(site, "cy@acme.com");
    expect(pointsOf(cy, "company_size_icp")).toBe(10);
    expect(cy.score.fit).toBe(10);
  });

  it("keeps a form to its allowlist of fields", async () => {
    const site = await createSite();
    const res = await collect(site, uid("v"), [ev.form({ email: "di@acme.com", annualRevenue: "25000000" })]);
    expect(res.rejected).toEqual([expect.objectContaining({ index: 0, code: "invalid_event", path: "events[0].props.fields.annualRevenue" })]);
  });
});

describe("the site's own traits", () => {
  it("scores a rule on a custom number trait, a boolean and text matchers reading numbers", async () => {
    const site = await createSite({ rules: BIG_REVENUE });
    const res = await collect(site, uid("v"), [
      ev.identify({ email: "ada@acme.com", annualRevenue: 25_000_000, budgetAuthority: true, crm: "HubSpot", seats: 25 }),
    ]);
    expect(res.rejected).toEqual([]);
    const ada = await lead(site, "ada@acme.com");
    expect(pointsOf(ada, "big_revenue")).toBe(10);
    expect(pointsOf(ada, "budget_holder")).toBe(5);
    expect(pointsOf(ada, "on_hubspot")).toBe(5);
    expect(ada.traits).toMatchObject({ annualRevenue: 25_000_000, budgetAuthority: true, crm: "HubSpot", seats: 25 });
  });

  it("does not score a revenue below the bound, and a boolean matches its text too", async () => {
    const site = await createSite({
      rules: { ...BIG_REVENUE, rules: [...BIG_REVENUE.rules, { id: "flagged", on: "identify", dimension: "fit", points: 1, match: { "traits.budgetAuthority": { equals: "true" } } }] },
    });
    await serverEvents(site, [
      { id: uid("e"), type: "identify", email: "bo@acme.com", ts: Date.now(), traits: { annualRevenue: 9_999_999, budgetAuthority: true } },
    ]);
    const bo = await lead(site, "bo@acme.com");
    expect(pointsOf(bo, "big_revenue")).toBe(0);
    expect(pointsOf(bo, "flagged")).toBe(1);
    expect(pointsOf(bo, "budget_holder")).toBe(5);
  });

  it("removes a trait sent as null, and its points with it", async () => {
    const site = await createSite({ rules: BIG_REVENUE });
    const vid = uid("v");
    await collect(site, vid, [ev.identify({ email: "ada@acme.com", annualRevenue: 25_000_000, companySize: 1000, plan: "pro" })]);
    expect(pointsOf(await lead(site, "ada@acme.com"), "big_revenue")).toBe(10);
    const res = await collect(site, vid, [ev.identify({ email: "ada@acme.com", annualRevenue: null, companySize: null })]);
    expect(res.rejected).toEqual([]);
    const ada = await lead(site, "ada@acme.com");
    expect(ada.traits).not.toHaveProperty("annualRevenue");
    expect(ada.traits).not.toHaveProperty("companySize");
    expect(ada.traits).toMatchObject({ email: "ada@acme.com", plan: "pro" });
    expect(pointsOf(ada, "big_revenue")).toBe(0);
    expect(pointsOf(ada, "company_size_icp")).toBe(0);
  });

  it("rejects bad traits one event at a time, naming the field, and keeps the batch-mates", async () => {
    const site = await createSite();
    const bad = [
      { annualRevenue: 1e16 },
      { "annual.revenue": 1 },
      { title: "x".repeat(257) },
      { emailDomain: "acme.com" },
      { email: null },
      { stack: ["react"] },
      { _secret: "x" },
      Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])),
    ];
    const res = await collect(site, uid("v"), [
      ev.identify({ email: "ada@acme.com", companySize: 1000 }),
      ...bad.map((traits) => ev.identify({ email: "ada@acme.com", ...traits })),
    ]);
    expect(res.accepted).toBe(1);
    const paths = res.rejected.map((r) => [r.index, r.code, r.path]);
    expect(paths).toEqual([
      [1, "invalid_event", "events[1].traits.annualRevenue"],
      [2, "invalid_event", "events[2].traits.annual.revenue"],
      [3, "invalid_event", "events[3].traits.title"],
      [4, "invalid_event", "events[4].traits.emailDomain"],
      [5, "invalid_event", "events[5].traits.email"],
      [6, "invalid_event", "events[6].traits.stack"],
      [7, "invalid_event", "events[7].traits._secret"],
      [8, "invalid_event", "events[8].traits.k50"],
    ]);
    expect(res.rejected[0]!.message).toContain("at most 1000000000000000");
    expect(res.rejected[3]!.message).toContain("derived");
    const ada = await lead(site, "ada@acme.com");
    expect(ada.traits.companySize).toBe(1000);
    expect(ada.traits.emailDomain).toBe("acme.com");
  });

  it("rejects a number JSON reads as infinite (1e400), keeping the batch-mate", async () => {
    const site = await createSite();
    const vid = uid("v");
    const good = JSON.stringify(ev.identify({ email: "ada@acme.com", companySize: 1000 }));
    const infinite = JSON.stringify(ev.identify({ email: "ada@acme.com", annualRevenue: 0 })).replace('"annualRevenue":0', '"annualRevenue":1e400');
    const res = await post(`{"site":"${site}","vid":"${vid}","events":[${good},${infinite}]}`);
    const body = await res.json<CollectResponse>();
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([expect.objectContaining({ index: 1, code: "invalid_event", path: "events[1].traits.annualRevenue" })]);
    expect(body.rejected[0]!.message).toContain("finite");
  });

  it("refuses the email among the events API's traits, and the same bounds there", async () => {
    const site = await createSite();
    const event = (traits: unknown) => ({ id: uid("e"), type: "identify", email: "bo@acme.com", ts: Date.now(), traits });
    const res = await serverEvents(site, [event({ email: "x@acme.com" }), event({ revenue: -1e15 - 1 }), event({ revenue: -1e15, ok: false })]);
    expect(res.accepted).toBe(1);
    expect(res.rejected.map((r: { path: string }) => r.path)).toEqual(["[0].traits.email", "[1].traits.revenue"]);
    expect((await lead(site, "bo@acme.com")).traits).toMatchObject({ revenue: -1e15, ok: false });
  });

  it("holds at most 50 of the site's own traits: a full profile updates them but takes no new key", async () => {
    const site = await createSite();
    const vid = uid("v");
    const keys = (from: number, to: number, value: number) => Object.fromEntries(Array.from({ length: to - from }, (_, i) => [`k${from + i}`, value]));
    await collect(site, vid, [ev.identify({ email: "ada@acme.com", ...keys(0, 30, 1) })]);
    await collect(site, vid, [ev.identify({ email: "ada@acme.com", ...keys(25, 60, 2), title: "CTO" })]);
    const traits = (await lead(site, "ada@acme.com")).traits;
    const custom = Object.keys(traits).filter((k) => /^k\d+$/.test(k));
    expect(custom).toHaveLength(50);
    expect(traits).toMatchObject({ k0: 1, k25: 2, k49: 2, title: "CTO" });
    expect(traits).not.toHaveProperty("k50");
  });
});

describe("exports and webhooks carry numbers and the site's own traits", () => {
  async function qualified(site: string, email: string) {
    await collect(site, uid("v"), [
      ev.pageview("/pricing"),
      ev.track("demo_request"),
      ev.identify({ email, title: "VP Marketing", companySize: 1000, annualRevenue: 25_000_000, budgetAuthority: true }),
    ]);
    await wake(site, email);
  }

  it("writes 1000 in the CSV's Company Size, and numbers, booleans and custom traits in JSON and NDJSON", async () => {
    const site = await createSite();
    await qualified(site, "ada@acme.com");
    const csv = await call(`/v1/sites/${site}/mqls?format=csv`, { headers: ADMIN });
    const [header, row] = (await csv.text()).split("\r\n");
    const cells = row!.split(",");
    expect(cells[header!.split(",").indexOf("Company Size")]).toBe("1000");
    expect(header).not.toContain("annualRevenue");

    const page = await (await call(`/v1/sites/${site}/mqls`, { headers: ADMIN })).json<{ items: any[] }>();
    expect(page.items[0]).toMatchObject({
      email: "ada@acme.com", companySize: 1000, customTraits: { annualRevenue: 25_000_000, budgetAuthority: true },
    });
    const nd = await (await call(`/v1/sites/${site}/mqls?format=ndjson`, { headers: ADMIN })).text();
    expect(nd).toContain('"companySize":1000');
    expect(nd).toContain('"customTraits":{"annualRevenue":25000000,"budgetAuthority":true}');
  });

  it("posts them in the webhook", async () => {
    const name = uid("h");
    const site = await createSite({ webhook: { url: `${receiver}/hook/${name}`, secret: "webhook-secret-0123456789abcdef" } });
    await qualified(site, "ada@acme.com");
    const deliveries = await until(async () => {
      const list: { body: string }[] = await (await fetch(`${receiver}/received/${name}`)).json();
      return list.length > 0 && list;
    }, "the webhook");
    const body = deliveries[0]!.body;
    expect(JSON.parse(body).profile).toMatchObject({ companySize: 1000, customTraits: { annualRevenue: 25_000_000, budgetAuthority: true } });
    expect(body).toContain('"companySize":1000');
  });
});
