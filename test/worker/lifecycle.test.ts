import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DAY_MS, DEFAULT_MODEL, type ProfileEvent } from "../../shared/rules";
import { leadProfileName, visitorProfileName } from "../../worker/src/lib/identity";
import type { ScoringSite } from "../../worker/src/domain/profile";
import { DEFAULT_SCORING_MODEL } from "../../worker/src/sites/config";
import {
  ADMIN, BROWSER_UA, call, collect, createSite, ev, explained, forwarded, json, lookup, ORIGIN, serverEvents, uid,
} from "./helpers";

type Line = { rule: string; dimension: string; points: number; at?: number };
const vp = { email: "ada@globex.com", title: "VP Marketing", companySize: "201-500" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function leadStub(site: string, email: string) {
  return env.PROFILES.getByName(await leadProfileName(env.IDENTITY_SECRET, site, email));
}

/** A collect request as the edge hands it over: from `country`, with optional extra headers. */
async function collectFrom(country: string | null, body: { site: string; vid: string; events: unknown[] }, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(new Request("https://edge.test/v1/collect", {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "text/plain", "User-Agent": BROWSER_UA, ...headers },
    body: JSON.stringify(body),
    ...(country && { cf: { country } }),
  } as RequestInit));
  expect(res.status).toBe(200);
  const answer = await res.json<Record<string, any>>();
  await forwarded(body.site, body.vid);
  return answer;
}

/** The site's rules with other points for one rule. */
function withPoints(rule: string, points: number) {
  return { ...DEFAULT_MODEL, rules: DEFAULT_MODEL.rules.map((r) => (r.id === rule ? { ...r, points } : r)) };
}

async function putSite(site: string, extra: Record<string, unknown>) {
  const res = await call(`/v1/sites/${site}`, {
    method: "PUT",
    headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Acme", origins: [ORIGIN], ...extra }),
  });
  expect(res.status).toBe(200);
  return res.json<Record<string, any>>();
}

