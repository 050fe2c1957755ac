import { exports } from "cloudflare:workers";
import type { CollectResponse } from "../../shared/events";

export const ADMIN = { Authorization: "Bearer test-admin-token" };
export const ORIGIN = "https://www.acme.test";

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
    headers: { "Content-Type": "text/plain", Origin: origin },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Posts a batch and expects a 200 collect answer. */
export async function collect(site: string, vid: string, events: unknown[], sid = "s1"): Promise<CollectResponse> {
  const res = await post({ site, vid, sid, events });
  if (res.status !== 200) throw new Error(`collect answered ${res.status}: ${await res.text()}`);
  return res.json();
}

const URL_BASE = "https://www.acme.test";

/** Wire events as the browser script sends them. */
export const ev = {
  pageview: (path: string, props: Record<string, unknown> = { title: "t" }) =>
    ({ id: uid("e"), type: "pageview", ts: Date.now(), url: URL_BASE + path, props }),
  track: (name: string, props: Record<string, unknown> = {}) =>
    ({ id: uid("e"), type: "track", ts: Date.now(), url: `${URL_BASE}/`, name, props }),
  identify: (traits: Record<string, string>) =>
    ({ id: uid("e"), type: "identify", ts: Date.now(), url: `${URL_BASE}/contact`, traits }),
  download: (href: string) =>
    ({ id: uid("e"), type: "download", ts: Date.now(), url: `${URL_BASE}/resources`, props: { href, text: "get it" } }),
  form: (fields: Record<string, string>, form = "contact") =>
    ({ id: uid("e"), type: "form", ts: Date.now(), url: `${URL_BASE}/contact`, props: { form, action: "/contact", fields } }),
};
