import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BROWSER_UA, createSite, ev, forwarded, lookup, ORIGIN, uid } from "./helpers";

/** Test limits (vitest.config.ts): 40 batches a minute per visitor, 60 per address, 10 wrong tokens per address. */
const VISITOR_LIMIT = 40;
const ADDRESS_LIMIT = 60;
const GUESS_LIMIT = 10;

function send(site: string, vid: string, events: unknown[], headers: Record<string, string> = {}) {
  return exports.default.fetch(new Request("https://edge.test/v1/collect", {
    method: "POST",
    headers: { "Content-Type": "text/plain", Origin: ORIGIN, "User-Agent": BROWSER_UA, ...headers },
    body: JSON.stringify({ site, vid, sid: "s1", events }),
  }));
}

describe("abuse: rate limits, reloads and token guessing", { timeout: 30_000 }, () => {
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

  it("limits stage reads as it limits batches: one visitor's, and one address's", async () => {
    const site = await createSite();
    const read = (vid: string, address?: string) => exports.default.fetch(new Request(`https://edge.test/v1/stage?site=${site}&vid=${vid}`, {
      headers: { Origin: ORIGIN, ...(address && { "CF-Connecting-IP": address }) },
    }));
    const vid = uid("v");
    // One more than twice the limit: a one-minute window ending mid-way still leaves one refused.
    const statuses: number[] = [];
    for (let i = 0; i <= 2 * VISITOR_LIMIT; i++) statuses.push((await read(vid)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect((await read(uid("v"))).status).toBe(200);
    const flood = await Promise.all(Array.from({ length: 2 * ADDRESS_LIMIT + 1 }, () => read(uid("v"), "203.0.113.10").then((r) => r.status)));
    expect(flood.filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it("limits a flood from one address without hurting other addresses", async () => {
    const site = await createSite();
    const flood = { "CF-Connecting-IP": "203.0.113.9" };
    // The limiter counts in fixed one-minute windows on the clock, so a window may end
    // mid-flood and let a second limit's worth through: one more than twice the limit is
    // refused at least once wherever the window's edge falls.
    const statuses = await Promise.all(Array.from({ length: 2 * ADDRESS_LIMIT + 1 }, () => send(site, uid("v"), [], flood).then((r) => r.status)));
    const passed = statuses.filter((s) => s === 200).length;
    expect(passed).toBeGreaterThanOrEqual(ADDRESS_LIMIT);
    expect(passed).toBeLessThanOrEqual(2 * ADDRESS_LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBe(statuses.length - passed);
    expect((await send(site, uid("v"), [ev.pageview("/")], { "CF-Connecting-IP": "198.51.100.4" })).status).toBe(200);
  });

  it("exempts the addresses RATE_LIMIT_EXEMPT lists (vitest.config.ts) from the address limit", async () => {
    const site = await createSite();
    const office = { "CF-Connecting-IP": "192.0.2.2" };
    const statuses = await Promise.all(Array.from({ length: 2 * ADDRESS_LIMIT + 1 }, () => send(site, uid("v"), [], office).then((r) => r.status)));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  }, 60_000); // 121 requests at once: slow on a loaded 2-core machine

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
    await forwarded(site, vid);
    expect((await lookup(site, "reload@acme.com"))!.score.engagement).toBe(15);
  });

  it("throttles token guessing per address, in the API and the dashboard's sign-in, before any token is checked", async () => {
    const site = await createSite();
    const from = (address: string, token: string) => exports.default.fetch(new Request(`https://edge.test/v1/sites/${site}`, {
      headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": address },
    }));
    const signIn = (address: string, token: string) => exports.default.fetch(new Request("https://edge.test/dashboard/login", {
      method: "POST", redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://edge.test", "CF-Connecting-IP": address },
      body: new URLSearchParams({ token }).toString(),
    }));
    for (const [guess, address] of [[from, "203.0.113.20"], [signIn, "203.0.113.21"]] as const) {
      // One more than twice the limit: a one-minute window ending mid-way still leaves one refused.
      const statuses: number[] = [];
      for (let i = 0; i <= 2 * GUESS_LIMIT; i++) statuses.push((await guess(address, `esk_guess${i}.wrong`)).status);
      const first = statuses.indexOf(429);
      expect(first).toBeGreaterThanOrEqual(GUESS_LIMIT);
      expect(statuses.slice(0, first).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(first).every((s) => s === 429)).toBe(true);
      // The right token from that address waits too; from another address it works.
      const right = await guess(address, "test-admin-token");
      expect(right.status).toBe(429);
      expect(right.headers.get("Retry-After")).toBe("60");
      expect((await guess("198.51.100.20", "test-admin-token")).status).toBeLessThan(400);
    }
    const refused = await (await from("203.0.113.20", "test-admin-token")).json();
    expect(refused).toEqual({ error: { code: "too_many_attempts", message: "too many wrong tokens from this address: retry after 60 s" } });
  });
});
