import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { DEFAULT_MODEL } from "../../shared/rules";
import { accountObject, leadProfileName, visitorProfileName } from "../../worker/src/lib/identity";
import { ADMIN, BROWSER_UA, ORIGIN, call, collect, createSite, ev, explained, hmacHex, json, lookup, uid, until } from "./helpers";

const receiver = inject("receiver");
const SECRET = "webhook-secret-0123456789abcdef";

type Delivery = { headers: Record<string, string>; body: string };
type Account = Record<string, any>;

const received = async (name: string): Promise<Delivery[]> => (await fetch(`${receiver}/received/${name}`)).json();

async function accountsOf(site: string, query = ""): Promise<{ items: Account[]; cursor: string | null }> {
  const res = await call(`/v1/sites/${site}/accounts?${query}`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return res.json();
}

/** The account's record in the export once `ready` holds for it (its members' alarms and its own deliver at once). */
function accountOnceItHas(site: string, key: string, ready: (a: Account) => boolean): Promise<Account> {
  return until(async () => (await accountsOf(site)).items.find((a) => a.account === key && ready(a)), `${key} in the account export`);
}

/** A collect request from a network the edge names (`asOrganization`); answers the visitor's profile id. */
async function collectFrom(asOrganization: string, site: string, vid: string, events: unknown[]): Promise<string> {
  const res = await exports.default.fetch(new Request("https://edge.test/v1/collect", {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "text/plain", "User-Agent": BROWSER_UA },
    body: JSON.stringify({ site, vid, sid: "s1", events }),
    cf: { asOrganization, country: "US" },
  } as RequestInit));
  expect(res.status).toBe(200);
  return (await res.json<{ profile: string }>()).profile;
}

/** What a profile object holds for accounts: its memberships and its account reports not yet sent. */
function accountState(stub: DurableObjectStub) {
  return runInDurableObject(stub, (_, state) => {
    const sql = state.storage.sql;
    const has = (table: string) => sql.exec("SELECT 1 FROM sqlite_master WHERE name = ?", table).toArray().length > 0;
    return {
      memberships: has("accounts") ? sql.exec<{ key: string; report: string | null }>("SELECT key, report FROM accounts").toArray() : [],
      pending: has("outbox") ? sql.exec("SELECT id FROM outbox WHERE kind = 'account'").toArray().length : 0,
    };
  });
}

