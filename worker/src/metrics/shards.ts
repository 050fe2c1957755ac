/**
 * Where activity lives: one Activity object per (site, UTC day, shard), a profile
 * always in the same shard (by a hash of its id), so a day's writes spread over
 * SHARDS objects and one profile's figures never straddle two shards of a day.
 */
import { DAY_MS } from "../../../shared/rules";

/**
 * Objects a site's activity spreads over each day: each takes roughly 500–1,000
 * writes a second, so 4 carry a few thousand batches a second. Fixed: changing it
 * moves profiles between shards, so it would need the day it changed from.
 */
export const SHARDS = 4;
/** Activity is kept for its day and this many days after; an object then deletes itself. */
export const ACTIVITY_DAYS = 400;
/** The longest period one metrics read may span: it reads up to days × SHARDS objects. */
export const MAX_PERIOD_DAYS = 400;
export const HOUR_MS = 3_600_000;

export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** One Activity object, as its site's Funnel lists it. */
export type ActivityShard = { day: number; shard: number };

export const activityName = (site: string, { day, shard }: ActivityShard) => `activity:${site}:${isoDay(day)}:${shard}`;

/** When an Activity object of `day` deletes itself. */
export const activityExpiry = (day: number) => (day + ACTIVITY_DAYS + 1) * DAY_MS;

/**
 * A profile's shard and fingerprint: from SHA-256 of its id, the fingerprint's 52
 * bits (a safe integer) counting distinct profiles across objects without carrying
 * ids around; among a million profiles a collision is a one-in-ten-thousand event.
 */
export async function profileKey(profile: string): Promise<{ shard: number; fp: number }> {
  const digest = new DataView(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(profile)));
  return { shard: digest.getUint8(8) % SHARDS, fp: (digest.getUint32(0) & 0xfffff) * 2 ** 32 + digest.getUint32(4) };
}
