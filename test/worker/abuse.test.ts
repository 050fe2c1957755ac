import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BROWSER_UA, createSite, ev, lookup, ORIGIN, uid } from "./helpers";

/** Test limits (vitest.config.ts): 40 batches a minute per visitor, 60 per address. */
const VISITOR_LIMIT = 40;
const ADDRESS_LIMIT = 60;

function send(site: string, vid: string, events: unknown[], headers: Record<string, string> = {}) {
  return exports.default.fetch(new Request("https://edge.test/v1/collect", {
    method: "POST",
    headers: { "Content-Type": "text/plain", Origin: ORIGIN, "User-Agent": BROWSER_UA, ...headers },
    body: JSON.stringify({ site, vid, sid: "s1", events }),
  }));
}

describe("abuse (CONTRACT §5, §6)", { timeout: 30_000 }, () => {
  it("limits one visitor's batches with 429 and Retry-After, and no one else", async () => {
    const site = await createSite();
    const vid = uid("v");
    // The limiter counts in fixed one-minute windows: the first 429 comes after the limit's worth of
    // batches, or after up to twice that when a window ends during the test.
    let accepted = 0;
    let limited: Response | undefined;
    while (accepted <= 2 * VISITOR_LIMIT) {
      const res = await send(site, vid, [ev.pageview("/")]);
      if (res.status === 429) {
        limited = res;
        break;
      }
      expect(res.status).toBe(200);
      accepted++;
    }
    expect(accepted).toBeGreaterThanOrEqual(VISITOR_LIMIT);
    expect(limited?.status).toBe(429);
    if (!limited) return;
    expect(limited.headers.get("Retry-After")).toBe("60");
    expect(limited.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect((await send(site, uid("v"), [ev.pageview("/")])).status).toBe(200);
  });

  it("limits a flood from one address without hurting other addresses", async () => {
    const site = await createSite();
    const flood = { "CF-Connecting-IP": "203.0.113.9" };
    const statuses = await Promise.all(Array.from({ length: ADDRESS_LIMIT + 20 }, () => send(site, uid("v"), [], flood).then((r) => r.status)));
    // At most twice the limit gets through even when a one-minute window ends mid-flood.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(ADDRESS_LIMIT);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(ADDRESS_LIMIT + 20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect((await send(site, uid("v"), [ev.pageview("/")], { "CF-Connecting-IP": "198.51.100.4" })).status).toBe(200);
  });

  it("exempts the addresses RATE_LIMIT_EXEMPT lists (vitest.config.ts) from the address limit", async () => {
    const site = await createSite();
    const office = { "CF-Connecting-IP": "192.0.2.2" };
    const statuses = await Promise.all(Array.from({ length: ADDRESS_LIMIT + 5 }, () => send(site, uid("v"), [], office).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it("gives 15 points for the pricing page however often it is reloaded in a day", async () => {
    const site = await createSite();
    const vid = uid("v");
    // 100 reloads, in batches as the script would send them after a burst.
    for (let i = 0; i < 100; i += 10) {
      const res = await send(site, vid, Array.from({ length: 10 }, () => ev.pageview("/pricing")));
      expect(res.status).toBe(200);
    }
    const last = await (await send(site, vid, [ev.identify({ email: "reload@acme.com" })])).json<{ score: { engagement: number } }>();
    expect(last.score.engagement).toBe(15);
    expect((await lookup(site, "reload@acme.com"))!.score.engagement).toBe(15);
  });
});
