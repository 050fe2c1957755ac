import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { DEFAULT_MODEL } from "../../shared/rules";
import { leadProfileName } from "../../worker/src/lib/identity";
import { DEFAULT_SCORING_MODEL } from "../../worker/src/sites/config";
import { distribution } from "../../worker/src/sites/preview";
import { ADMIN, call, collect, createSite, ev, json, lookup, uid } from "./helpers";

const receiver = inject("receiver");
const SECRET = "webhook-secret-0123456789abcdef";

type Headers = Record<string, string>;
type Json = Record<string, any>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const request = (method: string, body?: unknown, headers: Headers = ADMIN): RequestInit =>
  ({ method, headers: { ...headers, "Content-Type": "application/json" }, ...(body !== undefined && { body: JSON.stringify(body) }) });
const errorOf = async (res: Response) => (await res.json<{ error: Json }>()).error;

/** A VP at a 201–500 company (fit 20) who visits pricing (engagement 15): a lead at 35. */
const vp = (email: string) => ev.identify({ email, title: "VP Marketing", companySize: "201-500" });
/** Looser rules: a pricing visit is worth 30, so the VP above reaches 50 and qualifies. */
const looser = { ...DEFAULT_MODEL, rules: DEFAULT_MODEL.rules.map((r) => (r.id === "pricing_visit" ? { ...r, points: 30 } : r)) };

const rulesOf = (site: string) => `/v1/sites/${site}/rules`;

async function putDraft(site: string, body: unknown) {
  const res = await call(`${rulesOf(site)}/draft`, request("PUT", body));
  expect(res.status).toBe(200);
  return res.json<Json>();
}

async function preview(site: string, body?: unknown) {
  const res = await call(`${rulesOf(site)}/preview`, request("POST", body));
  expect(res.status).toBe(200);
  return res.json<Json>();
}

/** Publishes or rolls back, and waits for the rescore it starts to finish. */
async function act(site: string, action: "publish" | "rollback", body: unknown = {}) {
  const res = await call(`${rulesOf(site)}/${action}`, request("POST", body));
  expect(res.status).toBe(202);
  const answer = await res.json<Json>();
  const deadline = Date.now() + 5_000;
  for (;;) {
    const job = await (await call(`/v1/sites/${site}/rescore`, { headers: ADMIN })).json<Json>();
    if (job.rulesVersion === answer.version && job.status === "done") return { answer, job };
    if (Date.now() > deadline) throw new Error(`rescore not done: ${JSON.stringify(job)}`);
    await sleep(25);
  }
}

const received = async (name: string): Promise<{ body: string }[]> => (await fetch(`${receiver}/received/${name}`)).json();
/** The leads' stage changes a receiver got (their accounts' are not this file's concern). */
const stageChanges = async (name: string) => (await received(name)).map((d) => JSON.parse(d.body))
  .filter((e) => e.type === "profile.stage_changed").map((e) => [e.to, e.origin]);

/** Runs each lead's due work (deliveries of webhooks and export records), as its alarm would. */
async function wakeAll(site: string, emails: string[]) {
  for (const email of emails) {
    const stub = env.PROFILES.getByName(await leadProfileName(env.IDENTITY_SECRET, site, email));
    await runInDurableObject(stub, (p) => p.wake(Date.now()));
  }
}

const view = (lead: Json) => ({ stage: lead.stage, score: lead.score, explanation: lead.explanation });

/**
 * A site with a webhook and four leads under the default model: A qualifies by its own
 * events (60); B and C are VPs who visited pricing (35), D a lead with fit only (10);
 * and an anonymous visitor, who is no lead.
 */
