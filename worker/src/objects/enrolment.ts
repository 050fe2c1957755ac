/**
 * How a visitor joins and leaves its cohort (objects/cohort.ts), through the COHORTS
 * binding: what a Profile calls, without the Cohort object's internals.
 */
import { coalescer } from "../lib/concurrency";
import { dayOf, isoDay, SHARDS } from "../metrics/shards";

/** A visitor joining its cohort: its object id, and its site's retention as it knew it. */
export interface Enrolment {
  profile: string;
  retentionDays: number;
}

/** The cohort a visitor first seen at `at` joins: by its day, and a shard of its object id (hex). */
export function cohortName(site: string, at: number, profile: string): string {
  return `cohort:${site}:${isoDay(dayOf(at))}:${Number.parseInt(profile.slice(-4), 16) % SHARDS}`;
}

/**
 * Enrols a visitor first seen at `at` in its cohort, through one call per cohort
 * at a time from this isolate (lib/concurrency.ts). Resolves once durable; throws
 * when the call failed.
 */
export function enrol(env: Env, site: string, at: number, member: Enrolment): Promise<void> {
  return enrolling(cohortName(site, at, member.profile), { env, day: dayOf(at), member });
}

/** Takes an erased visitor first seen at `at` out of its cohort. */
export async function disenrol(env: Env, site: string, at: number, profile: string): Promise<void> {
  await env.COHORTS.getByName(cohortName(site, at, profile)).remove(profile);
}

const enrolling = coalescer<{ env: Env; day: number; member: Enrolment }>(async (name, items) => {
  await items[0]!.env.COHORTS.getByName(name).add(items[0]!.day, items.map((i) => i.member));
});
