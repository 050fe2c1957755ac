import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, inject, it } from "vitest";
import { leadProfileName } from "../../worker/src/lib/identity";
import { send } from "../../worker/src/webhooks/deliver";
import { ADMIN, call, collect, createSite, ev, hmacHex, json, lookup, uid, until } from "./helpers";

const receiver = inject("receiver");
const SECRET = "webhook-secret-0123456789abcdef";
/** A Standard Webhooks secret, as the dashboard makes one: `whsec_` and the base64 of 32 random bytes. */
const STANDARD_SECRET = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;

interface Delivery {
  headers: Record<string, string>;
  body: string;
  at: number;
  answered: number;
}

const received = async (name: string): Promise<Delivery[]> => (await fetch(`${receiver}/received/${name}`)).json();

async function leadStub(site: string, email: string) {
  return env.PROFILES.getByName(await leadProfileName(env.IDENTITY_SECRET, site, email));
}

/** Runs a lead's due work (deliveries) at `now`, as its alarm would. */
async function wake(site: string, email: string, now = Date.now()) {
  await runInDurableObject(await leadStub(site, email), (p) => p.wake(now));
}

/** A VP who requests a demo and visits pricing: an MQL (fit 20, engagement 40). */
async function qualify(site: string, email: string, extra: unknown[] = []) {
  const vid = uid("v");
  await collect(site, vid, [
    { ...ev.pageview("/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=nov&gclid=abc"), props: { title: "Pricing", ref: "https://www.google.com/search", utm_source: "newsletter", utm_medium: "email", utm_campaign: "nov" } },
    ev.track("demo_request"),
    ...extra,
    ev.identify({ email, title: "VP Marketing", companySize: "201-500", name: "Ada Lovelace", company: "=cmd|' /C calc'!A0" }),
  ]);
  return vid;
}