async function fourLeads() {
  const hook = uid("h");
  const site = await createSite({ webhook: { url: `${receiver}/hook/${hook}`, secret: SECRET } });
  const emails = { a: "a@globex.com", b: "b@globex.com", c: "c@globex.com", d: "d@globex.com" };
  await collect(site, uid("v"), [vp(emails.a), ev.pageview("/pricing"), ev.track("demo_request")]);
  await collect(site, uid("v"), [vp(emails.b), ev.pageview("/pricing")]);
  await collect(site, uid("v"), [vp(emails.c), ev.pageview("/pricing")]);
  await collect(site, uid("v"), [ev.identify({ email: emails.d, companySize: "201-500" })]);
  await collect(site, uid("v"), [ev.pageview("/pricing"), ev.track("demo_request")]);
  const all = Object.values(emails);
  await wakeAll(site, all);
  return { site, hook, emails, all };
}

async function leadsOf(site: string, emails: string[]) {
  return Promise.all(emails.map(async (email) => (await lookup(site, email))!));
}

describe("rules drafts (…/rules/draft)", () => {
  it("checks a draft as a site PUT checks its rules, naming each bad field", async () => {
    const site = await createSite();
    const res = await call(`${rulesOf(site)}/draft`, request("PUT", {
      thresholds: { total: 50, fit: -1, engagement: 20 },
      rules: [{ id: "pricing", on: "click", points: 5 }, { id: "demo", on: "track", points: 0 }],
      version: 2,
    }));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("invalid_rules");
    expect(error.issues.map((i: { path: string }) => i.path).sort())
      .toEqual(["rules[0].on", "rules[1].points", "thresholds.fit", "version"]);
    // The same model in a site PUT: the same issues, under the site's `rules` field.
    const put = await call(`/v1/sites/${site}`, request("PUT", {
      name: "Acme", origins: ["https://www.acme.test"],
      rules: { thresholds: { total: 50, fit: -1, engagement: 20 }, rules: [{ id: "pricing", on: "click", points: 5 }, { id: "demo", on: "track", points: 0 }], version: 2 },
    }));
    const siteIssues = (await errorOf(put)).issues.map((i: { path: string; message: string }) => ({ ...i, path: i.path.replace(/^rules\./, "") }));
    expect(siteIssues).toEqual(error.issues);

    expect((await call(`${rulesOf(site)}/draft`, request("PUT"))).status).toBe(400);
    expect((await call(`${rulesOf(site)}/draft`, { headers: ADMIN })).status).toBe(404);
  });

  it("keeps one draft a site, based on the rules version it was written against; DELETE removes it", async () => {
    const site = await createSite();
    const none = await call(`${rulesOf(site)}/draft`, { headers: ADMIN });
    expect(none.status).toBe(404);
    expect(await errorOf(none)).toMatchObject({ code: "no_draft" });

    const draft = await putDraft(site, looser);
    expect(draft).toMatchObject({ basedOn: 1, updatedAt: expect.any(Number) });
    expect(draft.rules.rules.find((r: Json) => r.id === "pricing_visit").points).toBe(30);
    expect(draft.rules.decay).toEqual(DEFAULT_SCORING_MODEL.decay); // defaults filled, as in a site
    expect(await (await call(`${rulesOf(site)}/draft`, { headers: ADMIN })).json()).toEqual(draft);

    expect((await call(`${rulesOf(site)}/draft`, request("DELETE"))).status).toBe(204);
    expect((await call(`${rulesOf(site)}/draft`, { headers: ADMIN })).status).toBe(404);
    expect((await call(`${rulesOf(site)}/draft`, request("DELETE"))).status).toBe(404);
  });

  it("refuses to publish without a draft, a draft based on older rules, or one that changes nothing", async () => {
    const site = await createSite();
    const publish = () => call(`${rulesOf(site)}/publish`, request("POST", {}));
    expect(await errorOf(await publish())).toMatchObject({ code: "no_draft" });

    await putDraft(site, looser);
    // The rules change under the draft: it must be based on them again.
    const stricter = { ...DEFAULT_MODEL, thresholds: { total: 60, fit: 10, engagement: 20 } };
    await call(`/v1/sites/${site}`, request("PUT", { name: "Acme", origins: ["https://www.acme.test"], rules: stricter }));
    const stale = await publish();
    expect(stale.status).toBe(409);
    expect(await errorOf(stale)).toMatchObject({ code: "stale_draft", message: expect.stringContaining("version 1") });
    expect(await putDraft(site, looser)).toMatchObject({ basedOn: 2 });
    expect((await publish()).status).toBe(202);

    await putDraft(site, looser);
    const unchanged = await publish();
    expect(unchanged.status).toBe(409);
    expect(await errorOf(unchanged)).toMatchObject({ code: "unchanged_rules" });
  });
});

