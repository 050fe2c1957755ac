/**
 * Rescoring a site's leads with its current rules (docs/api.md#rescoring). The job's
 * progress lives in KV (`rescore:<site>`), so any request can read it; the work
 * runs after the answer, a page of the lead registry at a time, a few leads at
 * once. Anonymous visitors are not listed anywhere: they rescore when next seen.
 */
import { boundedEach } from "../lib/concurrency";
import type { Rollback } from "../domain/profile";
import { scoringSite, type Site } from "./config";
import { listLeads } from "./leads";

export interface RescoreJob {
  rulesVersion: number;
  status: "running" | "done";
  /** Send stage changes to the webhook (off unless asked). */
  notify: boolean;
  /** A rollback's rescore, which also demotes MQLs that only a rescore made (docs/rules.md#rollback-and-demotion). */
  rollback?: Rollback;
  startedAt: number;
  updatedAt: number;
  /** Leads rescored so far, and how many of them changed stage. */
  profiles: number;
  changed: number;
  /** Where the registry listing stopped; null once it reached the end. */
  cursor: string | null;
}

/** Leads a site-wide walk (a rescore, a draft's preview) calls at once. */
export const LEADS_AT_ONCE = 6;
const key = (site: string) => `rescore:${site}`;

export async function getRescore(kv: KVNamespace, site: string): Promise<RescoreJob | null> {
  return kv.get<RescoreJob>(key(site), "json");
}

export function startRescore(site: Site, notify: boolean, now: number, rollback?: Rollback): RescoreJob {
  return {
    rulesVersion: site.rulesVersion, status: "running", notify, ...(rollback && { rollback }),
    startedAt: now, updatedAt: now, profiles: 0, changed: 0, cursor: null,
  };
}

/** Runs the job after the answer; a job that stops is logged, and stays `running` in KV. */
export function rescoreLater(ctx: ExecutionContext, env: Env, site: Site, job: RescoreJob): void {
  ctx.waitUntil(runRescore(env, site, job).catch((err) => console.error(`rescore of ${site.id} stopped: ${err}`)));
}

/** Works through the job from its cursor, recording progress after each page. */
export async function runRescore(env: Env, site: Site, job: RescoreJob): Promise<void> {
  await env.SITES.put(key(site.id), JSON.stringify(job));
  do {
    const page = await listLeads(env.SITES, site.id, job.cursor ?? undefined);
    await boundedEach(page.profiles, LEADS_AT_ONCE, async (id) => {
      const moved = await env.PROFILES.get(env.PROFILES.idFromString(id))
        .rescore(scoringSite(site), Date.now(), { notify: job.notify, rollback: job.rollback });
      job.profiles += 1;
      if (moved && moved.from !== moved.to) job.changed += 1;
    });
    job.cursor = page.cursor;
    job.updatedAt = Date.now();
    if (job.cursor === null) job.status = "done";
    await env.SITES.put(key(site.id), JSON.stringify(job));
  } while (job.cursor !== null);
}
