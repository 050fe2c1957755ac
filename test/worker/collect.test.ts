import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { visitorProfileName } from "../../worker/src/lib/identity";
import { BROWSER_UA, call, collect, createSite, ev, lookup, ORIGIN, post, uid } from "./helpers";

describe("POST /v1/collect", () => {
  it("scores a batch and answers the stage in the same response", async () => {
    const site = await createSite();
    const res = await post({ site, vid: uid("v"), events: [ev.pageview("/pricing")] });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(res.headers.get("Access-Control-Expose-Headers")).toContain("Retry-After");
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ stage: "visitor", mql: false, accepted: 1, duplicates: 0, rejected: [] });
    expect(body.score).toEqual({ fit: 0, engagement: 15, total: 15 });
    expect(body.profile).toMatch(/^[0-9a-f]{64}$/);
    expect(body).not.toHaveProperty("traits");
  });

  it("counts each event id once: a resent batch is all duplicates and changes no score", async () => {
    const site = await createSite();
    const vid = uid("v");
    const batch = [ev.track("demo_request"), ev.pageview("/pricing")];
    const first = await collect(site, vid, batch);
    const again = await collect(site, vid, [...batch, batch[0]]);
    expect(first).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(again).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(again.score).toEqual(first.score);
    expect(first.score.engagement).toBe(40);
  });

  it("keeps the new events of a batch that also resends stored ones, scoring each once, on the visitor and its lead", async () => {
    const site = await createSite();
    const vid = uid("v");
    const [identify, pricing] = [ev.identify({ email: "ada@acme.com" }), ev.pageview("/pricing")];
    await collect(site, vid, [identify, pricing]);
    const [demo, download] = [ev.track("demo_request"), ev.download("/files/a.pdf")];
    const mixed = await collect(site, vid, [demo, pricing, download, identify]);
    expect(mixed).toMatchObject({ accepted: 2, duplicates: 2 });
    // pricing 15 + demo request 25 + a download 5, each once.
    expect(mixed.score.engagement).toBe(45);
    const lead = (await lookup(site, "ada@acme.com"))!;
    expect(lead.timeline.map((e: { id: string }) => e.id)).toEqual([identify, pricing, demo, download].map((e) => e.id));
    expect(lead.score.engagement).toBe(45);
  });

  it("stores a full batch of 50 in the order sent, each once, an email in its middle taking all of them to the lead", async () => {
    const site = await createSite();
    const events = Array.from({ length: 50 }, (_, i) => (i === 23 ? ev.identify({ email: "ada@acme.com" }) : ev.track(`step_${i}`)));
    expect(await collect(site, uid("v"), events)).toMatchObject({ accepted: 50, duplicates: 0 });
    const lead = (await lookup(site, "ada@acme.com"))!;
    expect(lead.timeline.map((e: { id: string }) => e.id)).toEqual(events.map((e) => e.id));
  });

  it("lists an invalid event in `rejected`, naming its field, and keeps its batch-mates", async () => {
    const site = await createSite();
    const bad = { ...ev.track("demo_request"), name: 42 };
    const res = await collect(site, uid("v"), [ev.pageview("/pricing"), bad, { type: "nonsense" }, ev.track("demo_request")]);
    expect(res.accepted).toBe(2);
    expect(res.score.engagement).toBe(40);
    expect(res.rejected).toHaveLength(2);
    expect(res.rejected[0]).toMatchObject({ index: 1, code: "invalid_event", path: "events[1].name" });
    expect(res.rejected[0]!.message).toContain("events[1].name");
    expect(res.rejected[1]).toMatchObject({ index: 2, code: "invalid_event", path: "events[2].type" });
  });

  it("rejects props nested too deep to write out, and keeps the batch-mates", async () => {
    // 30,000 nested arrays fit in a 64 KiB body; under a key with a lone surrogate, JSON.stringify of them overflows the stack.
    const depth = 30_000;
    const deep = ev.pageview("/", { title: "x" });
    const body = JSON.stringify({ site: await createSite(), vid: uid("v"), events: [ev.pageview("/pricing"), { ...deep, props: "DEEP" }] })
      .replace('"DEEP"', `{"\\ud800":${"[".repeat(depth)}${"]".repeat(depth)}}`);
    const res = await call("/v1/collect", { method: "POST", headers: { Origin: ORIGIN, "Content-Type": "text/plain", "User-Agent": BROWSER_UA }, body });
    expect(res.status).toBe(200);
    const answer = await res.json<Record<string, any>>();
    expect(answer.accepted).toBe(1);
    expect(answer.rejected).toEqual([expect.objectContaining({ index: 1, code: "invalid_event", path: "events[1].props" })]);
  });

  it("keeps no query string but campaign tags and click ids, in urls and links alike", async () => {
    const site = await createSite();
    const vid = uid("v");
    await collect(site, vid, [
      ev.pageview("/pricing?token=secret&utm_source=news&gclid=g1&email=a@b.c#frag", {
        title: "P", ref: "https://google.test/search?q=me", utm_source: "news", utm_email: "ada@acme.com",
        landing: "https://www.acme.test/pricing?utm_source=news&utm_email=ada%40acme.com&session_token=SECRET#frag",
      }),
      ev.download("/files/guide.pdf?es_t=abc&utm_campaign=nov"),
    ]);
    const stored = await runInDurableObject(env.PROFILES.getByName(visitorProfileName(site, vid)), (_, state) =>
      state.storage.sql.exec<{ url: string; props: string }>("SELECT url, props FROM events ORDER BY seq").toArray());
    expect(stored[0]!.url).toBe("https://www.acme.test/pricing?utm_source=news&gclid=g1");
    expect(JSON.parse(stored[0]!.props)).toEqual({ title: "P", ref: "https://google.test", utm_source: "news", landing: "https://www.acme.test/pricing?utm_source=news" });
    expect(JSON.parse(stored[1]!.props).href).toBe("https://www.acme.test/files/guide.pdf?utm_campaign=nov");
    expect(JSON.stringify(stored)).not.toMatch(/secret|a@b\.c|ada|es_t|frag/i);
  });

  it.each([
    ["a wrong origin", (site: string) => post({ site, vid: "vvvvvvvv", events: [] }, "https://evil.test"), 403, "forbidden_origin", "Origin"],
    ["broken JSON", () => post("{ not json"), 400, "invalid_json", ""],
    ["a missing vid", (site: string) => post({ site, events: [] }), 400, "invalid_body", "vid"],
    ["an unknown site", () => post({ site: "no-such-site", vid: "vvvvvvvv", events: [] }), 404, "unknown_site", "site"],
    ["more than 50 events", (site: string) => post({ site, vid: "vvvvvvvv", events: Array.from({ length: 51 }, () => ev.track("a")) }), 400, "too_many_events", "events"],
    ["a body over 64 KiB", (site: string) => post({ site, vid: "vvvvvvvv", events: [ev.track("a", { pad: "x".repeat(65 * 1024) })] }), 413, "too_large", ""],
  ])("refuses %s with a JSON error naming the field", async (_what, send, status, code, path) => {
    const res = await send(await createSite());
    expect(res.status).toBe(status);
    const body = await res.json<{ error: { code: string; message: string; path: string } }>();
    expect(body.error).toMatchObject({ code, path });
    expect(body.error.message).toBeTruthy();
  });

  it("takes a beacon with Origin: null (a no-referrer page) only when its events are the site's pages", async () => {
    const site = await createSite();
    const own = await post({ site, vid: uid("v"), events: [ev.pageview("/pricing")] }, "null");
    expect(own.status).toBe(200);
    const foreign = { ...ev.pageview("/pricing"), url: "https://evil.test/pricing" };
    const mixed = await post({ site, vid: uid("v"), events: [ev.pageview("/pricing"), foreign] }, "null");
    expect(mixed.status).toBe(403);
  });

  it("scores a batch with Origin: null but lets it name nobody: a sandboxed frame elsewhere may have sent it", async () => {
    const site = await createSite();
    await collect(site, uid("v"), [ev.identify({ email: "ada@acme.com", title: "CTO" })]);
    const res = await post({ site, vid: uid("v"), events: [ev.pageview("/pricing"), ev.identify({ email: "ada@acme.com", title: "Intern" }), ev.form({ email: "ada@acme.com" })] }, "null");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stage: "visitor", accepted: 3, score: { fit: 0, engagement: 15 } });
    const lead = (await lookup(site, "ada@acme.com"))!;
    expect(lead).toMatchObject({ visitors: { count: 1 }, score: { fit: 10 } });
  });

  it("answers a preflight so a page may send JSON", async () => {
    const res = await call("/v1/collect", { method: "OPTIONS", headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
  });
});

describe("GET /v1/stage", () => {
  it("answers a visitor never seen with zero scores, and a known one with its stage", async () => {
    const site = await createSite();
    const vid = uid("v");
    const unseen = await call(`/v1/stage?site=${site}&vid=${vid}`);
    expect(await unseen.json()).toEqual({ stage: "visitor", mql: false, score: { fit: 0, engagement: 0, total: 0 } });
    await collect(site, vid, [ev.track("demo_request")]);
    const seen = await call(`/v1/stage?site=${site}&vid=${vid}`);
    expect(await seen.json()).toEqual({ stage: "visitor", mql: false, score: { fit: 0, engagement: 25, total: 25 } });
  });

  it("refuses a bad vid with 400 naming it", async () => {
    const site = await createSite();
    const res = await call(`/v1/stage?site=${site}&vid=a`);
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { path: string } }>()).error.path).toBe("vid");
  });
});

describe("GET /healthz", () => {
  it("answers 200 when KV and the profile objects answer", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