async function mqlsOf(site: string, query = ""): Promise<{ items: any[]; cursor: string | null }> {
  const res = await call(`/v1/sites/${site}/mqls?${query}`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return res.json();
}

describe("webhooks", () => {
  it("posts a signed profile.stage_changed within a second of the qualifying event", async () => {
    const name = uid("h");
    const site = await createSite({ webhook: { url: `${receiver}/hook/${name}`, secret: SECRET } });
    const sent = Date.now();
    await qualify(site, "ada@acme.com");
    const [delivery] = await until(async () => (await received(name)).length > 0 && received(name), "the webhook");
    expect(delivery!.at - sent).toBeLessThan(1_000);

    const { headers, body } = delivery!;
    const timestamp = headers["x-edgescore-timestamp"]!;
    expect(Math.abs(Number(timestamp) * 1000 - Date.now())).toBeLessThan(60_000);
    expect(headers["x-edgescore-signature"]).toBe(`v1=${await hmacHex(SECRET, `${timestamp}.${body}`)}`);
    const event = JSON.parse(body);
    expect(headers["x-edgescore-id"]).toBe(event.id);
    const lead = (await lookup(site, "ada@acme.com"))!;
    expect(event).toMatchObject({
      type: "profile.stage_changed", site, from: "visitor", to: "mql", origin: "scoring", seq: expect.any(Number),
      profile: {
        profile: lead.id, email: "ada@acme.com", firstName: "Ada", lastName: "Lovelace", title: "VP Marketing",
        score: { fit: 20, engagement: 40, total: 60 }, stage: "mql", verified: false, rulesVersion: 1,
        reasons: expect.arrayContaining([{ rule: "demo_request", points: 25 }]),
        source: { utm_source: "newsletter", utm_medium: "email", utm_campaign: "nov", referrer: "www.google.com" },
        clickIds: { gclid: "abc" },
      },
    });
    expect(JSON.stringify(event)).not.toMatch(/traits|explanation/);
  });

  it("signs as Standard Webhooks: the standardwebhooks library verifies a stage change under a whsec_ secret or a plain one, and refuses it tampered", async () => {
    // A plain secret's key is its text: a receiver gives the library `whsec_` + its base64, or its bytes as a raw key.
    const receivers: Array<[string, Webhook[]]> = [
      [STANDARD_SECRET, [new Webhook(STANDARD_SECRET)]],
      [SECRET, [new Webhook(`whsec_${btoa(SECRET)}`), new Webhook(new TextEncoder().encode(SECRET), { format: "raw" })]],
    ];
    for (const [secret, webhooks] of receivers) {
      const name = uid("h");
      const site = await createSite({ webhook: { url: `${receiver}/hook/${name}`, secret } });
      await qualify(site, "ada@acme.com");
      const [delivery] = await until(async () => (await received(name)).length > 0 && received(name), "the webhook");
      const { headers, body } = delivery!;
      expect(headers["webhook-id"]).toBe(JSON.parse(body).id);
      expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      const tampered = body.replace('"to":"mql"', '"to":"customer"');
      expect(tampered).not.toBe(body);
      for (const webhook of webhooks) {
        expect(webhook.verify(body, headers)).toMatchObject({ type: "profile.stage_changed", site, to: "mql" });
        expect(() => webhook.verify(tampered, headers)).toThrow(WebhookVerificationError);
        expect(() => webhook.verify(body, { ...headers, "webhook-id": `${headers["webhook-id"]}x` })).toThrow(WebhookVerificationError);
      }
      expect(() => new Webhook(`whsec_${btoa("another key of 32 bytes, or so..")}`).verify(body, headers)).toThrow(WebhookVerificationError);
      // The deprecated headers are still sent, keyed by the secret's text whatever its kind.
      expect([headers["x-edgescore-id"], headers["x-edgescore-timestamp"]]).toEqual([headers["webhook-id"], headers["webhook-timestamp"]]);
      expect(headers["x-edgescore-signature"]).toBe(`v1=${await hmacHex(secret, `${headers["webhook-timestamp"]}.${body}`)}`);
    }
  });

  it("sends sales' changes with a rising seq, and only the stages the webhook lists", async () => {
    const name = uid("h");
    const site = await createSite({ webhook: { url: `${receiver}/hook/${name}`, secret: SECRET, stages: ["sql", "customer"] } });
    await qualify(site, "ada@acme.com");
    for (const stage of ["sql", "opportunity", "customer"]) {
      await call(`/v1/sites/${site}/feedback`, json({ email: "ada@acme.com", stage }));
    }
    await wake(site, "ada@acme.com");
    const events = (await received(name)).map((d) => JSON.parse(d.body));
    expect(events.map((e) => [e.from, e.to, e.origin])).toEqual([["mql", "sql", "feedback"], ["opportunity", "customer", "feedback"]]);
    expect(events[1].seq).toBeGreaterThan(events[0].seq);
  });

  it("retries a failing receiver with the same id, signed afresh each time, until it takes it", async () => {
    const name = uid("h");
    const site = await createSite({ webhook: { url: `${receiver}/hook/${name}?fail=3`, secret: SECRET } });
    await qualify(site, "ada@acme.com");
    await until(async () => (await received(name)).length >= 1, "a first attempt");
    // The alarm backs off (10 s, 20 s, …): run it at the times it would fire.
    for (let hours = 1; (await received(name)).length < 4; hours++) await wake(site, "ada@acme.com", Date.now() + hours * 3_600_000);
    const deliveries = await received(name);
    expect(deliveries.map((d) => d.answered)).toEqual([500, 500, 500, 200]);
    expect(new Set(deliveries.map((d) => d.headers["webhook-id"])).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.headers["x-edgescore-id"])).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.headers["webhook-timestamp"])).size).toBe(4);
    // Signed at the (moved) clock of each attempt: the library signs it the same, though its verify would call it too new.
    const webhook = new Webhook(`whsec_${btoa(SECRET)}`);
    for (const d of deliveries) {
      const timestamp = d.headers["webhook-timestamp"]!;
      expect(d.headers["webhook-signature"]).toBe(webhook.sign(d.headers["webhook-id"]!, new Date(Number(timestamp) * 1000), d.body));
      expect(d.headers["x-edgescore-timestamp"]).toBe(timestamp);
      expect(d.headers["x-edgescore-signature"]).toBe(`v1=${await hmacHex(SECRET, `${timestamp}.${d.body}`)}`);
    }
    await wake(site, "ada@acme.com", Date.now() + 48 * 3_600_000);
    expect(await received(name)).toHaveLength(4);
  });

  it("keeps trying for a day, then lists the delivery as failed; a retry sends it again", async () => {
    const name = uid("h");
    const site = await createSite({ webhook: { url: `${receiver}/hook/${name}?fail=always`, secret: SECRET } });
    await qualify(site, "ada@acme.com");
    await until(async () => (await received(name)).length >= 1, "a first attempt");
    await wake(site, "ada@acme.com", Date.now() + 12 * 3_600_000);
    const failedEarly = await (await call(`/v1/sites/${site}/webhooks/failed`, { headers: ADMIN })).json<{ items: unknown[] }>();
    expect(failedEarly.items).toEqual([]);

    await wake(site, "ada@acme.com", Date.now() + 26 * 3_600_000);
    const failed = await (await call(`/v1/sites/${site}/webhooks/failed`, { headers: ADMIN })).json<{ items: any[] }>();
    expect(failed.items).toEqual([expect.objectContaining({ type: "profile.stage_changed", to: "mql", attempts: 3, lastError: "HTTP 500" })]);
    const attempts = (await received(name)).length;

    const retry = await call(`/v1/sites/${site}/webhooks/failed/${failed.items[0].id}/retry`, { method: "POST", headers: ADMIN });
    expect(await retry.json()).toEqual({ id: failed.items[0].id, delivered: false });
    expect(retry.status).toBe(202);
    expect(await received(name)).toHaveLength(attempts + 1);
    const unknown = await call(`/v1/sites/${site}/webhooks/failed/nope/retry`, { method: "POST", headers: ADMIN });
    expect(unknown.status).toBe(404);
  });

  it("announces an erasure, and forgets the person's failed deliveries", async () => {
    const name = uid("h");
    const site = await createSite({ webhook: { url: `${receiver}/hook/${name}`, secret: SECRET } });
    await qualify(site, "ada@acme.com");
    const lead = (await lookup(site, "ada@acme.com"))!;
    await call(`/v1/sites/${site}/profiles/erase`, json({ email: "ada@acme.com" }));
    const deliveries = await until(async () => {
      const list = await received(name);
      return list.some((d) => JSON.parse(d.body).type === "profile.erased") && list;
    }, "profile.erased");
    expect(JSON.parse(deliveries.at(-1)!.body)).toMatchObject({ type: "profile.erased", site, profile: { profile: lead.id } });
    expect(deliveries.at(-1)!.body).not.toContain("ada@");
  });

  it("sends a signed ping to test a receiver", async () => {
    const name = uid("h");
    const site = await createSite({ webhook: { url: `${receiver}/hook/${name}`, secret: SECRET } });
    const res = await call(`/v1/sites/${site}/webhooks/test`, { method: "POST", headers: ADMIN });
    expect(await res.json()).toMatchObject({ delivered: true });
    const [ping] = await received(name);
    expect(JSON.parse(ping!.body)).toMatchObject({ type: "ping", site });
    expect(ping!.headers["x-edgescore-signature"]).toBe(`v1=${await hmacHex(SECRET, `${ping!.headers["x-edgescore-timestamp"]}.${ping!.body}`)}`);
    expect(new Webhook(`whsec_${btoa(SECRET)}`).verify(ping!.body, ping!.headers)).toMatchObject({ type: "ping", id: ping!.headers["webhook-id"] });
  });

  it("tells a failed ping by its status or a fixed phrase, never the runtime's words about the network", async () => {
    const site = await createSite({ webhook: { url: "http://127.0.0.1:9/hook", secret: SECRET } });
    const res = await call(`/v1/sites/${site}/webhooks/test`, { method: "POST", headers: ADMIN });
    expect(await res.json()).toMatchObject({ delivered: false, error: "no answer: the connection failed" });
  });

  it("refuses, before any route, a request that is one of its own webhooks: one pointed at another of the worker's names", async () => {
    const site = await createSite();
    for (const path of ["/v1/collect", `/v1/sites/${site}/events`, "/healthz"]) {
      const res = await call(path, { method: "POST", headers: { ...ADMIN, "User-Agent": "edgescore-webhooks", "Content-Type": "application/json" }, body: "{}" });
      expect(res.status).toBe(508);
      expect(await res.json()).toMatchObject({ error: { code: "webhook_loop" } });
    }
  });

  it("checks the address again at delivery: a loopback receiver saved in a local run gets nothing in production", async () => {
    const name = uid("h");
    const url = `${receiver}/hook/${name}`;
    expect(await send(url, SECRET, "d.1", "{}", Date.now(), "")).toMatch(/^not sent: the address must be a public address/);
    expect(await send(url, SECRET, "d.2", "{}", Date.now(), "allow")).toBeNull();
    expect((await received(name)).map((d) => d.headers["x-edgescore-id"])).toEqual(["d.2"]);
  });
});

