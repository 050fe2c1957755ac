import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { CollectResponse } from "../../shared/events";
import { visitorProfileName } from "../../worker/src/lib/identity";

export const ADMIN = { Authorization: "Bearer test-admin-token" };
export const ORIGIN = "https://www.acme.test";
/** Desktop Chrome's agent, as the browser script's requests carry one: no agent is bot traffic. */
export const BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

let n = 0;
/** A fresh id for sites, visitors and events, so tests never share state. */
export const uid = (prefix = "t") => `${prefix}${Date.now().toString(36)}${(n++).toString(36)}x${Math.random().toString(36).slice(2, 8)}`;

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`https://edge.test${path}`, init));
}

/** Creates a site with the default model (or `extra` config) allowing ORIGIN. */
export async function createSite(extra: Record<string, unknown> = {}): Promise<string> {
  const site = uid("site-");
  const res = await call(`/v1/sites/${site}`, {
    method: "PUT",
    headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Acme", origins: [ORIGIN], ...extra }),
  });
  if (res.status !== 201) throw new Error(`site not created: ${res.status} ${await res.text()}`);
  return site;
}

export function post(body: unknown, origin = ORIGIN): Promise<Response> {
  return call("/v1/collect", {
    method: "POST",
    headers: { "Content-Type": "text/plain", Origin: origin, "User-Agent": BROWSER_UA },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/**
 * Posts a batch and expects a 200 collect answer; then waits until its lead has it. A browser
 * that only claimed an email is answered before its events reach the lead (docs/api.md,
 * Trust model): tests that read the lead next read it once the forward is done.
 */
export async function collect(site: string, vid: string, events: unknown[], sid = "s1"): Promise<CollectResponse> {
  const res = await post({ site, vid, sid, events });
  if (res.status !== 200) throw new Error(`collect answered ${res.status}: ${await res.text()}`);
  const answer: CollectResponse = await res.json();
  await forwarded(site, vid);
  return answer;
}

/** Resolves once the browser `vid` has no events waiting to reach its lead. */
export async function forwarded(site: string, vid: string): Promise<void> {
  const visitor = env.PROFILES.getByName(visitorProfileName(site, vid));
  await until(() => runInDurableObject(visitor, (_, { storage: { sql } }) => {
    const stored = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").toArray().length > 0;
    return !stored || sql.exec<{ n: number }>("SELECT count(*) AS n FROM events WHERE lead IS NOT NULL AND forwarded = 0").one().n === 0;
  }), `the events of ${vid} at its lead`);
}

const URL_BASE = "https://www.acme.test";

/** Wire events as the browser script sends them. */
export const ev = {
  pageview: (path: string, props: Record<string, unknown> = { title: "t" }) =>
    ({ id: uid("e"), type: "pageview", ts: Date.now(), url: URL_BASE + path, props }),
  track: (name: string, props: Record<string, unknown> = {}) =>
    ({ id: uid("e"), type: "track", ts: Date.now(), url: `${URL_BASE}/`, name, props }),
  identify: (traits: Record<string, unknown>) =>
    ({ id: uid("e"), type: "identify", ts: Date.now(), url: `${URL_BASE}/contact`, traits }),
  download: (href: string) =>
    ({ id: uid("e"), type: "download", ts: Date.now(), url: `${URL_BASE}/resources`, props: { href, text: "get it" } }),
  form: (fields: Record<string, unknown>, form = "contact") =>
    ({ id: uid("e"), type: "form", ts: Date.now(), url: `${URL_BASE}/contact`, props: { form, action: "/contact", fields } }),
};

/** Authorization for a site's management routes. */
export const json = (body: unknown, headers: Record<string, string> = ADMIN): RequestInit => ({
  method: "POST",
  headers: { ...headers, "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

/** hex HMAC-SHA256, as a site signs a verified identity (docs/sdk.md#signed-identify). */
export async function hmacHex(secret: string, message: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(message)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

export const IDENTIFY_SECRET = "site-identify-secret-0123456789";

/** An identify the site signed with IDENTIFY_SECRET, valid for an hour. */
export async function signedIdentify(site: string, traits: Record<string, string>) {
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const signature = await hmacHex(IDENTIFY_SECRET, `${site}|${traits.email!.trim().toLowerCase()}|${expires}`);
  return { ...ev.identify(traits), signature, expires };
}

/** The profile API's view of an email's lead (404 → null). */
export async function lookup(site: string, email: string): Promise<Record<string, any> | null> {
  const res = await call(`/v1/sites/${site}/profiles/lookup`, json({ email }));
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`lookup answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Server events by email; expects 200. */
export async function serverEvents(site: string, events: unknown[]): Promise<{ accepted: number; duplicates: number; rejected: any[] }> {
  const res = await call(`/v1/sites/${site}/events`, json(events));
  if (res.status !== 200) throw new Error(`events answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** The sum of an explanation's points per dimension. */
export function explained(explanation: Array<{ dimension: string; points: number }>) {
  const sum = (d: string) => explanation.filter((l) => l.dimension === d).reduce((a, l) => a + l.points, 0);
  return { fit: sum("fit"), engagement: sum("engagement"), total: sum("fit") + sum("engagement") };
}

/** Polls `check` until it answers something truthy, and answers that; fails after `ms` naming `what`. */
export async function until<T>(check: () => Promise<T | null | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// --- the dashboard, as a signed-in browser uses it ---------------------------

/** The dashboard's own origin: its forms post from it. */
export const DASHBOARD_ORIGIN = "https://edge.test";

/** The session cookie the dashboard's login form sets for `token`, as a browser sends it back. */
export async function dashboardSession(token = "test-admin-token"): Promise<string> {
  const res = await call("/dashboard/login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: DASHBOARD_ORIGIN },
    body: new URLSearchParams({ token }).toString(),
    redirect: "manual",
  });
  if (res.status !== 303) throw new Error(`login answered ${res.status}`);
  return res.headers.get("Set-Cookie")!.split(";")[0]!;
}

/** A dashboard page asked for with the session `cookie`; a redirect is answered, not followed. */
export const openPage = (path: string, cookie: string) => call(path, { headers: { Cookie: cookie }, redirect: "manual" });

/** Posts a dashboard form as a browser on its origin does: fields by name (a repeated one as an array) or as pairs. */
export function submitForm(path: string, cookie: string, fields: Record<string, string | string[]> | [string, string][] = {}): Promise<Response> {
  const body = new URLSearchParams();
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields).flatMap(([name, value]) => [value].flat().map((v) => [name, v] as const));
  for (const [name, value] of pairs) body.append(name, value);
  return call(path, {
    method: "POST",
    headers: { Cookie: cookie, Origin: DASHBOARD_ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
    body: body.toString(),
    redirect: "manual",
  });
}
