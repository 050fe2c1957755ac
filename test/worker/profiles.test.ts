import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { leadProfileName, visitorProfileName } from "../../worker/src/lib/identity";
import { ADMIN, call, collect, createSite, ev, explained, json, lookup, post, uid } from "./helpers";

const vp = { email: "ada@acme.com", title: "VP Marketing", companySize: "201-500" };

/** A lead that is an MQL: fit 20, engagement 40. */
async function mql(site: string, vid = uid("v")) {
  await collect(site, vid, [ev.pageview("/pricing"), ev.track("demo_request"), ev.identify(vp)]);
  return { vid, lead: (await lookup(site, vp.email))! };
}

/** Every table and row an object's storage holds, _cf_ internals aside. */
function storageOf(name: string) {
  return runInDurableObject(env.PROFILES.getByName(name), (_, state) => {
    const tables = state.storage.sql.exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%'",
    ).toArray().map((t) => t.name);
    return Object.fromEntries(tables.map((t) => [t, state.storage.sql.exec(`SELECT * FROM ${t}`).toArray()]));
  });
}

async function feedback(site: string, items: unknown) {
  const res = await call(`/v1/sites/${site}/feedback`, json(items));
  expect(res.status).toBe(200);
  return (await res.json<{ results: any[] }>()).results;
}

describe("profile API", () => {
  it("shows a lead by id and by email with traits, a score its explanation sums to, stages and timeline", async () => {
    const site = await createSite();
    const { lead } = await mql(site);
    expect(lead).toMatchObject({
      site, stage: "mql", traits: { email: vp.email, title: vp.title, emailType: "business" },
      score: { fit: 20, engagement: 40, total: 60 }, rulesVersion: 1,
    });
    expect(explained(lead.explanation)).toEqual(lead.score);
    expect(lead.explanation.find((l: { rule: string }) => l.rule === "demo_request")).toMatchObject({ points: 25, events: [expect.any(String)] });
    expect(lead.stages).toEqual([
      { stage: "lead", at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), origin: "scoring" },
      { stage: "mql", at: expect.any(String), origin: "scoring" },
    ]);
    expect(lead.timeline.map((e: { type: string; points: number }) => [e.type, e.points])).toEqual([["pageview", 15], ["track", 25], ["identify", 20]]);

    const byId = await call(`/v1/sites/${site}/profiles/${lead.id}`, { headers: ADMIN });
    expect(byId.status).toBe(200);
    expect(await byId.json()).toEqual(lead);
  });

  it("answers 404 for an unknown email, a malformed id, or another site's profile", async () => {
    const site = await createSite();
    const other = await createSite();
    const { lead } = await mql(site);
    expect(await lookup(site, "nobody@acme.com")).toBeNull();
    for (const [s, id] of [[site, "nope"], [site, "f".repeat(64)], [other, lead.id]]) {
      const res = await call(`/v1/sites/${s}/profiles/${id}`, { headers: ADMIN });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "unknown_profile", path: "id" } });
    }
  });

  it("needs profiles:read, and takes an email only in a body", async () => {
    const site = await createSite();
    const created = await call(`/v1/sites/${site}/keys`, json({ scopes: ["events:write"] }));
    const { key } = await created.json<{ key: string }>();
    const res = await call(`/v1/sites/${site}/profiles/lookup`, json({ email: vp.email }, { Authorization: `Bearer ${key}` }));
    expect(res.status).toBe(403);
    const bad = await call(`/v1/sites/${site}/profiles/lookup`, json({ email: "not an email" }));
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_body", path: "email" } });
  });
});