describe("previewing, publishing and rolling back rules (…/rules/preview, publish, rollback)", () => {
  it("previews a draft without changing anything, then publishing does exactly what the preview said", async () => {
    const { site, hook, emails, all } = await fourLeads();
    await putDraft(site, looser);
    const before = await leadsOf(site, all);
    expect(before.map((l) => [l.stage, l.score.total])).toEqual([["mql", 60], ["lead", 35], ["lead", 35], ["lead", 10]]);
    expect(await stageChanges(hook)).toEqual([["mql", "scoring"]]);

    const shown = await preview(site, { samples: 10 });
    expect(shown).toMatchObject({ rulesVersion: 1, basedOn: 1, profiles: 4, moves: [{ from: "lead", to: "mql", count: 2 }] });
    expect(shown.scores.before.total).toEqual(distribution([60, 35, 35, 10]));
    expect(shown.scores.before.total.median).toBe(35);
    expect(shown.scores.after.total.median).toBe(50);
    expect(shown.scores.after.total.buckets.filter((b: Json) => b.count)).toEqual([
      { from: 10, to: 20, count: 1 }, { from: 50, to: 60, count: 2 }, { from: 70, to: 80, count: 1 },
    ]);
    expect(shown.scores.after.engagement.median).toBe(30);
    expect(shown.scores.after.fit.median).toBe(20);
    // The leads that move come first, with both explanations.
    const ids = Object.fromEntries(before.map((l, i) => [all[i], l.id]));
    expect(shown.samples.slice(0, 2).map((s: Json) => s.profile).sort()).toEqual([ids[emails.b], ids[emails.c]].sort());
    expect(shown.samples).toHaveLength(4);
    const sampleB = shown.samples.find((s: Json) => s.profile === ids[emails.b]);
    expect(sampleB.before).toEqual(view(before[1]!));
    expect(sampleB.after.explanation).toContainEqual(expect.objectContaining({ rule: "pricing_visit", points: 30 }));
    expect((await preview(site, { samples: 1 })).samples).toHaveLength(1);

    // Nothing changed: leads, rules, draft; no webhook.
    await wakeAll(site, all);
    expect(await leadsOf(site, all)).toEqual(before);
    expect((await (await call(`/v1/sites/${site}`, { headers: ADMIN })).json<Json>()).rulesVersion).toBe(1);
    expect((await call(`${rulesOf(site)}/draft`, { headers: ADMIN })).status).toBe(200);
    expect(await stageChanges(hook)).toEqual([["mql", "scoring"]]);

    const { answer, job } = await act(site, "publish");
    expect(answer).toMatchObject({ version: 2, origin: "publish", rescore: { rulesVersion: 2, notify: false } });
    expect(job).toMatchObject({ profiles: 4, changed: 2 });
    const after = await leadsOf(site, all);
    for (const sample of shown.samples) expect(view(after.find((l) => l.id === sample.profile)!)).toEqual(sample.after);
    const moved = new Map<string, number>();
    before.forEach((l, i) => {
      if (l.stage !== after[i]!.stage) moved.set(`${l.stage}>${after[i]!.stage}`, (moved.get(`${l.stage}>${after[i]!.stage}`) ?? 0) + 1);
    });
    expect(shown.moves.map((m: Json) => [`${m.from}>${m.to}`, m.count])).toEqual([...moved]);
    for (const dimension of ["total", "fit", "engagement"] as const) {
      expect(shown.scores.after[dimension]).toEqual(distribution(after.map((l) => l.score[dimension])));
    }
    expect(after.map((l) => l.rulesVersion)).toEqual([2, 2, 2, 2]);
    expect((await call(`${rulesOf(site)}/draft`, { headers: ADMIN })).status).toBe(404);
    // Asked for no notice: the rescore's new MQLs reach no webhook.
    await wakeAll(site, all);
    expect(await stageChanges(hook)).toEqual([["mql", "scoring"]]);
  });

  it("sends a published rescore's stage changes to the webhook when asked to notify", async () => {
    const hook = uid("h");
    const site = await createSite({ webhook: { url: `${receiver}/hook/${hook}`, secret: SECRET } });
    await collect(site, uid("v"), [vp("b@globex.com"), ev.pageview("/pricing")]);
    await putDraft(site, looser);
    await act(site, "publish", { notify: true });
    await wakeAll(site, ["b@globex.com"]);
    expect(await stageChanges(hook)).toEqual([["mql", "rescore"]]);
  });

  it("rolls back to the previous rules as a new version: scores restored, only untouched rescore MQLs demoted", async () => {
    const { site, hook, emails, all } = await fourLeads();
    const original = await leadsOf(site, all);
    await putDraft(site, looser);
    await act(site, "publish");
    // Sales take C on; B stays as the rescore left it.
    const feedback = await call(`/v1/sites/${site}/feedback`, json({ email: emails.c, stage: "sql" }));
    expect((await feedback.json<Json>()).results[0]).toMatchObject({ ok: true, from: "mql", to: "sql" });
    expect((await leadsOf(site, all)).map((l) => l.stage)).toEqual(["mql", "mql", "sql", "lead"]);

    const { answer, job } = await act(site, "rollback");
    expect(answer).toMatchObject({ version: 3, origin: "rollback", rolledBack: 2, restores: 1, rescore: { rollback: { rolledBack: 2, restores: 1 } } });
    expect(job).toMatchObject({ profiles: 4, changed: 1 });
    const [a, b, c, d] = await leadsOf(site, all);
    // Scores exactly as before the publish, under a new version.
    [a, b, c, d].forEach((lead, i) => {
      expect(lead!.score).toEqual(original[i]!.score);
      expect(lead!.explanation).toEqual(original[i]!.explanation);
      expect(lead!.timeline).toEqual(original[i]!.timeline);
      expect(lead!.rulesVersion).toBe(3);
    });
    expect(a!.stage).toBe("mql"); // its own events made it an MQL
    expect(c!.stage).toBe("sql"); // sales touched it
    expect(d!.stage).toBe("lead");
    expect(b).toMatchObject({ stage: "lead", mqlAt: null });
    expect(b!.stages.map((s: Json) => [s.stage, s.origin, s.reasonCode])).toEqual([
      ["lead", "scoring", undefined], ["mql", "rescore", undefined], ["lead", "rescore", "rollback"],
    ]);
    expect(b!.stages.at(-1).reason).toContain("version 2");
    // The export shows B back at lead; no webhook (notify was not asked).
    await wakeAll(site, all);
    const exported = await (await call(`/v1/sites/${site}/mqls`, { headers: ADMIN })).json<{ items: Json[] }>();
    expect(exported.items.find((r) => r.profile === b!.id)).toMatchObject({ stage: "lead" });
    expect(await stageChanges(hook)).toEqual([["mql", "scoring"], ["sql", "feedback"]]);

    // The versions, newest first; version 3 holds version 1's rules.
    const listed = await (await call(rulesOf(site), { headers: ADMIN })).json<Json>();
    expect(listed).toEqual({
      current: 3,
      items: [
        { version: 3, publishedAt: expect.any(Number), origin: "rollback", rolledBack: 2, restores: 1, by: "admin" },
        { version: 2, publishedAt: expect.any(Number), origin: "publish", by: "admin" },
        { version: 1, publishedAt: expect.any(Number), origin: "site" },
      ],
    });
    expect((await (await call(`${rulesOf(site)}/3`, { headers: ADMIN })).json<Json>()).rules).toEqual(DEFAULT_SCORING_MODEL);
    expect((await (await call(`${rulesOf(site)}/2`, { headers: ADMIN })).json<Json>()).rules.rules[2].points).toBe(30);
    expect((await call(`${rulesOf(site)}/9`, { headers: ADMIN })).status).toBe(404);

    // Version 3 stands for version 1, the first: nothing earlier to restore.
    const again = await call(`${rulesOf(site)}/rollback`, request("POST", {}));
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toMatchObject({ code: "no_previous_version" });
  });

  it("steps further back with each rollback, and keeps the versions a site PUT makes", async () => {
    const site = await createSite();
    const model = (total: number) => ({ ...DEFAULT_MODEL, thresholds: { total, fit: 10, engagement: 20 } });
    const put = (total: number) => call(`/v1/sites/${site}`, request("PUT", { name: "Acme", origins: ["https://www.acme.test"], rules: model(total) }));
    expect((await put(60)).status).toBe(200);
    expect((await put(70)).status).toBe(200);
    const thresholds = async () => (await (await call(`/v1/sites/${site}`, { headers: ADMIN })).json<Json>()).rules.thresholds.total;
    expect((await act(site, "rollback")).answer).toMatchObject({ version: 4, restores: 2 });
    expect(await thresholds()).toBe(60);
    expect((await act(site, "rollback")).answer).toMatchObject({ version: 5, restores: 1 });
    expect(await thresholds()).toBe(50);
    expect((await call(`${rulesOf(site)}/rollback`, request("POST", {}))).status).toBe(409);
    const listed = await (await call(rulesOf(site), { headers: ADMIN })).json<Json>();
    expect(listed.items.map((v: Json) => [v.version, v.origin])).toEqual([[5, "rollback"], [4, "rollback"], [3, "site"], [2, "site"], [1, "site"]]);
  });

  it("refuses a preview or publish without a draft, and a rollback of a site's first rules", async () => {
    const site = await createSite();
    for (const action of ["preview", "publish"]) {
      const res = await call(`${rulesOf(site)}/${action}`, request("POST", {}));
      expect(res.status).toBe(409);
      expect(await errorOf(res)).toMatchObject({ code: "no_draft" });
    }
    const res = await call(`${rulesOf(site)}/rollback`, request("POST", {}));
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: "no_previous_version" });
    const bad = await call(`${rulesOf(site)}/preview`, request("POST", { samples: -1 }));
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toMatchObject({ path: "samples" });
  });
});