describe("inactivity decay, on a lead's alarm", () => {
  // A clock the test controls: the object is driven with `now`; T0 is today so no real alarm fires meanwhile.
  const T0 = Date.now();
  const at = (days: number) => T0 + days * DAY_MS;

  async function newLead() {
    const site: ScoringSite = { id: uid("site-"), rulesVersion: 1, model: DEFAULT_SCORING_MODEL, internalDomains: [], webhookStages: null, retentionDays: 395, mqlSlaDays: null };
    const stub = await leadStub(site.id, "ada@globex.com");
    const event = (e: Partial<ProfileEvent> & Pick<ProfileEvent, "type">): ProfileEvent =>
      ({ id: uid("e"), receivedAt: T0, ts: T0, scored: true, ...e });
    const events = [
      event({ type: "identify", url: "https://www.acme.test/contact", traits: { email: "ada@globex.com" } }),
      event({ type: "pageview", url: "https://www.acme.test/pricing" }), // 15
      event({ type: "track", url: "https://www.acme.test/", name: "demo_request", props: {} }), // 25
    ];
    const result = await runInDurableObject(stub, (p) => p.record({ site, events, now: T0 }));
    expect(result).toMatchObject({ accepted: 3, state: { stage: "lead", score: { fit: 0, engagement: 40, total: 40 } } });
    // Becoming a lead queued its stage change for the site's metrics: the alarm delivers it at once.
    await delivered(stub);
    return { site, stub, event };
  }

  /** Waits until the object's alarm (it fires at once) has delivered its outbox and set its next alarm (null while it runs). */
  async function delivered(stub: Awaited<ReturnType<typeof leadStub>>) {
    for (let tries = 0; ; tries++) {
      const { pending, alarm } = await runInDurableObject(stub, async (_, state) => ({
        pending: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n,
        alarm: await state.storage.getAlarm(),
      }));
      if (!pending && alarm !== null) return;
      if (tries > 200) throw new Error("the outbox was never delivered");
      await sleep(10);
    }
  }

  const alarmOf = (stub: Awaited<ReturnType<typeof leadStub>>) =>
    runInDurableObject(stub, (_, state) => state.storage.getAlarm());
  const stored = (stub: Awaited<ReturnType<typeof leadStub>>) => runInDurableObject(stub, (_, state) => ({
    profile: state.storage.sql.exec("SELECT * FROM profile").one(),
    stages: state.storage.sql.exec("SELECT * FROM stages").toArray(),
    events: state.storage.sql.exec("SELECT seq, points, scored FROM events ORDER BY seq").toArray(),
  }));

  it("loses 10 engagement points every 30 days without activity, each loss a line of the explanation", async () => {
    const { site, stub } = await newLead();
    expect(await alarmOf(stub)).toBe(at(30));

    // Day 30: one loss, settled into the stored state; the alarm moves to the next one.
    await runInDurableObject(stub, (p) => p.wake(at(30)));
    const day30 = (await runInDurableObject(stub, (p) => p.details(site.id, at(30))))!;
    expect(day30.score).toEqual({ fit: 0, engagement: 30, total: 30 });
    expect(day30.explanation.filter((l: Line) => l.rule === "decay")).toEqual([
      { rule: "decay", dimension: "engagement", points: -10, events: [], at: at(30) },
    ]);
    expect(explained(day30.explanation)).toEqual(day30.score);
    expect(JSON.parse((await stored(stub)).profile.scoring as string).decay).toEqual([{ at: at(30), points: -10 }]);
    expect(await alarmOf(stub)).toBe(at(60));

    // Waking again at the same time changes nothing.
    const before = await stored(stub);
    await runInDurableObject(stub, (p) => p.wake(at(30)));
    expect(await stored(stub)).toEqual(before);
    expect((await runInDurableObject(stub, (p) => p.details(site.id, at(30))))!.score).toEqual(day30.score);
    expect(await alarmOf(stub)).toBe(at(60));

    // Day 60: a second loss.
    await runInDurableObject(stub, (p) => p.wake(at(60)));
    const day60 = (await runInDurableObject(stub, (p) => p.details(site.id, at(60))))!;
    expect(day60.score).toEqual({ fit: 0, engagement: 20, total: 20 });
    expect(day60.explanation.filter((l: Line) => l.rule === "decay").map((l: Line) => [l.at, l.points]))
      .toEqual([[at(30), -10], [at(60), -10]]);
    expect(explained(day60.explanation)).toEqual(day60.score);
    expect(await alarmOf(stub)).toBe(at(90));
    expect(day60.stage).toBe("lead");
  });

  it("never takes engagement below 0, and stops waking for decay once nothing is left to lose", async () => {
    const { site, stub } = await newLead();
    // Woken late (the alarm is at least once, not on time): every loss due is settled at once.
    await runInDurableObject(stub, (p) => p.wake(at(200)));
    const late = (await runInDurableObject(stub, (p) => p.details(site.id, at(200))))!;
    expect(late.score).toEqual({ fit: 0, engagement: 0, total: 0 });
    expect(late.explanation.filter((l: Line) => l.rule === "decay").map((l: Line) => l.at))
      .toEqual([at(30), at(60), at(90), at(120)]);
    expect(explained(late.explanation)).toEqual(late.score);
    // The one timer left: the events' retention (395 days after they came).
    expect(await alarmOf(stub)).toBe(at(395));
  });

  it("restarts the clock on new activity, keeping the losses already taken", async () => {
    const { site, stub, event } = await newLead();
    await runInDurableObject(stub, (p) => p.wake(at(60)));
    // Day 65: back on the pricing page (a new day: another 15, up to the cap of 30).
    const back = event({ type: "pageview", url: "https://www.acme.test/pricing", receivedAt: at(65), ts: at(65) });
    await runInDurableObject(stub, (p) => p.record({ site, events: [back], now: at(65) }));
    // First its account (globex.com) hears of the new engagement, at once; then the next loss.
    expect(await alarmOf(stub)).toBe(at(65));
    await runInDurableObject(stub, (p) => p.wake(at(65)));
    expect(await alarmOf(stub)).toBe(at(95));
    const day94 = (await runInDurableObject(stub, (p) => p.details(site.id, at(94))))!;
    expect(day94.score.engagement).toBe(40 - 20 + 15);
    expect(day94.explanation.filter((l: Line) => l.rule === "decay")).toHaveLength(2);
    expect(explained(day94.explanation)).toEqual(day94.score);
  });

  it("runs the real alarm handler, which keeps the next loss scheduled", async () => {
    const { site, stub } = await newLead();
    // The alarm is due in 30 days; running it now (an early or repeated wake) takes nothing.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const details = (await runInDurableObject(stub, (p) => p.details(site.id, Date.now())))!;
    expect(details.score).toEqual({ fit: 0, engagement: 40, total: 40 });
    expect(await alarmOf(stub)).toBe(at(30));
    // A lead with nothing to lose wakes only for its events' retention.
    const empty: ScoringSite = { ...site, id: uid("site-") };
    const quiet = await leadStub(empty.id, "quiet@globex.com");
    await runInDurableObject(quiet, (p) => p.record({
      site: empty, now: T0,
      events: [{ id: uid("e"), type: "identify", receivedAt: T0, ts: T0, scored: true, traits: { email: "quiet@globex.com" } }],
    }));
    await delivered(quiet);
    expect(await alarmOf(quiet)).toBe(at(395));
  });
});