describe("erasure", () => {
  it("erases the lead and every merged browser: storage and KV keep nothing of the person", async () => {
    const site = await createSite();
    const { vid: phone, lead } = await mql(site);
    const laptop = uid("v");
    await collect(site, laptop, [ev.identify({ email: vp.email }), ev.download("/files/a.pdf")]);
    const leadName = await leadProfileName(env.IDENTITY_SECRET, site, vp.email);
    expect((await env.SITES.list({ prefix: `lead:${site}:` })).keys.map((k) => k.name)).toEqual([`lead:${site}:${lead.id}`]);

    const res = await call(`/v1/sites/${site}/profiles/${lead.id}`, { method: "DELETE", headers: ADMIN });
    expect(res.status).toBe(204);

    expect(await storageOf(leadName)).toEqual({});
    for (const vid of [phone, laptop]) {
      // A tombstone, so the browser is told to reset; nothing else.
      expect(await storageOf(visitorProfileName(site, vid))).toEqual({ meta: [{ key: "erased_at", value: expect.any(Number) }] });
    }
    const kv = await env.SITES.list({ prefix: `lead:${site}:` });
    expect(kv.keys).toEqual([]);
    expect(await lookup(site, vp.email)).toBeNull();

    // Both browsers are told to forget their id; a new one starts fresh.
    for (const vid of [phone, laptop]) {
      const next = await collect(site, vid, [ev.pageview("/pricing")]);
      expect(next).toMatchObject({ reset: true, accepted: 0, stage: "visitor", score: { total: 0 } });
    }
    expect(await collect(site, uid("v"), [ev.identify({ email: vp.email })])).toMatchObject({ stage: "lead", score: { total: 0 } });
    expect((await lookup(site, vp.email))!.timeline).toHaveLength(1);
  });

  it("erases by email in a body, and through any of the person's browsers by id", async () => {
    const site = await createSite();
    await mql(site);
    const gone = await call(`/v1/sites/${site}/profiles/erase`, json({ email: " ADA@acme.com" }));
    expect(gone.status).toBe(204);
    expect(await lookup(site, vp.email)).toBeNull();
    const again = await call(`/v1/sites/${site}/profiles/erase`, json({ email: vp.email }));
    expect(again.status).toBe(404);

    const { vid } = await mql(site);
    const visitorId = (await collect(site, vid, [])).profile;
    const res = await call(`/v1/sites/${site}/profiles/${visitorId}`, { method: "DELETE", headers: ADMIN });
    expect(res.status).toBe(204);
    expect(await lookup(site, vp.email)).toBeNull();
  });

  it("answers GET /v1/stage for an erased browser as a visitor never seen", async () => {
    const site = await createSite();
    const { vid } = await mql(site);
    await call(`/v1/sites/${site}/profiles/erase`, json({ email: vp.email }));
    const res = await call(`/v1/stage?site=${site}&vid=${vid}`, { headers: { Origin: "https://www.acme.test" } });
    expect(await res.json()).toEqual({ stage: "visitor", mql: false, score: { fit: 0, engagement: 0, total: 0 } });
    const beacon = await (await post({ site, vid, events: [] })).json<Record<string, unknown>>();
    expect(beacon).toMatchObject({ reset: true });
  });
});

describe("sales feedback", () => {
  it("moves a lead anywhere, by email or id, keeping reason, CRM id and time in its stages", async () => {
    const site = await createSite();
    const { lead } = await mql(site);
    const results = await feedback(site, [
      { email: vp.email, stage: "sql", reasonCode: "meeting_booked", crmId: "0061x00000AbCdE", at: "2026-11-21T09:00:00Z" },
      { profile: lead.id, stage: "opportunity" },
      { email: "nobody@acme.com", stage: "sql" },
      { stage: "sql" },
      { email: vp.email, stage: "won" },
    ]);
    expect(results).toEqual([
      { index: 0, ok: true, profile: lead.id, from: "mql", to: "sql" },
      { index: 1, ok: true, profile: lead.id, from: "sql", to: "opportunity" },
      expect.objectContaining({ index: 2, ok: false, code: "unknown_profile", path: "[2].email" }),
      expect.objectContaining({ index: 3, ok: false, code: "invalid_feedback", path: "[3].email" }),
      expect.objectContaining({ index: 4, ok: false, code: "invalid_feedback", path: "[4].stage" }),
    ]);
    const after = (await lookup(site, vp.email))!;
    expect(after.stage).toBe("opportunity");
    expect(after.stages.slice(2)).toEqual([
      { stage: "sql", at: "2026-11-21T09:00:00.000Z", origin: "feedback", reasonCode: "meeting_booked", crmId: "0061x00000AbCdE" },
      { stage: "opportunity", at: expect.any(String), origin: "feedback" },
    ]);
    // Scoring never moves a stage sales set.
    await collect(site, uid("v"), [ev.identify({ email: vp.email }), ev.track("webinar_attended", { webinar: "w" })]);
    expect((await lookup(site, vp.email))!.stage).toBe("opportunity");
  });

  it("recycles to lead: engagement restarts from 0 with fresh limits, fit stays, and it may qualify again", async () => {
    const site = await createSite();
    const { vid } = await mql(site);
    expect(await feedback(site, { email: vp.email, stage: "lead", reasonCode: "not_ready" })).toMatchObject([{ ok: true, from: "mql", to: "lead" }]);
    const recycled = (await lookup(site, vp.email))!;
    expect(recycled).toMatchObject({ stage: "lead", score: { fit: 20, engagement: 0, total: 20 }, mqlAt: null });
    expect(explained(recycled.explanation)).toEqual(recycled.score);

    // demo_request is once ever: after recycling it counts again.
    await collect(site, vid, [ev.track("demo_request"), ev.pageview("/pricing/enterprise")]);
    const again = (await lookup(site, vp.email))!;
    expect(again).toMatchObject({ stage: "mql", score: { engagement: 40 } });
    expect(again.stages.map((s: { stage: string; origin: string }) => `${s.stage}:${s.origin}`))
      .toEqual(["lead:scoring", "mql:scoring", "lead:feedback", "mql:scoring"]);
  });

  it("needs feedback:write and refuses more than 500 items", async () => {
    const site = await createSite();
    const { key } = await (await call(`/v1/sites/${site}/keys`, json({ scopes: ["profiles:read"] }))).json<{ key: string }>();
    expect((await call(`/v1/sites/${site}/feedback`, json([], { Authorization: `Bearer ${key}` }))).status).toBe(403);
    const many = await call(`/v1/sites/${site}/feedback`, json(Array.from({ length: 501 }, () => ({ email: vp.email, stage: "sql" }))));
    expect(many.status).toBe(400);
  });
});
