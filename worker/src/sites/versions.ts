/**
 * A site's rules versions (docs/api.md#rules-versions): every version
 * the site has published, kept immutable in KV under `rules:<site>:<version>`, with
 * what a listing shows as the entry's metadata (a listing reads no values). A version
 * is written before the site config that takes it up, so the config never names a
 * version that is not kept.
 */
import type { ScoringModel } from "../../../shared/rules";
import { listAll } from "../lib/kv";
import type { Site } from "./config";
import type { Caller } from "./keys";
import { putSite } from "./store";

/** How a version came: a site PUT that changed the rules (or created the site), a draft published, a rollback. */
export type VersionOrigin = "site" | "publish" | "rollback";

/** How a version came, with a rollback's versions. */
export type VersionCause =
  | { origin: "site" | "publish" }
  | { origin: "rollback"; /** the version rolled back */ rolledBack: number; /** the version whose rules it restores */ restores: number };

/**
 * Who made a version and why (docs/api.md): `by` is "admin" (the admin token) or the id
 * of the site key that published or rolled back; `note` is theirs. Versions kept before
 * authors were recorded, and a site PUT's, have neither.
 */
export interface VersionAuthor {
  by?: string;
  note?: string;
}

/** What a listing shows of a version. */
export type VersionSummary = { version: number; publishedAt: number } & VersionCause & VersionAuthor;

export type RulesVersion = VersionSummary & { rules: ScoringModel };

const prefix = (site: string) => `rules:${site}:`;

/** Keeps the site's current rules as its version `site.rulesVersion`. */
export async function keepVersion(kv: KVNamespace, site: Site, cause: VersionCause, author: VersionAuthor = {}): Promise<VersionSummary> {
  const summary: VersionSummary = { version: site.rulesVersion, publishedAt: site.updatedAt, ...cause, ...author };
  const version: RulesVersion = { ...summary, rules: site.model };
  await kv.put(prefix(site.id) + site.rulesVersion, JSON.stringify(version), { metadata: summary });
  return summary;
}

/** Saves a site whose rules changed: the new version first, then the config that names it. */
export async function publishVersion(kv: KVNamespace, site: Site, cause: VersionCause, author: VersionAuthor = {}): Promise<VersionSummary> {
  const summary = await keepVersion(kv, site, cause, author);
  await putSite(kv, site);
  return summary;
}

export async function getVersion(kv: KVNamespace, site: string, version: number): Promise<RulesVersion | null> {
  return kv.get<RulesVersion>(prefix(site) + version, "json");
}

/**
 * The site's current version. A site whose rules last changed before versions were
 * kept gets its current one kept now, as a site PUT's (the config's last change
 * stands for when it was published).
 */
export async function currentVersion(kv: KVNamespace, site: Site): Promise<RulesVersion> {
  const kept = await getVersion(kv, site.id, site.rulesVersion);
  if (kept) return kept;
  return { ...(await keepVersion(kv, site, { origin: "site" })), rules: site.model };
}

/** Every kept version of the site, newest first. */
export async function listVersions(kv: KVNamespace, site: string): Promise<VersionSummary[]> {
  return (await listAll<VersionSummary>(kv, prefix(site)))
    .map((entry) => entry.metadata!)
    .sort((a, b) => b.version - a.version);
}

/**
 * The version a rollback from `current` restores: the one before it, where a
 * rollback's version stands for the version it restored, so rolling back again
 * steps further back. Below 1: there is none.
 */
export function versionBefore(current: VersionSummary): number {
  return (current.origin === "rollback" ? current.restores : current.version) - 1;
}

/** How a version names who made it: the admin token, or a key by its id (never the key itself). */
export const authorOf = (caller: Caller): string => (caller.kind === "admin" ? "admin" : caller.id);

/** The longest note a version keeps: it rides in the KV entry's metadata, which holds 1024 bytes. */
export const NOTE_MAX = 200;