describe("MQL export", () => {
  const emails = ["a@acme.com", "b@acme.com", "c@acme.com", "d@acme.com", "e@acme.com"];

  async function fiveMqls() {
    const site = await createSite();
    for (const email of emails) {
      await qualify(site, email);
      await wake(site, email);
      await new Promise((r) => setTimeout(r, 2)); // distinct change times
    }
    return site;
  }

  it("lists every MQL once across pages, in order of last change", async () => {
    const site = await fiveMqls();
    const all = await mqlsOf(site);
    expect(all.items.map((r) => r.email)).toEqual(emails);
    expect(all.cursor).toBeNull();
    expect(all.items[0]).toMatchObject({
      stage: "mql", score: { total: 60 }, timeToMqlSeconds: expect.any(Number), mqlAt: expect.any(String),
      firstSeenAt: expect.any(String), updatedAt: expect.any(String), verified: false, consent: true,
      lastTouch: { url: expect.stringContaining("/pricing"), at: expect.any(String) },
    });

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: { items: any[]; cursor: string | null } = await mqlsOf(site, `limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(page.items.map((r) => r.email));
      cursor = page.cursor;
    } while (cursor);
    expect(pages.flat()).toEqual(emails);
    expect(pages[0]).toHaveLength(2);
  });

  it("moves a record to the end when its stage changes, so a poller's cursor sees it again", async () => {
    const site = await fiveMqls();
    const first = await mqlsOf(site);
    const lastKnown = first.items.at(-1).updatedAt;
    await call(`/v1/sites/${site}/feedback`, json({ email: "b@acme.com", stage: "sql" }));
    await wake(site, "b@acme.com");
    const after = await mqlsOf(site);
    expect(after.items.map((r) => r.email)).toEqual(["a@acme.com", "c@acme.com", "d@acme.com", "e@acme.com", "b@acme.com"]);
    expect(after.items.at(-1)).toMatchObject({ stage: "sql" });
    const since = await mqlsOf(site, `since=${encodeURIComponent(new Date(Date.parse(lastKnown) + 1).toISOString())}`);
    expect(since.items.map((r) => r.email)).toEqual(["b@acme.com"]);
    const until = await mqlsOf(site, `until=${Date.parse(lastKnown)}`);
    expect(until.items.map((r) => r.email)).toEqual(["a@acme.com", "c@acme.com", "d@acme.com"]);
  });

  it("answers ndjson and csv, with the next page's cursor in a header", async () => {
    const site = await fiveMqls();
    const nd = await call(`/v1/sites/${site}/mqls?format=ndjson&limit=3`, { headers: ADMIN });
    expect(nd.headers.get("Content-Type")).toContain("application/x-ndjson");
    const lines = (await nd.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((r) => r.email)).toEqual(emails.slice(0, 3));
    const next = nd.headers.get("X-Edgescore-Cursor");
    expect(next).toBeTruthy();
    const rest = await call(`/v1/sites/${site}/mqls?format=ndjson&cursor=${next}`, { headers: ADMIN });
    expect((await rest.text()).trim().split("\n").map((l) => JSON.parse(l).email)).toEqual(emails.slice(3));
    expect(rest.headers.get("X-Edgescore-Cursor")).toBeNull();

    const csv = await call(`/v1/sites/${site}/mqls?format=csv`, { headers: ADMIN });
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const rows = (await csv.text()).split("\r\n");
    expect(rows[0]).toBe("Email,First Name,Last Name,Company,Job Title,Phone,Company Size,Industry,Country,Score,Fit Score,Engagement Score,Stage,Lifecycle Stage,MQL At,Source,Reasons");
    expect(rows).toHaveLength(7); // header, five rows, and the empty string after the last CRLF
    // A formula in a company name is defused; numbers stay numbers.
    expect(rows[1]).toMatch(/^a@acme\.com,Ada,Lovelace,'=cmd\|' \/C calc'!A0,VP Marketing,,201-500,,,60,20,40,mql,marketingqualifiedlead,/);
  });

  it("refuses a bad query naming the field, and needs exports:read", async () => {
    const site = await createSite();
    for (const [query, path] of [["limit=201", "limit"], ["format=xml", "format"], ["cursor=zzz", "cursor"], ["since=2026-11-02&until=2026-11-01", "until"], ["since=yesterday", "since"]]) {
      const res = await call(`/v1/sites/${site}/mqls?${query}`, { headers: ADMIN });
      expect(res.status, query).toBe(400);
      expect(await res.json(), query).toMatchObject({ error: { path } });
    }
    const { key } = await (await call(`/v1/sites/${site}/keys`, json({ scopes: ["profiles:read"] }))).json<{ key: string }>();
    expect((await call(`/v1/sites/${site}/mqls`, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(403);
  });

  it("loses a record when its person is erased", async () => {
    const site = await fiveMqls();
    await call(`/v1/sites/${site}/profiles/erase`, json({ email: "c@acme.com" }));
    expect((await mqlsOf(site)).items.map((r) => r.email)).toEqual(["a@acme.com", "b@acme.com", "d@acme.com", "e@acme.com"]);
    const keys = (await env.SITES.list({ prefix: `mql:${site}:` })).keys;
    expect(keys).toHaveLength(4);
  });
});

describe("metrics, end to end", () => {
  const metricsOf = async (site: string) => (await call(`/v1/sites/${site}/metrics`, { headers: ADMIN })).json<Record<string, any>>();

  it("counts what browsers and servers did: visitors, stages, sources, rule points and vitals", async () => {
    const site = await createSite();
    const vital = (name: string, value: number) => ({ ...ev.pageview("/pricing"), type: "vitals", props: { name, value, rating: "good" } });
    await collect(site, uid("v"), [ev.pageview("/blog"), vital("LCP", 1200)]); // an anonymous visitor
    await qualify(site, "ada@acme.com");
    const vid = uid("v");
    await collect(site, vid, [ev.identify({ email: "ada@acme.com" })]);
    await collect(site, vid, [vital("LCP", 3000)]); // a sample while the person is an MQL
    await call(`/v1/sites/${site}/events`, json([{ id: uid("s"), email: "ada@acme.com", type: "track", name: "webinar_attended", ts: Date.now(), props: { webinar: "w1" } }]));

    const metrics = await until(async () => {
      const m = await metricsOf(site);
      return m.counts.mqls === 1 && m.byRule.some((r: { rule: string }) => r.rule === "webinar_attended") && m.vitals.LCP.samples === 2 && m;
    }, "metrics");
    expect(metrics.counts).toMatchObject({ visitors: 3, leads: 1, mqls: 1, sqls: 0 });
    expect(metrics.bySource).toEqual([expect.objectContaining({ utm_source: "newsletter", utm_medium: "email", utm_campaign: "nov", referrer: "www.google.com", mqls: 1 })]);
    expect(metrics.byRule).toEqual(expect.arrayContaining([
      { rule: "demo_request", points: 25, profiles: 1 },
      { rule: "webinar_attended", points: 10, profiles: 1 },
    ]));
    expect(metrics.vitals.LCP.p75Mql).toBeGreaterThan(2800);
    expect(metrics.vitals.LCP.p75Other).toBeLessThan(1300);
  });
});

describe("faults: KV", () => {
  it("retries an export record whose KV write failed, and then writes it", async () => {
    const site = await createSite();
    await qualify(site, "kv@acme.com");
    await wake(site, "kv@acme.com");
    const stub = await leadStub(site, "kv@acme.com");
    // A write KV refuses (its keys hold at most 512 bytes), queued as the profile queues its records.
    const bad = `mql:${site}:${"x".repeat(600)}`;
    await runInDurableObject(stub, (_, state) => {
      const [row] = state.storage.sql.exec<{ payload: string }>("SELECT payload FROM outbox").toArray();
      expect(row).toBeUndefined();
      const record = { email: "kv@acme.com", stage: "mql" };
      state.storage.sql.exec("INSERT INTO outbox (id, kind, payload, created_at, due_at) VALUES ('kv-test', 'export', ?, ?, ?)",
        JSON.stringify({ key: bad, previous: null, record }), Date.now(), Date.now());
    });
    await wake(site, "kv@acme.com");
    const failed = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec<{ attempts: number; last_error: string; due_at: number }>("SELECT attempts, last_error, due_at FROM outbox WHERE id = 'kv-test'").one());
    expect(failed.attempts).toBe(1);
    expect(failed.last_error).toMatch(/key/i);
    expect(failed.due_at).toBeGreaterThan(Date.now());

    // KV takes it again (here: the key made valid), and the next wake writes it.
    const good = `mql:${site}:2026-11-23:${String(Date.now()).padStart(13, "0")}:kv-test`;
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec("UPDATE outbox SET payload = ? WHERE id = 'kv-test'", JSON.stringify({ key: good, previous: null, record: { email: "kv@acme.com" } }));
    });
    await wake(site, "kv@acme.com", Date.now() + 3_600_000);
    expect(await env.SITES.get(good, "json")).toEqual({ email: "kv@acme.com" });
    const left = await runInDurableObject(stub, (_, state) => state.storage.sql.exec("SELECT 1 FROM outbox").toArray().length);
    expect(left).toBe(0);
  });
});

describe("faults: a receiver down for an hour", () => {
  it("gets every delivery once it is back, each id answered once", async () => {
    const name = uid("h");
    const t0 = Date.now();
    const backAt = Math.floor(t0 / 1000) + 3_600;
    const site = await createSite({ webhook: { url: `${receiver}/hook/${name}?down_until=${backAt}`, secret: SECRET } });
    const emails = ["one@acme.com", "two@acme.com", "three@acme.com"];
    for (const email of emails) await qualify(site, email);
    // Three hours of the leads' alarms, five minutes apart: the receiver is back after one, and
    // the backoff (at most an hour and a quarter with its jitter) brings each delivery back to it.
    for (let minutes = 5; minutes <= 180; minutes += 5) {
      for (const email of emails) await wake(site, email, t0 + minutes * 60_000);
    }
    // The leads' deliveries (three MQLs at acme.com also make their account an MQA: its object's alarm keeps its own time).
    const deliveries = (await received(name)).filter((d) => JSON.parse(d.body).type === "profile.stage_changed");
    const taken = deliveries.filter((d) => d.answered === 200).map((d) => d.headers["x-edgescore-id"]!);
    expect(taken).toHaveLength(3);
    expect(new Set(taken).size).toBe(3);
    const ids = new Set(deliveries.map((d) => d.headers["x-edgescore-id"]));
    expect(ids.size).toBe(3);
    // Each was tried while the receiver was down, and taken once it was back.
    for (const id of ids) {
      const tries = deliveries.filter((d) => d.headers["x-edgescore-id"] === id);
      expect(tries.length).toBeGreaterThan(1);
      expect(tries.at(-1)!.answered).toBe(200);
      expect(Number(tries.at(-1)!.headers["x-edgescore-timestamp"])).toBeGreaterThanOrEqual(backAt);
    }
    expect((await (await call(`/v1/sites/${site}/webhooks/failed`, { headers: ADMIN })).json<{ items: unknown[] }>()).items).toEqual([]);
  });
});

describe("MQL service level (mqlSlaDays)", () => {
  const DAY = 86_400_000;

  it("sends an MQL sales left untouched back to lead, reason expired, through its alarm: webhook, export, metrics", async () => {
    const name = uid("h");
    const site = await createSite({ mqlSlaDays: 14, webhook: { url: `${receiver}/hook/${name}`, secret: SECRET } });
    await qualify(site, "ada@acme.com");
    await qualify(site, "bob@acme.com");
    // Sales take Bob: his MQL never expires.
    await call(`/v1/sites/${site}/feedback`, json({ email: "bob@acme.com", stage: "sql" }));
    const ada = (await lookup(site, "ada@acme.com"))!;
    const due = Date.parse(ada.mqlAt) + 14 * DAY;
    const stub = await leadStub(site, "ada@acme.com");
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBe(due);

    // A day early: nothing. On time (as the alarm, with the test's clock): back to lead.
    await wake(site, "ada@acme.com", due - DAY);
    expect((await lookup(site, "ada@acme.com"))!.stage).toBe("mql");
    await wake(site, "ada@acme.com", due);
    await wake(site, "bob@acme.com", due);
    const expired = (await lookup(site, "ada@acme.com"))!;
    expect(expired).toMatchObject({ stage: "lead", mqlAt: null });
    expect(expired.stages.at(-1)).toEqual({ stage: "lead", at: new Date(due).toISOString(), origin: "expiry", reasonCode: "expired", reason: "not touched by sales within 14 days" });
    // Recycled as sales' recycling does: engagement starts again, fit stays.
    expect(expired.score).toEqual({ fit: 20, engagement: 0, total: 20 });
    expect((await lookup(site, "bob@acme.com"))!.stage).toBe("sql");

    const events = await until(async () => {
      const all = (await received(name)).map((d) => JSON.parse(d.body));
      return all.some((e) => e.origin === "expiry") && all;
    }, "the expiry's webhook");
    expect(events.filter((e) => e.origin === "expiry")).toEqual([expect.objectContaining({
      type: "profile.stage_changed", from: "mql", to: "lead", origin: "expiry", reasonCode: "expired", at: new Date(due).toISOString(),
      profile: expect.objectContaining({ email: "ada@acme.com", stage: "lead", mqlAt: null }),
    })]);
    // The record moved to the expiry's time (the test's clock, days ahead).
    const since = new Date(due - DAY).toISOString();
    const until_ = new Date(due + DAY).toISOString();
    expect((await mqlsOf(site, `since=${since}&until=${until_}`)).items).toEqual([expect.objectContaining({ email: "ada@acme.com", stage: "lead" })]);

    const metrics = await until(async () => {
      const m = await (await call(`/v1/sites/${site}/metrics?since=${since}&until=${until_}`, { headers: ADMIN })).json<any>();
      return m.counts.expiredMqls === 1 && m;
    }, "the expiry in the metrics");
    expect(metrics.counts).toMatchObject({ mqls: 0, expiredMqls: 1 });
  });

  it("never expires an MQL without a service level, or one sales put there themselves", async () => {
    const site = await createSite();
    await qualify(site, "ada@acme.com");
    const slaSite = await createSite({ mqlSlaDays: 1 });
    await qualify(slaSite, "bob@acme.com");
    await call(`/v1/sites/${slaSite}/feedback`, json({ email: "bob@acme.com", stage: "sql" }));
    await call(`/v1/sites/${slaSite}/feedback`, json({ email: "bob@acme.com", stage: "mql" }));
    const later = Date.now() + 400 * DAY;
    await wake(site, "ada@acme.com", later);
    await wake(slaSite, "bob@acme.com", later);
    expect((await lookup(site, "ada@acme.com"))!.stage).toBe("mql");
    expect((await lookup(slaSite, "bob@acme.com"))!.stage).toBe("mql");
  });

  it("takes mqlSlaDays from 1 to 365 days, or null", async () => {
    for (const bad of [0, 366, 1.5, "14"]) {
      const res = await call(`/v1/sites/${uid("site-")}`, { ...json({ name: "A", origins: ["https://a.test"], mqlSlaDays: bad }), method: "PUT" });
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain("mqlSlaDays");
    }
    const site = await createSite({ mqlSlaDays: 30 });
    expect(await (await call(`/v1/sites/${site}`, { headers: ADMIN })).json()).toMatchObject({ mqlSlaDays: 30 });
  });
});