describe("retention: events past retentionDays folded into the score and dropped", () => {
  it("folds events past retentionDays into the scoring state: scores hold, newer events still rescore", async () => {
    const T0 = Date.now();
    const day = (n: number) => T0 + n * DAY_MS;
    const site: ScoringSite = { id: uid("site-"), rulesVersion: 1, model: DEFAULT_SCORING_MODEL, internalDomains: [], webhookStages: null, retentionDays: 30, mqlSlaDays: null };
    const stub = await leadStub(site.id, "old@globex.com");
    const e = (receivedAt: number, fields: Partial<ProfileEvent> & Pick<ProfileEvent, "type">): ProfileEvent =>
      ({ id: uid("e"), receivedAt, ts: receivedAt, scored: true, ...fields });
    await runInDurableObject(stub, (p) => p.record({ site, now: T0, events: [
      e(T0, { type: "identify", traits: { email: "old@globex.com", title: "CTO" } }),
      e(T0, { type: "track", name: "demo_request", props: {} }),
    ] }));
    await runInDurableObject(stub, (p) => p.record({ site, now: day(20), events: [e(day(20), { type: "pageview", url: "https://www.acme.test/pricing" })] }));
    const before = (await runInDurableObject(stub, (p) => p.details(site.id, day(31))))!;
    expect(before.score).toEqual({ fit: 10, engagement: 40, total: 50 });

    await runInDurableObject(stub, (p) => p.wake(day(31)));
    const kept = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec<{ type: string }>("SELECT type FROM events ORDER BY seq").toArray().map((r) => r.type));
    expect(kept).toEqual(["pageview"]);
    const after = (await runInDurableObject(stub, (p) => p.details(site.id, day(31))))!;
    expect(after.score).toEqual(before.score);
    expect(explained(after.explanation)).toEqual(after.score);
    // The next fold falls due when the kept page view passes 30 days.
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBe(day(50));

    // New rules: the kept page view is rescored (pricing 15 → 20); the folded demo request keeps its 25.
    const newer: ScoringSite = { ...site, rulesVersion: 2, model: { ...DEFAULT_SCORING_MODEL, rules: DEFAULT_SCORING_MODEL.rules.map((r) => (r.id === "pricing_visit" ? { ...r, points: 20 } : r)) } };
    await runInDurableObject(stub, (p) => p.rescore(newer, day(31)));
    const rescored = (await runInDurableObject(stub, (p) => p.details(site.id, day(31))))!;
    expect(rescored.score).toEqual({ fit: 10, engagement: 45, total: 55 });
    expect(explained(rescored.explanation)).toEqual(rescored.score);
  });
});

