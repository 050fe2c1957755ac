import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { leadProfileName, visitorProfileName } from "../../worker/src/lib/identity";
import {
  collect, createSite, ev, explained, hmacHex, IDENTIFY_SECRET, lookup, post, signedIdentify, uid,
} from "./helpers";

const vp = { email: "ada@acme.com", title: "VP Marketing", companySize: "201-500" };

describe("identity: visitors, leads and verified browsers", () => {
  it("merges two browsers that give one email into one lead, each event counted once", async () => {
    const site = await createSite();
    const [phone, laptop] = [uid("v"), uid("v")];
    const pricing = ev.pageview("/pricing");
    const demo = ev.track("demo_request");
    await collect(site, phone, [pricing, ev.download("/files/a.pdf")]);
    await collect(site, phone, [ev.identify(vp)]);
    // The laptop resends events the phone already sent (same ids: a synced queue), then identifies.
    await collect(site, laptop, [pricing, demo, ev.download("/files/b.pdf")]);
    await collect(site, laptop, [ev.identify({ email: " ADA@acme.com " }), demo]);

    const lead = (await lookup(site, "ada@acme.com"))!;
    // pricing 15 + two downloads 10 + demo 25 = 50 engagement, fit 20: an MQL.
    expect(lead).toMatchObject({ kind: "lead", stage: "mql", score: { fit: 20, engagement: 50, total: 70 }, visitors: { count: 2 } });
    expect(explained(lead.explanation)).toEqual(lead.score);
    const ids = lead.timeline.map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id: string) => id === pricing.id || id === demo.id)).toHaveLength(2);
    expect(lead.stages.map((s: { stage: string }) => s.stage)).toEqual(["lead", "mql"]);
  });

  it("keeps two emails on one browser as two leads: what came before the second stays with the first", async () => {
    const site = await createSite();
    const vid = uid("v");
    await collect(site, vid, [ev.pageview("/pricing"), ev.identify({ email: "first@acme.com" }), ev.track("demo_request")]);
    await collect(site, vid, [ev.identify({ email: "second@globex.com" }), ev.download("/files/a.pdf")]);

    const first = (await lookup(site, "first@acme.com"))!;
    const second = (await lookup(site, "second@globex.com"))!;
    expect(first.id).not.toBe(second.id);
    expect(first.score.engagement).toBe(40);
    expect(first.traits.email).toBe("first@acme.com");
    expect(second.score.engagement).toBe(5);
    expect(second.traits.email).toBe("second@globex.com");
    expect(second.timeline.map((e: { type: string }) => e.type)).toEqual(["identify", "download"]);
  });

  it("shows a browser that merely claims an email only its own state, never the lead's", async () => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET });
    const owner = uid("v");
    await collect(site, owner, [await signedIdentify(site, vp), ev.track("demo_request"), ev.pageview("/pricing")]);
    expect((await lookup(site, vp.email))!.stage).toBe("mql");

    const stranger = uid("v");
    const claimed = await collect(site, stranger, [ev.identify({ email: vp.email })]);
    // Its own state: a lead with no points. Not the lead's mql, score or id.
    expect(claimed).toMatchObject({ stage: "lead", mql: false, score: { fit: 0, engagement: 0, total: 0 } });
    expect(claimed.profile).not.toBe((await lookup(site, vp.email))!.id);
    expect(JSON.stringify(claimed)).not.toMatch(/VP Marketing|201-500|ada@/);
    const stage = await (await post({ site, vid: stranger, events: [] })).json<Record<string, unknown>>();
    expect(stage).toMatchObject({ stage: "lead", mql: false, score: { total: 0 } });
  });

  it("shows a verified browser its lead's state, from every device", async () => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET });
    await collect(site, uid("v"), [ev.identify(vp), ev.track("demo_request"), ev.pageview("/pricing")]);
    const verified = await collect(site, uid("v"), [await signedIdentify(site, { email: vp.email })]);
    expect(verified).toMatchObject({ stage: "mql", mql: true, score: { fit: 20, engagement: 40, total: 60 } });
    expect(verified.profile).toBe((await lookup(site, vp.email))!.id);
  });

  it("treats a wrong or expired signature as a claim", async () => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET });
    await collect(site, uid("v"), [ev.identify(vp), ev.track("demo_request"), ev.pageview("/pricing")]);
    const forged = { ...(await signedIdentify(site, { email: vp.email })), signature: "0".repeat(64) };
    expect(await collect(site, uid("v"), [forged])).toMatchObject({ stage: "lead", score: { total: 0 } });
    const expired = { ...(await signedIdentify(site, { email: vp.email })), expires: 1_000 };
    expect(await collect(site, uid("v"), [expired])).toMatchObject({ stage: "lead", score: { total: 0 } });
  });

  it("takes a proof that expires within 30 days, and treats a longer-lived one as a claim", async () => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET });
    await collect(site, uid("v"), [ev.identify(vp), ev.track("demo_request")]);
    const signedFor = async (days: number) => {
      const expires = Math.floor(Date.now() / 1000) + days * 86_400;
      return { ...ev.identify({ email: vp.email }), expires, signature: await hmacHex(IDENTIFY_SECRET, `${site}|${vp.email}|${expires}`) };
    };
    expect(await collect(site, uid("v"), [await signedFor(29)])).toMatchObject({ stage: "lead", score: { engagement: 25 } });
    expect(await collect(site, uid("v"), [await signedFor(31)])).toMatchObject({ stage: "lead", score: { total: 0 } });
    expect(await collect(site, uid("v"), [await signedFor(365 * 100)])).toMatchObject({ stage: "lead", score: { total: 0 } });
  });

  it("with requireVerified, rejects an unsigned identify and lets a form count without identifying", async () => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET, requireVerified: true });
    const vid = uid("v");
    const res = await collect(site, vid, [ev.identify(vp), ev.form({ email: "grace@navy.mil" }), ev.pageview("/pricing")]);
    expect(res.rejected).toEqual([expect.objectContaining({ index: 0, code: "unverified_identity", path: "events[0].signature" })]);
    expect(res).toMatchObject({ accepted: 2, stage: "visitor", score: { engagement: 15 } });
    expect(await lookup(site, "grace@navy.mil")).toBeNull();
    expect(await collect(site, vid, [await signedIdentify(site, vp)])).toMatchObject({ stage: "lead", accepted: 1 });
  });

  it("names objects by a keyed hash: no email in any object name or profile id", async () => {
    const site = await createSite();
    const vid = uid("v");
    const res = await collect(site, vid, [ev.identify(vp)]);
    const name = await leadProfileName(env.IDENTITY_SECRET, site, vp.email);
    expect(name).toMatch(new RegExp(`^lead:${site}:[0-9a-f]{64}$`));
    expect(name).toBe(await leadProfileName(env.IDENTITY_SECRET, site, " Ada@ACME.com "));
    expect(name).not.toBe(await leadProfileName("another-secret", site, vp.email));
    expect(JSON.stringify(res)).not.toMatch(/ada@|acme\.com/); // (a hex id may hold "ada")
    // The visitor's events went to that object.
    const merged = await runInDurableObject(env.PROFILES.getByName(name), (_, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM events").one().n);
    expect(merged).toBe(1);
  });

  it("delivers batches racing a merge to the lead exactly once, in arrival order", async () => {
    const site = await createSite();
    const vid = uid("v");
    await collect(site, vid, Array.from({ length: 20 }, (_, i) => ev.pageview(`/docs/${i}`)));
    const identify = ev.identify(vp);
    const beacons = Array.from({ length: 5 }, (_, i) => [ev.download(`/files/${i}.pdf`)]);
    // The identify that starts the merge, and beacons right behind it (some resent).
    await Promise.all([
      collect(site, vid, [identify]),
      ...beacons.map((events) => collect(site, vid, events)),
      ...beacons.map((events) => collect(site, vid, events)),
    ]);
    const lead = (await lookup(site, vp.email))!;
    expect(lead.timeline).toHaveLength(26);
    expect(lead.score.engagement).toBe(15); // downloads: 5 × 5, capped at 15
    const outbox = await runInDurableObject(env.PROFILES.getByName(visitorProfileName(site, vid)), (_, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM events WHERE forwarded = 0").one().n);
    expect(outbox).toBe(0);
  });
});
