/**
 * Site keys (docs/api.md#management-routes): bearer tokens valid for one site and a set of scopes.
 *
 * A key reads `esk_<id>.<secret>`, so the one KV read a request costs finds it
 * by id. Three KV records per key:
 * - `key:<id>` → { site, hash, scopes, createdAt }: what a request checks. Written
 *   once and deleted on revocation, never rewritten, so no late write can bring a
 *   revoked key back.
 * - `sitekey:<site>:<id>` with { scopes, createdAt } as metadata: the site's index,
 *   so a listing is one KV list, reading no values.
 * - `keyuse:<site>:<id>` with { at } as metadata: when the key was last used. Kept
 *   apart from the others so it may be written after a request, in the background;
 *   one left behind by a use racing a revocation is never listed (the index drives
 *   the listing).
 * A revocation reaches other locations within KV's propagation (about 60 s).
 */
import { timingSafeEqual } from "hono/utils/buffer";
import { encodeBase64Url } from "hono/utils/encode";
import * as v from "valibot";
import { listAll } from "../lib/kv";

export const SCOPES = ["events:write", "profiles:read", "feedback:write", "exports:read", "site:admin"] as const;
export type Scope = (typeof SCOPES)[number];
export const DEFAULT_SCOPES: Scope[] = ["events:write", "profiles:read", "feedback:write", "exports:read"];

/** What a new key is asked for (docs/api.md, keys): its scopes, by default DEFAULT_SCOPES. */
export const KeyRequestSchema = v.optional(v.strictObject({
  scopes: v.optional(
    v.pipe(
      v.array(v.picklist(SCOPES, `must be one of ${SCOPES.join(", ")}`)),
      v.minLength(1, "must name at least one scope"),
      v.transform((scopes) => [...new Set(scopes)]),
    ),
    DEFAULT_SCOPES,
  ),
}), {});

/** A key as a request sees it, once its secret is checked. */
export interface SiteKey {
  id: string;
  site: string;
  scopes: Scope[];
  createdAt: number;
}

/** Who called a management route: the admin token, or a site key. */
export type Caller = { kind: "admin" } | ({ kind: "key" } & SiteKey);

/** A key as its site's listing shows it: never the key or its hash. */
export interface ListedKey {
  id: string;
  scopes: Scope[];
  createdAt: number;
  lastUsedAt: number | null;
}

type StoredKey = SiteKey & { hash: string };

const TOKEN = /^esk_([\w-]{16})\.[\w-]{43}$/;
/** KV takes one write a second per key; an hour is precise enough for "last used". */
const USE_WRITE_MS = 3_600_000;

const authKey = (id: string) => `key:${id}`;
const indexPrefix = (site: string) => `sitekey:${site}:`;
const usePrefix = (site: string) => `keyuse:${site}:`;

const random = (bytes: number) => encodeBase64Url(crypto.getRandomValues(new Uint8Array(bytes)).buffer).replace(/=+$/, "");

/**
 * SHA-256 of the whole key. A key is a random 32-byte secret, so there is no
 * dictionary to guess from and no need for a slow password hash.
 */
async function hashOf(token: string): Promise<string> {
  return encodeBase64Url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
}

/** A new key for `site`: the record and the key itself, which is shown once and not kept. */
export async function createKey(kv: KVNamespace, site: string, scopes: Scope[], now: number): Promise<{ key: SiteKey; token: string }> {
  const key: SiteKey = { id: random(12), site, scopes, createdAt: now };
  const token = `esk_${key.id}.${random(32)}`;
  const stored: StoredKey = { ...key, hash: await hashOf(token) };
  await Promise.all([
    kv.put(authKey(key.id), JSON.stringify(stored)),
    kv.put(indexPrefix(site) + key.id, "", { metadata: { scopes, createdAt: now } }),
  ]);
  return { key, token };
}

/** The key a bearer token is, or null when it is not one (unknown, revoked or wrong secret). */
export async function findKey(kv: KVNamespace, token: string): Promise<SiteKey | null> {
  const id = TOKEN.exec(token)?.[1];
  if (!id) return null;
  const stored = await kv.get<StoredKey>(authKey(id), "json");
  if (!stored || !(await timingSafeEqual(await hashOf(token), stored.hash))) return null;
  return withoutHash(stored);
}

/**
 * The key with this id, or null once it is revoked: for a dashboard session,
 * which was opened with the key's token and keeps only its id.
 */
export async function keyById(kv: KVNamespace, id: string): Promise<SiteKey | null> {
  const stored = await kv.get<StoredKey>(authKey(id), "json");
  return stored && withoutHash(stored);
}

const withoutHash = ({ hash: _hash, ...key }: StoredKey): SiteKey => key;

/**
 * When this isolate last wrote each key's use: a key's use is written at most
 * once an hour per isolate, without a KV read to know when it last was.
 */
const useWrittenAt = new Map<string, number>();

/** Records that `key` was used (meant for `waitUntil`). */
export async function markUsed(kv: KVNamespace, key: SiteKey, now: number): Promise<void> {
  if (now - (useWrittenAt.get(key.id) ?? -Infinity) < USE_WRITE_MS) return;
  useWrittenAt.set(key.id, now);
  await kv.put(usePrefix(key.site) + key.id, "", { metadata: { at: now } });
}

/** The site's keys, oldest first. */
export async function listKeys(kv: KVNamespace, site: string): Promise<ListedKey[]> {
  const [index, uses] = await Promise.all([
    listAll<Omit<ListedKey, "id" | "lastUsedAt">>(kv, indexPrefix(site)),
    listAll<{ at: number }>(kv, usePrefix(site)),
  ]);
  const usedAt = new Map(uses.map((u) => [u.name.slice(usePrefix(site).length), u.metadata!.at]));
  return index
    .map(({ name, metadata }) => {
      const id = name.slice(indexPrefix(site).length);
      return { id, ...metadata!, lastUsedAt: usedAt.get(id) ?? null };
    })
    .sort((a, b) => a.createdAt - b.createdAt);
}

/**
 * Revokes a key of `site`; false when the site has no such key. The record a
 * request checks goes first, so a revocation cut short still took effect, and
 * its retry finds the index entry and finishes.
 */
export async function revokeKey(kv: KVNamespace, site: string, id: string): Promise<boolean> {
  if ((await kv.get(indexPrefix(site) + id)) === null) return false;
  await kv.delete(authKey(id));
  await Promise.all([kv.delete(indexPrefix(site) + id), kv.delete(usePrefix(site) + id)]);
  return true;
}
