/**
 * The exports in KV: the MQL export (docs/api.md#mql-export) and the account export. One key per record,
 *   mql:<site>:<UTC day>:<updatedAt, 13 digits>:<profile>
 *   account:<site>:<UTC day>:<updatedAt, 13 digits>:<account object id>
 * so a listing runs in order of each record's last change. A record is rewritten
 * (new key, old one deleted) when it changes (a lead's on stage changes only), so a
 * poller that keeps its cursor sees every later change. The record rides in the key's
 * metadata when it fits (KV allows 1,024 bytes there), saving a read per key.
 *
 * KV's limits and how this lives with them: a new key can take about 60 s to show
 * in every location's listing, so pollers read up to `until = now − 2 min` (the
 * docs say so); one write per second per key never binds, since every write is a
 * new key. Listing cannot start at a key, only page from a prefix: the day in the
 * key bounds how far a resumed listing pages to find its place.
 */
import { boundedEach } from "../lib/concurrency";
import { listAll } from "../lib/kv";
import type { ExportRecord } from "./record";

const DAY_MS = 86_400_000;
const MAX_METADATA_BYTES = 1000;
/** Reads of records too big for their key's metadata made at once. */
const READS_AT_ONCE = 8;
/** Day buckets one page looks through before answering with a cursor to go on from. */
const MAX_DAYS_PER_PAGE = 62;

/** The exports: leads that have been MQLs, and accounts. */
export type ExportList = "mql" | "account";

const sitePrefix = (site: string, list: ExportList) => `${list}:${site}:`;
const dayOf = (ms: number) => new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);

/** The key of a record last changed at `updatedAtMs`; `id` is its object's id. */
export function exportKey(site: string, updatedAtMs: number, id: string, list: ExportList = "mql"): string {
  return `${sitePrefix(site, list)}${dayOf(updatedAtMs)}:${String(updatedAtMs).padStart(13, "0")}:${id}`;
}

/** Writes a record under its key and deletes the one it replaces (idempotent). */
export async function putExport(kv: KVNamespace, key: string, previous: string | null, record: object): Promise<void> {
  const value = JSON.stringify(record);
  await kv.put(key, value, value.length <= MAX_METADATA_BYTES ? { metadata: record } : {});
  if (previous && previous !== key) await kv.delete(previous);
}

export async function deleteExport(kv: KVNamespace, key: string): Promise<void> {
  await kv.delete(key);
}

/** A listing in progress: its records, then where the next page starts (null when nothing more is in the range). */
export interface ExportListing<R = ExportRecord> {
  records: AsyncIterable<R>;
  cursor(): string | null;
}

/** What a listing covers: changes in [since, until), after the key `after`, at most `limit` records that pass `where`. */
export interface ExportRange<R> {
  since: number;
  until: number;
  after?: string;
  limit?: number;
  where?: (record: R) => boolean;
}

/**
 * Records whose last change lies in [since, until), oldest change first, at most
 * `limit` (unbounded when absent), starting after the key `after` (`readCursor`),
 * only those `where` holds for when given. Lazy: each KV page is listed as the
 * records are read.
 */
export function listExports<R = ExportRecord>(
  kv: KVNamespace, site: string, range: ExportRange<R>, list: ExportList = "mql",
): ExportListing<R> {
  let next: string | null = null;
  async function* records(): AsyncGenerator<R> {
    const after = range.after ?? "";
    const firstDay = Math.floor(Math.max(range.since, timeOfKey(after) ?? 0) / DAY_MS);
    const lastDay = Math.floor((range.until - 1) / DAY_MS);
    let count = 0;
    for (let day = firstDay, scanned = 0; day <= lastDay; day++, scanned++) {
      const prefix = `${sitePrefix(site, list)}${dayOf(day * DAY_MS)}:`;
      if (range.limit !== undefined && scanned === MAX_DAYS_PER_PAGE) return void (next = encodeCursor(prefix));
      let kvCursor: string | undefined;
      do {
        const page = await kv.list<R>({ prefix, ...(kvCursor && { cursor: kvCursor }) });
        for (const { name, metadata } of page.keys) {
          const at = timeOfKey(name)!;
          if (name <= after || at < range.since) continue;
          if (at >= range.until) return;
          const record = (await recordOf<R>(kv, { name, metadata }))!;
          if (range.where && !range.where(record)) continue;
          yield record;
          if (++count === range.limit) return void (next = encodeCursor(name));
        }
        kvCursor = page.list_complete ? undefined : page.cursor;
      } while (kvCursor);
    }
  }
  return { records: records(), cursor: () => next };
}

/** A listed key's record: in its metadata when it fits, else read (null when deleted since it was listed). */
async function recordOf<R = ExportRecord>(kv: KVNamespace, key: { name: string; metadata?: R }): Promise<R | null> {
  return key.metadata ?? (await kv.get<R>(key.name, "json"));
}

/**
 * The latest record of every profile of the site: the whole site prefix, listed
 * a thousand keys a call (not a day at a time, as a resumable listing must). A
 * rewrite deletes the key it replaces, but a listing may show a deleted key for a
 * while (KV's propagation): the later key, the later change, wins.
 */
export async function latestExports(kv: KVNamespace, site: string): Promise<ExportRecord[]> {
  const listed = await listAll<ExportRecord>(kv, sitePrefix(site, "mql"));
  const records: (ExportRecord | null)[] = new Array(listed.length);
  await boundedEach([...listed.keys()], READS_AT_ONCE, async (i) => void (records[i] = await recordOf(kv, listed[i]!)));
  const latest = new Map<string, ExportRecord>();
  for (const record of records) if (record) latest.set(record.profile, record);
  return [...latest.values()];
}

/** The updatedAt a key was written with, or null for a day-only cursor. */
function timeOfKey(key: string): number | null {
  const ms = /:(\d{13}):[^:]+$/.exec(key)?.[1];
  if (ms) return Number(ms);
  const day = /:(\d{4}-\d\d-\d\d):$/.exec(key)?.[1];
  return day ? Date.parse(day) : null;
}

const encodeCursor = (key: string) => btoa(key).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** The key a cursor this module answered stands for, or null when it is none of this site's listing's. */
export function readCursor(site: string, cursor: string, list: ExportList = "mql"): string | null {
  try {
    const key = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    return key.startsWith(sitePrefix(site, list)) && timeOfKey(key) !== null ? key : null;
  } catch {
    return null;
  }
}