describe("rule versions and rescoring", () => {
  async function rescoreDone(site: string) {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const res = await call(`/v1/sites/${site}/rescore`, { headers: ADMIN });
      const job = res.status === 200 ? await res.json<Record<string, any>>() : null;
      if (job?.status === "done") return job;
      if (Date.now() > deadline) throw new Error(`rescore not done: ${JSON.stringify(job)}`);
      await sleep(25);
    }
  }

  it("gives a changed site a new rules version; a rescore brings leads to it without moving a stage back", async () => {
    const site = await createSite();
    const vid = uid("v");
    const demo = ev.track("demo_request");
    const mql = await collect(site, vid, [ev.pageview("/pricing"), demo, ev.identify(vp)]);
    expect(mql).toMatchObject({ stage: "mql", score: { fit: 20, engagement: 40, total: 60 } });

    // A demo request is now worth 5: the site's rules version rises.
    expect(await putSite(site, { rules: withPoints("demo_request", 5) })).toMatchObject({ rulesVersion: 2 });
    const config = await (await call(`/v1/sites/${site}`, { headers: ADMIN })).json<Record<string, any>>();
    expect(config.rulesVersion).toBe(2);
    expect(config.rules.rules.find((r: { id: string }) => r.id === "demo_request").points).toBe(5);

    // Untouched, the lead still holds the version it was scored with.
    expect(await lookup(site, vp.email)).toMatchObject({ rulesVersion: 1, score: { total: 60 } });

    const started = await call(`/v1/sites/${site}/rescore`, json({}));
    expect(started.status).toBe(202);
    expect(await started.json()).toMatchObject({ rulesVersion: 2, status: "running", profiles: 0 });
    const job = await rescoreDone(site);
    expect(job.profiles).toBeGreaterThanOrEqual(1);
    expect(job.changed).toBe(0);

    const lead = (await lookup(site, vp.email))!;
    expect(lead).toMatchObject({ rulesVersion: 2, stage: "mql", score: { fit: 20, engagement: 20, total: 40 } });
    expect(lead.explanation).toContainEqual(expect.objectContaining({ rule: "demo_request", points: 5, events: [demo.id] }));
    expect(explained(lead.explanation)).toEqual(lead.score);
    expect(lead.timeline.find((e: { id: string }) => e.id === demo.id).points).toBe(5);
    // Below the thresholds now, but scoring never moves a stage back, nor records a move.
    expect(lead.stages.map((s: { stage: string; origin: string }) => [s.stage, s.origin]))
      .toEqual([["lead", "scoring"], ["mql", "scoring"]]);

    // Never back to an older version than the profile has seen (an isolate's stale config).
    const stub = await leadStub(site, vp.email);
    const old: ScoringSite = { id: site, rulesVersion: 1, model: DEFAULT_SCORING_MODEL, internalDomains: [], retentionDays: 395, mqlSlaDays: null };
    const moved = await runInDurableObject(stub, (p) => p.rescore(old, Date.now()));
    expect(moved).toMatchObject({ rulesVersion: 2, from: "mql", to: "mql" });
    expect(await lookup(site, vp.email)).toMatchObject({ rulesVersion: 2, score: lead.score });
    // Nor through the events of a stale isolate.
    await runInDurableObject(stub, (p) => p.record({
      site: old, now: Date.now(),
      events: [{ id: uid("e"), type: "pageview", receivedAt: Date.now(), ts: Date.now(), scored: true, url: "https://www.acme.test/about" }],
    }));
    expect(await lookup(site, vp.email)).toMatchObject({ rulesVersion: 2, score: lead.score });
  });

  it("rescores a lead to a higher stage when the new rules qualify it, recording the move as a rescore", async () => {
    const site = await createSite();
    await collect(site, uid("v"), [ev.identify(vp), ev.pageview("/pricing")]);
    expect(await lookup(site, vp.email)).toMatchObject({ stage: "lead", score: { total: 35 } });
    await putSite(site, { rules: withPoints("pricing_visit", 30) });
    expect((await call(`/v1/sites/${site}/rescore`, json({}))).status).toBe(202);
    expect(await rescoreDone(site)).toMatchObject({ rulesVersion: 2, changed: 1 });
    const lead = (await lookup(site, vp.email))!;
    expect(lead).toMatchObject({ stage: "mql", rulesVersion: 2, score: { total: 50 } });
    expect(lead.stages.at(-1)).toMatchObject({ stage: "mql", origin: "rescore" });
  });

  it("rescores an anonymous visitor when it is next seen", async () => {
    const site = await createSite();
    const vid = uid("v");
    expect(await collect(site, vid, [ev.track("demo_request")])).toMatchObject({ score: { engagement: 25 } });
    await putSite(site, { rules: withPoints("demo_request", 5) });
    // Its old demo request counts 5 now, alongside the new visit.
    expect(await collect(site, vid, [ev.pageview("/pricing")])).toMatchObject({ score: { engagement: 20 } });
  });

  it("keeps no model in an anonymous visitor: one that lost its memory takes its site's current rules, never older ones", async () => {
    const site = await createSite();
    const vid = uid("v");
    const visitor = env.PROFILES.getByName(visitorProfileName(site, vid));
    const forget = () => runInDurableObject(visitor, (profile) => (profile as unknown as { reset(): void }).reset());
    expect(await collect(site, vid, [ev.track("demo_request")])).toMatchObject({ score: { engagement: 25 } });
    // Version 2: a demo request gives 5, an unsubscribe takes 1 (20 in version 1).
    const points: Record<string, number> = { demo_request: 5, unsubscribed: -1 };
    await putSite(site, { rules: { ...DEFAULT_MODEL, rules: DEFAULT_MODEL.rules.map((r) => ({ ...r, points: points[r.id] ?? r.points })) } });
    // As after an eviction: nothing in memory, and no model in storage.
    await forget();
    const stage = await call(`/v1/stage?site=${site}&vid=${vid}`, { headers: { Origin: ORIGIN } });
    expect(await stage.json()).toMatchObject({ score: { engagement: 5 } });
    // A batch brought by an isolate whose config still has version 1 is scored with version 2.
    await forget();
    const v1: ScoringSite = { id: site, rulesVersion: 1, model: DEFAULT_SCORING_MODEL, internalDomains: [], webhookStages: null, retentionDays: 395, mqlSlaDays: null };
    const now = Date.now();
    const result = await visitor.collect({
      site: v1, now, events: [{ id: uid("e"), type: "track", name: "email_unsubscribe", props: {}, receivedAt: now, ts: now, scored: true }],
    });
    expect(result.state).toMatchObject({ score: { engagement: 4 } });
    const stored = await runInDurableObject(visitor, (_, state) => state.storage.sql.exec("SELECT rules_version FROM profile").one());
    expect(stored).toEqual({ rules_version: 2 });
  });
});