/** The tables an object's storage holds (the runtime's own aside): none for an object never written, or emptied. */
const tablesOf = (stub: DurableObjectStub) => runInDurableObject(stub, (_, state) =>
  state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'").toArray().map((t) => t.name));

const leadStub = async (site: string, email: string) => env.PROFILES.getByName(await leadProfileName(env.IDENTITY_SECRET, site, email));

/** One person at a 201–500 company who visited pricing once: engagement 15, fit 10 — a lead, far from an MQL. */
const pricingVisit = (email: string) => [ev.pageview("/pricing"), ev.identify({ email, companySize: "201-500" })];

/** acme.com's account made an MQA by one lead, its webhook to a receiver that refuses every delivery, tried once. */
async function mqaWithRefusingReceiver(): Promise<{ name: string; site: string }> {
  const name = uid("h");
  const site = await createSite({
    webhook: { url: `${receiver}/hook/${name}?fail=always`, secret: SECRET },
    rules: { ...DEFAULT_MODEL, accountThresholds: { fit: 10, engagement: 15 } },
  });
  await collect(site, uid("v"), pricingVisit("ada@acme.com"));
  await until(async () => (await received(name)).some((d) => JSON.parse(d.body).type === "account.stage_changed"), "a first attempt");
  return { name, site };
}

describe("accounts (MQAs)", () => {
  it("makes five sub-threshold leads at one business domain an MQA, with its explanation, export and webhook", async () => {
    const name = uid("h");
    const site = await createSite({ webhook: { url: `${receiver}/hook/${name}`, secret: SECRET } });
    const emails = ["ada", "bob", "cy", "dee", "eve"].map((n) => `${n}@acme.com`);
    for (const email of emails.slice(0, 4)) await collect(site, uid("v"), pricingVisit(email));
    // Four of them: 60 engagement, under the default account threshold of 75.
    const four = await accountOnceItHas(site, "domain:acme.com", (a) => a.members.count === 4);
    expect(four).toMatchObject({ stage: "account", score: { fit: 10, engagement: 60, total: 70 }, mqaAt: null });

    await collect(site, uid("v"), pricingVisit(emails[4]!));
    const mqa = await accountOnceItHas(site, "domain:acme.com", (a) => a.stage === "mqa");
    const leads = await Promise.all(emails.map(async (email) => (await lookup(site, email))!));
    for (const lead of leads) expect(lead).toMatchObject({ stage: "lead", score: { fit: 10, engagement: 15, total: 25 } });
    expect(mqa).toMatchObject({
      account: "domain:acme.com", kind: "domain", name: "acme.com", site, stage: "mqa",
      score: { fit: 10, engagement: 75, total: 85 },
      members: { count: 5, leads: 5, anonymous: 0, mqls: 0 },
      mqaAt: expect.any(String), rulesVersion: 1,
    });
    // A line per member's engagement, the company rule that gave the fit, a line per threshold reached; they sum to the score.
    const members = mqa.explanation.filter((l: Account) => l.rule === "member");
    expect(members.map((l: Account) => l.member).sort()).toEqual(leads.map((l) => l.id).sort());
    expect(members.every((l: Account) => l.points === 15 && l.dimension === "engagement")).toBe(true);
    expect(mqa.explanation.filter((l: Account) => l.rule !== "member")).toEqual([
      { rule: "company_size_icp", dimension: "fit", points: 10, member: expect.any(String) },
      { rule: "threshold", dimension: "fit", points: 0, threshold: 10 },
      { rule: "threshold", dimension: "engagement", points: 0, threshold: 75 },
    ]);
    expect(explained(mqa.explanation)).toEqual(mqa.score);

    // The export lists it by stage (its record before, at stage `account`, is deleted once this one is written).
    expect((await accountsOf(site, "stage=mqa")).items.map((a) => a.account)).toEqual(["domain:acme.com"]);
    await until(async () => !(await accountsOf(site, "stage=account")).items.length, "the record it replaced to go");

    // One signed account.stage_changed, carrying the record.
    const delivery = await until(async () => (await received(name)).find((d) => JSON.parse(d.body).type === "account.stage_changed"), "the account's webhook");
    const timestamp = delivery.headers["x-edgescore-timestamp"]!;
    expect(delivery.headers["x-edgescore-signature"]).toBe(`v1=${await hmacHex(SECRET, `${timestamp}.${delivery.body}`)}`);
    const body = JSON.parse(delivery.body);
    expect(delivery.headers["x-edgescore-id"]).toBe(body.id);
    expect(body).toMatchObject({
      type: "account.stage_changed", site, from: "account", to: "mqa", origin: "scoring", seq: 1,
      account: { account: "domain:acme.com", stage: "mqa", score: { fit: 10, engagement: 75, total: 85 }, members: { count: 5 } },
    });
    // No lead qualified: the only profile webhooks would be MQLs'.
    expect((await received(name)).filter((d) => JSON.parse(d.body).type === "profile.stage_changed")).toEqual([]);
  });

  it("never groups free-mail leads, however engaged", async () => {
    const site = await createSite();
    const emails = ["a", "b", "c", "d", "e"].map((n) => `${n}@gmail.com`);
    for (const email of emails) {
      await collect(site, uid("v"), [ev.pageview("/pricing"), ev.track("demo_request"), ev.identify({ email, companySize: "201-500" })]);
    }
    for (const email of emails) expect(await accountState(await leadStub(site, email))).toEqual({ memberships: [], pending: 0 });
    // A business lead after them: once its account is listed, nothing else is.
    await collect(site, uid("v"), pricingVisit("ada@acme.com"));
    await accountOnceItHas(site, "domain:acme.com", () => true);
    expect((await accountsOf(site)).items.map((a) => a.account)).toEqual(["domain:acme.com"]);
    expect(await tablesOf(accountObject(env, site, "domain:gmail.com"))).toEqual([]);
  });

  it("groups anonymous visitors by a company's network, never by a cloud's or an ISP's", async () => {
    const site = await createSite();
    const visitors = { cloud: uid("v"), isp: uid("v"), idle: uid("v"), a: uid("v"), b: uid("v") };
    await collectFrom("Amazon.com, Inc.", site, visitors.cloud, [ev.pageview("/pricing")]);
    await collectFrom("Comcast Cable Communications, LLC", site, visitors.isp, [ev.pageview("/pricing")]);
    await collectFrom("Initech Corporation", site, visitors.idle, [ev.pageview("/")]); // no engagement: not a member
    await collectFrom("Initech Corporation", site, visitors.a, [ev.pageview("/pricing")]);
    await collectFrom("INITECH, Inc.", site, visitors.b, [ev.download("/whitepaper.pdf")]);
    const stub = (vid: string) => env.PROFILES.getByName(visitorProfileName(site, vid));
    for (const vid of [visitors.cloud, visitors.isp, visitors.idle]) expect(await accountState(stub(vid))).toEqual({ memberships: [], pending: 0 });

    const initech = await accountOnceItHas(site, "org:initech", (a) => a.members.count === 2);
    expect(initech).toMatchObject({
      kind: "org", name: "initech", stage: "account", score: { fit: 0, engagement: 20, total: 20 },
      members: { count: 2, leads: 0, anonymous: 2, mqls: 0 },
    });
    expect((await accountsOf(site)).items.map((a) => a.account)).toEqual(["org:initech"]);

    // One of them gives a business email: it leaves the network's account (its activity is its lead's now) and joins its domain's.
    await collectFrom("Initech Corporation", site, visitors.a, [ev.identify({ email: "peter@initech.com" })]);
    await accountOnceItHas(site, "org:initech", (a) => a.members.count === 1);
    await accountOnceItHas(site, "domain:initech.com", (a) => a.members.leads === 1 && a.score.engagement === 15);
    // The last anonymous member gives one too: the network's account has no members left and is gone.
    await collectFrom("Initech Corporation", site, visitors.b, [ev.identify({ email: "joanna@initech.com" })]);
    await until(async () => (await accountsOf(site)).items.every((a) => a.account !== "org:initech"), "org:initech to dissolve");
    expect(await tablesOf(accountObject(env, site, "org:initech"))).toEqual([]);
  });

  it("lets a site's accountThresholds qualify an account of anonymous visitors", async () => {
    const site = await createSite({ rules: { ...DEFAULT_MODEL, accountThresholds: { fit: 0, engagement: 30 } } });
    await collectFrom("Initech Corporation", site, uid("v"), [ev.pageview("/pricing")]);
    await collectFrom("Initech Corporation", site, uid("v"), [ev.pageview("/pricing")]);
    const mqa = await accountOnceItHas(site, "org:initech", (a) => a.stage === "mqa");
    expect(mqa).toMatchObject({ score: { fit: 0, engagement: 30 }, members: { anonymous: 2 } });
    expect(mqa.explanation.filter((l: Account) => l.rule === "threshold").map((l: Account) => [l.dimension, l.threshold]))
      .toEqual([["fit", 0], ["engagement", 30]]);
  });

  it("puts the account on lead export records and lead webhooks", async () => {
    const name = uid("h");
    const site = await createSite({ webhook: { url: `${receiver}/hook/${name}`, secret: SECRET } });
    const mql = (email: string) => [ev.pageview("/pricing"), ev.track("demo_request"), ev.identify({ email, title: "VP Sales", companySize: "201-500" })];
    await collect(site, uid("v"), mql("ada@acme.com"));
    await collect(site, uid("v"), mql("bea@gmail.com"));
    const hooks = await until(async () => {
      const got = (await received(name)).map((d) => JSON.parse(d.body)).filter((b) => b.type === "profile.stage_changed");
      return got.length === 2 && got;
    }, "both MQLs' webhooks");
    const accountOf = (list: { email: string; account: string | null }[]) => Object.fromEntries(list.map((r) => [r.email, r.account]));
    expect(accountOf(hooks.map((b) => b.profile))).toEqual({ "ada@acme.com": "domain:acme.com", "bea@gmail.com": null });
    const records = await until(async () => {
      const res = await (await call(`/v1/sites/${site}/mqls`, { headers: ADMIN })).json<{ items: { email: string; account: string | null }[] }>();
      return res.items.length === 2 && res.items;
    }, "both MQL records");
    expect(accountOf(records)).toEqual({ "ada@acme.com": "domain:acme.com", "bea@gmail.com": null });
  });

  it("takes an erased person out of their account, and dissolves an account whose last member is erased", async () => {
    const site = await createSite();
    await collect(site, uid("v"), pricingVisit("ada@acme.com"));
    await collect(site, uid("v"), pricingVisit("bob@acme.com"));
    await accountOnceItHas(site, "domain:acme.com", (a) => a.members.count === 2);
    const ada = (await lookup(site, "ada@acme.com"))!.id as string;

    expect((await call(`/v1/sites/${site}/profiles/erase`, json({ email: "ada@acme.com" }))).status).toBe(204);
    // Erasing answers once the account has let the member go: its object no longer names them.
    const held = await runInDurableObject(accountObject(env, site, "domain:acme.com"), (_, state) => ({
      members: state.storage.sql.exec<{ profile: string }>("SELECT profile FROM members").toArray().map((m) => m.profile),
      pending: state.storage.sql.exec<{ payload: string }>("SELECT payload FROM outbox").toArray().map((r) => r.payload).join(),
    }));
    expect(held.members).toHaveLength(1);
    expect(held.members).not.toContain(ada);
    expect(held.pending).not.toContain(ada);
    const after = await accountOnceItHas(site, "domain:acme.com", (a) => a.members.count === 1);
    expect(after.score).toEqual({ fit: 10, engagement: 15, total: 25 });
    await until(async () => !JSON.stringify(await accountsOf(site)).includes(ada), "the export to stop naming the erased member");

    expect((await call(`/v1/sites/${site}/profiles/erase`, json({ email: "bob@acme.com" }))).status).toBe(204);
    await until(async () => !(await accountsOf(site)).items.length, "the account to leave the export");
    expect((await env.SITES.list({ prefix: `account:${site}:` })).keys).toEqual([]);
  });

  it("takes an erased anonymous visitor out of its network's account", async () => {
    const site = await createSite();
    const gone = await collectFrom("Initech Corporation", site, uid("v"), [ev.pageview("/pricing")]);
    await collectFrom("Initech Corporation", site, uid("v"), [ev.download("/whitepaper.pdf")]);
    await accountOnceItHas(site, "org:initech", (a) => a.members.count === 2);
    expect((await call(`/v1/sites/${site}/profiles/${gone}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
    const members = await runInDurableObject(accountObject(env, site, "org:initech"), (_, state) =>
      state.storage.sql.exec<{ profile: string }>("SELECT profile FROM members").toArray().map((m) => m.profile));
    expect(members).toHaveLength(1);
    expect(members).not.toContain(gone);
    const after = await accountOnceItHas(site, "org:initech", (a) => a.members.count === 1);
    expect(after.score.engagement).toBe(5);
  });

  it("keeps an account's webhook that gave up as failed, and retries it through the failed-deliveries route", async () => {
    const { name, site } = await mqaWithRefusingReceiver();
    // A day and more later, its last attempt fails: it is kept as failed, named by its account.
    await runInDurableObject(accountObject(env, site, "domain:acme.com"), (account) => account.wake(Date.now() + 26 * 3_600_000));
    const failed = await (await call(`/v1/sites/${site}/webhooks/failed`, { headers: ADMIN })).json<{ items: any[] }>();
    expect(failed.items).toEqual([expect.objectContaining({ type: "account.stage_changed", to: "mqa", account: "domain:acme.com" })]);
    const attempts = (await received(name)).length;
    const retry = await call(`/v1/sites/${site}/webhooks/failed/${failed.items[0].id}/retry`, { method: "POST", headers: ADMIN });
    expect(retry.status).toBe(202); // the receiver still refuses it: tried once more, and again with backoff
    expect(await received(name)).toHaveLength(attempts + 1);
  });

  it("keeps nothing, and throws nothing, when its last member is erased while a delivery is out", async () => {
    const { site } = await mqaWithRefusingReceiver();
    const stub = accountObject(env, site, "domain:acme.com");
    const member = (await leadStub(site, "ada@acme.com")).id.toString();
    // The retry's request is out when the erasure empties the object.
    await runInDurableObject(stub, (account) => Promise.all([account.wake(Date.now() + 60_000), account.erase(site, "domain:acme.com", member)]));
    expect(await tablesOf(stub)).toEqual([]);
  });

  it("never lets a late report move an account back", async () => {
    const site = await createSite();
    const stub = accountObject(env, site, "domain:acme.com");
    const member = (engagement: number) => ({ kind: "lead" as const, stage: "lead" as const, engagement, traits: {} });
    await stub.update(site, "domain:acme.com", "p1", 2, member(30));
    await stub.update(site, "domain:acme.com", "p1", 1, member(99)); // sent before, arrived after
    await stub.update(site, "domain:acme.com", "p1", 2, member(99)); // the same report again
    const account = await accountOnceItHas(site, "domain:acme.com", () => true);
    expect(account.score.engagement).toBe(30);
    expect(account.explanation[0]).toEqual({ rule: "member", dimension: "engagement", points: 30, member: "p1" });
    await stub.update(site, "domain:acme.com", "p1", 3, null); // it left
    await until(async () => !(await accountsOf(site)).items.length, "the account to dissolve");
  });

  it("pages the export like the MQL export's, and refuses a bad query naming the field", async () => {
    const site = await createSite();
    for (const email of ["ada@acme.com", "bob@globex.com", "cy@initech.com"]) {
      await collect(site, uid("v"), pricingVisit(email));
      await until(async () => (await accountsOf(site)).items.some((a) => a.account === `domain:${email.split("@")[1]}`), email);
    }
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Account[]; cursor: string | null } = await accountsOf(site, `limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(page.items.map((a) => a.account));
      cursor = page.cursor;
    } while (cursor);
    expect(pages).toEqual([["domain:acme.com", "domain:globex.com"], ["domain:initech.com"]]);
    const nd = await call(`/v1/sites/${site}/accounts?format=ndjson&limit=1`, { headers: ADMIN });
    expect(nd.headers.get("Content-Type")).toContain("application/x-ndjson");
    expect(nd.headers.get("X-Edgescore-Cursor")).toBeTruthy();
    expect(JSON.parse((await nd.text()).trim()).account).toBe("domain:acme.com");

    for (const [query, path] of [["stage=sql", "stage"], ["format=csv", "format"], ["limit=0", "limit"], ["cursor=zzz", "cursor"]]) {
      const res = await call(`/v1/sites/${site}/accounts?${query}`, { headers: ADMIN });
      expect(res.status, query).toBe(400);
      expect(await res.json(), query).toMatchObject({ error: { path } });
    }
    const { key } = await (await call(`/v1/sites/${site}/keys`, json({ scopes: ["profiles:read"] }))).json<{ key: string }>();
    expect((await call(`/v1/sites/${site}/accounts`, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(403);
  });
});
