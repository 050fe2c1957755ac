import type { Site } from "./config";

/**
 * Site configs live in KV under `site:<id>`. Every collect needs one, so each
 * isolate keeps what it read for a few seconds: a changed config reaches all
 * isolates within CACHE_MS (plus KV's own propagation, about 60 s between
 * locations). Changes made through this isolate are seen at once.
 */
const CACHE_MS = 10_000;
const cache = new Map<string, { site: Site | null; until: number }>();

const key = (id: string) => `site:${id}`;

/** The site, from the isolate's cache unless `fresh` (management reads and writes). */
export async function getSite(kv: KVNamespace, id: string, { fresh = false } = {}): Promise<Site | null> {
  const now = Date.now();
  const hit = cache.get(id);
  if (!fresh && hit && hit.until > now) return hit.site;
  const site = await kv.get<Site>(key(id), "json");
  cache.set(id, { site, until: now + CACHE_MS });
  return site;
}

export async function putSite(kv: KVNamespace, site: Site): Promise<void> {
  await kv.put(key(site.id), JSON.stringify(site));
  cache.set(site.id, { site, until: Date.now() + CACHE_MS });
}