describe("per-country thresholds", () => {
  // NG qualifies at a total of 30; the other thresholds (fit 10, engagement 20) still hold.
  const regional = { rules: { ...DEFAULT_MODEL, countries: { NG: { total: 30 } } } };
  // fit 10 (a VP, no company size) + engagement 25 (a demo request) = 35.
  const identify = (email: string, traits: Record<string, string> = {}) => ev.identify({ email, title: "VP Sales", ...traits });

  it("qualifies a lead first seen in NG at NG's thresholds, one first seen in the US at the default", async () => {
    const site = await createSite(regional);
    const ng = await collectFrom("NG", { site, vid: uid("v"), events: [identify("ng@globex.com"), ev.track("demo_request")] });
    expect(ng).toMatchObject({ stage: "mql", score: { fit: 10, engagement: 25, total: 35 } });
    expect(await lookup(site, "ng@globex.com")).toMatchObject({ stage: "mql", score: { total: 35 } });

    const us = await collectFrom("US", { site, vid: uid("v"), events: [identify("us@globex.com"), ev.track("demo_request")] });
    expect(us).toMatchObject({ stage: "lead", score: { total: 35 } });
    expect(await lookup(site, "us@globex.com")).toMatchObject({ stage: "lead" });
  });

  it("keeps the country first seen: one trip abroad does not change a lead's bar", async () => {
    const site = await createSite(regional);
    const vid = uid("v");
    await collectFrom("US", { site, vid, events: [identify("trip@globex.com")] });
    const abroad = await collectFrom("NG", { site, vid, events: [ev.track("demo_request")] });
    expect(abroad).toMatchObject({ stage: "lead", score: { total: 35 } });
    expect(await lookup(site, "trip@globex.com")).toMatchObject({ stage: "lead", score: { total: 35 } });
  });

  it("lets a country trait override the country seen at the edge", async () => {
    const site = await createSite(regional);
    const home = await collectFrom("US", { site, vid: uid("v"), events: [identify("lagos@globex.com", { country: "ng" }), ev.track("demo_request")] });
    expect(home).toMatchObject({ stage: "mql" });
    expect((await lookup(site, "lagos@globex.com"))!.traits.country).toBe("NG");
    const away = await collectFrom("NG", { site, vid: uid("v"), events: [identify("austin@globex.com", { country: "US" }), ev.track("demo_request")] });
    expect(away).toMatchObject({ stage: "lead", score: { total: 35 } });
  });

  it("uses the first edge country of a lead first known from a server event", async () => {
    const site = await createSite(regional);
    await serverEvents(site, [{ id: uid("e"), email: "crm@globex.com", type: "identify", ts: Date.now(), traits: { title: "VP Sales" } }]);
    await collectFrom("NG", { site, vid: uid("v"), events: [ev.identify({ email: "crm@globex.com" }), ev.track("demo_request")] });
    expect(await lookup(site, "crm@globex.com")).toMatchObject({ stage: "mql", score: { total: 35 } });
  });
});

