/**
 * Site metrics (docs/api.md#metrics), from two inputs kept
 * apart by how often they come. Stage changes are rare: all of a site's go to its
 * one Funnel object. Collect batches are not: their activity goes to Activity
 * objects by (UTC day, shard of the profile), which the Funnel lists. A read asks
 * the Funnel for its figures and the period's Activity objects, and sums those.
 */
import { DAY_MS } from "../../../shared/rules";
import { boundedEach, coalescer } from "../lib/concurrency";
import {
  ACTIVITY_DAYS, activityName, dayOf, HOUR_MS, MAX_PERIOD_DAYS, profileKey, type ActivityShard,
} from "./shards";
import { costPerMql, getSpend } from "./spend";
import { ActivityTotals } from "./totals";
import type { ActivityRecord, ActivityWrite, Metrics, StageChangeRecord } from "./types";
import { bucketOf } from "./vitals";

/** Activity objects called at once by a read or an erasure. */
const OBJECTS_AT_ONCE = 8;
/** Activity objects this isolate has had listed: the Funnel is told once per isolate and object. */
const listed = new Set<string>();
const LISTED_REMEMBERED = 10_000;

export async function recordStageChange(env: Env, r: StageChangeRecord): Promise<void> {
  await env.FUNNEL.getByName(r.site).record(r);
}

/**
 * Stores what a batch did in its Activity object, listing the object with the
 * site's Funnel first, so erasure and reads find everything stored. Not retried:
 * a failure loses these figures (it is logged), never counts them twice.
 */
export async function recordActivity(env: Env, r: ActivityRecord): Promise<void> {
  const points = Object.entries(r.points).filter(([, p]) => p !== 0);
  const vitals: ActivityWrite["vitals"] = r.vitals.flatMap(({ name, value, page }) => {
    const bucket = bucketOf(name, value);
    return bucket === null ? [] : [{ metric: name, page, bucket }];
  });
  const day = dayOf(r.at);
  // Past keeping, its object may already be gone (and unlisted).
  if ((!r.firstSeen && !points.length && !vitals.length) || day < dayOf(Date.now()) - ACTIVITY_DAYS) return;
  const { shard, fp } = await profileKey(r.profile);
  const write = { day, hour: Math.floor(r.at / HOUR_MS), fp, firstSeen: r.firstSeen, points, vitals, mql: r.mql };
  await coalesced(activityName(r.site, { day, shard }), { env, site: r.site, shard: { day, shard }, write });
}

/**
 * One call at a time per Activity object from this isolate, with every write that
 * arrived meanwhile (lib/concurrency.ts). The object is listed with its site's
 * Funnel before it first holds anything. A failure is logged, never retried.
 */
const coalesced = coalescer<{ env: Env; site: string; shard: ActivityShard; write: ActivityWrite }>(async (name, items) => {
  const { env, site, shard } = items[0]!;
  try {
    if (!listed.has(name)) {
      await env.FUNNEL.getByName(site).registerActivity(shard, Date.now());
      if (listed.size >= LISTED_REMEMBERED) listed.clear();
      listed.add(name);
    }
    await env.ACTIVITY.getByName(name).record(items.map((i) => i.write));
  } catch (err) {
    console.error(`metrics: the activity of ${items.length} batch(es) was not recorded: ${err}`);
  }
});

/**
 * The site's figures for [since, until) (ms): at most MAX_PERIOD_DAYS long, which
 * bounds a read to that many days × SHARDS Activity objects (fewer: only those
 * listed). The route checks the period; anything else is a caller's bug.
 */
export async function siteMetrics(env: Env, site: string, since: number, until: number): Promise<Metrics> {
  if (!(until > since && until - since <= MAX_PERIOD_DAYS * DAY_MS)) {
    throw new RangeError(`a metrics period must be longer than 0 and at most ${MAX_PERIOD_DAYS} days`);
  }
  const [funnel, spend] = await Promise.all([env.FUNNEL.getByName(site).figures(since, until), getSpend(env.SITES, site)]);
  const totals = new ActivityTotals();
  // Activity is kept per hour: every hour the period touches counts.
  const [fromHour, toHour] = [Math.floor(since / HOUR_MS), Math.ceil(until / HOUR_MS)];
  await boundedEach(funnel.activity, OBJECTS_AT_ONCE, async (shard) => {
    const slice = await env.ACTIVITY.getByName(activityName(site, shard)).read(fromHour, toHour);
    if (slice) totals.add(slice);
  });
  return {
    period: { since: new Date(since).toISOString(), until: new Date(until).toISOString() },
    counts: { visitors: totals.visitors, ...funnel.counts },
    rates: funnel.rates,
    medianTimeToMqlSeconds: funnel.timeToMql.p50,
    timeToMql: funnel.timeToMql,
    bySource: funnel.bySource,
    costPerMql: costPerMql(spend, new Map(funnel.mqlsBySourceName.map((r) => [r.source, r.mqls])), since, until),
    byRule: totals.byRule(),
    vitals: totals.vitalFigures(),
    mqlsByDay: funnel.mqlsByDay,
  };
}

/**
 * Deletes every aggregate row naming these profiles (pass a lead and each visitor
 * merged into it): their stage changes and source, the visitors they were and
 * the points they got; their figures leave every count, rate and sum. What stays
 * is what names nobody: their Web Vitals samples, merged into histograms.
 */
export async function eraseFromMetrics(env: Env, site: string, profiles: string[]): Promise<void> {
  if (!profiles.length) return;
  const funnel = env.FUNNEL.getByName(site);
  const byShard = new Map<number, number[]>();
  for (const { shard, fp } of await Promise.all(profiles.map(profileKey))) {
    byShard.set(shard, [...(byShard.get(shard) ?? []), fp]);
  }
  // A profile's rows lie in its shard's objects only, any day still kept.
  const objects = await funnel.activityOf([...byShard.keys()]);
  await boundedEach(objects, OBJECTS_AT_ONCE, async (o) => {
    await env.ACTIVITY.getByName(activityName(site, o)).erase(byShard.get(o.shard)!);
  });
  await funnel.erase(profiles);
}