describe("rules routes: who may call them", () => {
  it("takes the admin token or a site:admin key of the site; other keys get 403", async () => {
    const site = await createSite();
    const other = await createSite();
    const key = async (s: string, scopes?: string[]) =>
      (await (await call(`/v1/sites/${s}/keys`, json(scopes ? { scopes } : {}))).json<{ key: string }>()).key;
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
    const admin = bearer(await key(site, ["site:admin"]));
    const reader = bearer(await key(site));
    const foreign = bearer(await key(other, ["site:admin"]));
    const routes: [string, string, unknown?][] = [
      ["GET", rulesOf(site)], ["GET", `${rulesOf(site)}/1`], ["PUT", `${rulesOf(site)}/draft`, looser],
      ["GET", `${rulesOf(site)}/draft`], ["POST", `${rulesOf(site)}/preview`, {}], ["POST", `${rulesOf(site)}/publish`, {}],
      ["POST", `${rulesOf(site)}/rollback`, {}], ["DELETE", `${rulesOf(site)}/draft`],
    ];
    for (const [method, path, body] of routes) {
      expect((await call(path, request(method, body, reader))).status, `${method} ${path}`).toBe(403);
      expect((await call(path, request(method, body, foreign))).status, `${method} ${path}`).toBe(403);
      expect((await call(path, { method })).status, `${method} ${path}`).toBe(401);
    }
    expect((await call(rulesOf(site), { headers: admin })).status).toBe(200);
    expect((await call(`${rulesOf(site)}/draft`, request("PUT", looser, admin))).status).toBe(200);
    expect((await call(`${rulesOf(site)}/preview`, request("POST", {}, admin))).status).toBe(200);
    expect((await call(`${rulesOf(uid("s-"))}/draft`, { headers: ADMIN })).status).toBe(404);
  });
});