describe("internal traffic: recorded, never scored", () => {
  const exclude = { exclude: { emailDomains: ["ACME.com"], ips: ["203.0.113.7"] } };

  it("records a visitor that turns out to be staff, and takes back every point it had", async () => {
    const site = await createSite(exclude);
    const vid = uid("v");
    const pricing = ev.pageview("/pricing");
    const demo = ev.track("demo_request");
    expect(await collect(site, vid, [pricing, demo])).toMatchObject({ score: { engagement: 40 } });
    const staff = ev.identify({ email: "Someone@Acme.com", title: "VP Marketing", companySize: "201-500" });
    const res = await collect(site, vid, [staff]);
    expect(res).toMatchObject({ accepted: 1, stage: "lead", score: { fit: 0, engagement: 0, total: 0 } });

    const lead = (await lookup(site, "someone@acme.com"))!;
    expect(lead).toMatchObject({ stage: "lead", score: { fit: 0, engagement: 0, total: 0 }, explanation: [] });
    expect(lead.timeline.map((e: { id: string }) => e.id)).toEqual([pricing.id, demo.id, staff.id]);
    expect(lead.timeline.every((e: { scored: boolean; points: number }) => !e.scored && e.points === 0)).toBe(true);
    // Later activity stays unscored.
    expect(await collect(site, vid, [ev.track("webinar_attended", { webinar: "w1" })])).toMatchObject({ accepted: 1, score: { total: 0 } });
    expect((await lookup(site, "someone@acme.com"))!.score.total).toBe(0);
  });

  it("accepts a request from an excluded address but scores nothing of it", async () => {
    const site = await createSite(exclude);
    const vid = uid("v");
    const office = { "CF-Connecting-IP": "203.0.113.7" };
    const res = await collectFrom(null, { site, vid, events: [ev.pageview("/pricing"), ev.track("demo_request"), ev.identify(vp)] }, office);
    expect(res).toMatchObject({ accepted: 3, stage: "lead", score: { fit: 0, engagement: 0, total: 0 } });
    const lead = (await lookup(site, vp.email))!;
    expect(lead.timeline).toHaveLength(3);
    expect(lead.score.total).toBe(0);
    // From another address the same browser is scored again: what the office sent used up no limit.
    const home = await collectFrom(null, { site, vid, events: [ev.track("demo_request"), ev.pageview("/plans")] }, { "CF-Connecting-IP": "198.51.100.1" });
    expect(home.score).toEqual({ fit: 20, engagement: 40, total: 60 });
  });

  it("records server events about staff, never scoring them", async () => {
    const site = await createSite(exclude);
    const email = "bob@acme.com";
    const sent = await serverEvents(site, [
      { id: uid("e"), email, type: "track", name: "demo_request", ts: Date.now() },
      { id: uid("e"), email, type: "identify", ts: Date.now(), traits: { title: "CTO", companySize: "51-200" } },
    ]);
    expect(sent).toMatchObject({ accepted: 2, duplicates: 0, rejected: [] });
    const lead = (await lookup(site, email))!;
    expect(lead).toMatchObject({ stage: "lead", score: { fit: 0, engagement: 0, total: 0 } });
    expect(lead.timeline).toHaveLength(2);
    expect(lead.timeline.every((e: { scored: boolean }) => !e.scored)).toBe(true);
  });
});

