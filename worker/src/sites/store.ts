import { ExpiringMap } from "../lib/expiring-map";
import { listAll } from "../lib/kv";
import type { Site } from "./config";

/**
 * Site configs live in KV under `site:<id>`. Every collect needs one, so each
 * isolate keeps what it read for a few seconds: a changed config reaches all
 * isolates within CACHE_MS (plus KV's own propagation, about 60 s between
 * locations). Changes made through this isolate are seen at once.
 */
const CACHE_MS = 10_000;
/** Unknown ids are cached too (a flood of them must not reach KV), so the cache is bounded. */
const CACHED_SITES = 1_000;
const cache = new ExpiringMap<string, Site | null>(CACHE_MS, CACHED_SITES);

const PREFIX = "site:";
const key = (id: string) => PREFIX + id;

/** What `GET /v1/sites` shows of a site: kept as the KV entry's metadata, so a listing reads no values. */
export type SiteSummary = Pick<Site, "id" | "name" | "rulesVersion" | "createdAt" | "updatedAt">;

/** The site, from the isolate's cache unless `fresh` (management reads and writes). */
export async function getSite(kv: KVNamespace, id: string, { fresh = false } = {}): Promise<Site | null> {
  const now = Date.now();
  const hit = fresh ? undefined : cache.get(id, now);
  if (hit) return hit.value;
  const site = await kv.get<Site>(key(id), "json");
  cache.set(id, site, now);
  return site;
}

export async function putSite(kv: KVNamespace, site: Site): Promise<void> {
  const { id, name, rulesVersion, createdAt, updatedAt } = site;
  const metadata: SiteSummary = { id, name, rulesVersion, createdAt, updatedAt };
  await kv.put(key(site.id), JSON.stringify(site), { metadata });
  cache.set(site.id, site, Date.now());
}

/** Every site, in id order. */
export async function listSites(kv: KVNamespace): Promise<SiteSummary[]> {
  return (await listAll<SiteSummary>(kv, PREFIX)).map((entry) => entry.metadata!);
}