describe("server events (POST /v1/sites/:site/events)", () => {
  const track = (email: string, name: string, props?: Record<string, unknown>) =>
    ({ id: uid("e"), email, type: "track", name, ts: Date.now(), ...(props && { props }) });

  it("rejects props nested too deep to write out, and keeps the batch-mates", async () => {
    // A megabyte holds 400,000 nested arrays: JSON.stringify of them (under a key that
    // holds a lone surrogate) overflows the stack, which must not take the batch down.
    const site = await createSite();
    const depth = 400_000;
    const body = JSON.stringify([track("ada@acme.com", "email_open"), track("ada@acme.com", "email_open", { deep: "DEEP" })])
      .replace('"DEEP"', `{"\\ud800":${"[".repeat(depth)}${"]".repeat(depth)}}`);
    const res = await call(`/v1/sites/${site}/events`, { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body });
    expect(res.status).toBe(200);
    const answer = await res.json<Record<string, any>>();
    expect(answer.accepted).toBe(1);
    expect(answer.rejected).toEqual([expect.objectContaining({ index: 1, path: "[1].props" })]);
  });

  it("scores an email tool's, a webinar platform's and a CRM's events on the email's lead", async () => {
    const site = await createSite();
    const email = "grace@globex.com";
    expect(await lookup(site, email)).toBeNull();

    // email_engaged gives its 5 after the fifth open, once.
    const opens = Array.from({ length: 4 }, () => track(email, "email_open"));
    expect(await serverEvents(site, opens)).toEqual({ accepted: 4, duplicates: 0, rejected: [] });
    // An unknown email is now a lead.
    expect(await lookup(site, email)).toMatchObject({ kind: "lead", stage: "lead", traits: { email }, score: { engagement: 0 } });
    await serverEvents(site, [track(email, "email_open")]);
    expect((await lookup(site, email))!.score.engagement).toBe(5);
    await serverEvents(site, [track(email, "email_open")]);
    expect((await lookup(site, email))!.score.engagement).toBe(5);

    await serverEvents(site, [
      track(email, "webinar_attended", { webinar: "w1" }),
      { id: uid("e"), email, type: "identify", ts: Date.now(), traits: { title: "CTO", companySize: "51-200" } },
    ]);
    const lead = (await lookup(site, email))!;
    expect(lead).toMatchObject({ stage: "lead", traits: { title: "CTO", companySize: "51-200" }, score: { fit: 20, engagement: 15, total: 35 } });
    expect(lead.explanation.map((l: Line) => [l.rule, l.points])).toEqual(
      expect.arrayContaining([["email_engaged", 5], ["webinar_attended", 10], ["title_icp", 10], ["company_size_icp", 10]]),
    );
    expect(explained(lead.explanation)).toEqual(lead.score);
    expect(lead.timeline).toHaveLength(8);

    // Resent (a retry): every id counts once.
    const again = await serverEvents(site, opens);
    expect(again).toEqual({ accepted: 0, duplicates: 4, rejected: [] });
    expect((await lookup(site, email))!).toMatchObject({ score: lead.score, timeline: lead.timeline });
  });

  it("lists invalid events by index and path and keeps the others", async () => {
    const site = await createSite();
    const good = [track("a@globex.com", "demo_request"), track("b@globex.com", "demo_request")];
    const res = await serverEvents(site, [
      good[0],
      { id: uid("e"), type: "track", name: "demo_request", ts: Date.now() }, // no email
      { id: uid("e"), email: "c@globex.com", type: "form", ts: Date.now() }, // not a server event type
      { id: uid("e"), email: "not-an-email", type: "track", name: "x", ts: Date.now() },
      good[1],
    ]);
    expect(res.accepted).toBe(2);
    expect(res.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3]);
    expect(res.rejected[0]).toMatchObject({ index: 1, code: "invalid_event", path: "[1].email" });
    expect(res.rejected[1]).toMatchObject({ index: 2, code: "invalid_event", path: "[2].type" });
    expect(res.rejected[2]).toMatchObject({ index: 3, code: "invalid_event", path: "[3].email" });
    expect((await lookup(site, "a@globex.com"))!.score.engagement).toBe(25);
    expect((await lookup(site, "b@globex.com"))!.score.engagement).toBe(25);
    expect(await lookup(site, "c@globex.com")).toBeNull();
  });

  it("refuses more than 500 events in one request", async () => {
    const site = await createSite();
    const res = await call(`/v1/sites/${site}/events`, json(Array.from({ length: 501 }, () => track("many@globex.com", "email_open"))));
    expect(res.status).toBe(400);
    expect(await lookup(site, "many@globex.com")).toBeNull();
    expect(await serverEvents(site, Array.from({ length: 500 }, () => track("many@globex.com", "email_open"))))
      .toMatchObject({ accepted: 500 });
  });

  it("needs the events:write scope", async () => {
    const site = await createSite();
    const keyWith = async (scopes: string[]) => {
      const res = await call(`/v1/sites/${site}/keys`, json({ scopes }));
      expect(res.status).toBe(201);
      return (await res.json<{ key: string }>()).key;
    };
    const reader = await keyWith(["profiles:read"]);
    const writer = await keyWith(["events:write"]);
    const body = [track("key@globex.com", "demo_request")];
    const refused = await call(`/v1/sites/${site}/events`, json(body, { Authorization: `Bearer ${reader}` }));
    expect(refused.status).toBe(403);
    expect(await lookup(site, "key@globex.com")).toBeNull();
    const taken = await call(`/v1/sites/${site}/events`, json(body, { Authorization: `Bearer ${writer}` }));
    expect(taken.status).toBe(200);
    expect(await taken.json()).toMatchObject({ accepted: 1 });
  });
});
