/**
 * A draft's preview (docs/api.md#rules-preview): what publishing it would
 * do to the site's leads, before anything changes. Each lead answers for itself
 * (Profile.preview: a rescore's replay and stage logic, writing nothing); this walks
 * the lead registry and sums the answers up. Anonymous visitors are in no registry
 * (and are never MQLs): they rescore when next seen, and are left out.
 */
import { STAGES, type Score, type ScoringModel, type Stage } from "../../../shared/rules";
import { boundedEach } from "../lib/concurrency";
import type { LeadPreview } from "../domain/profile";
import { listLeads } from "./leads";
import { LEADS_AT_ONCE } from "./rescore";

/** Score buckets are BUCKET_WIDTH wide from 0 up to LAST_BUCKET, which holds everything above. */
const BUCKET_WIDTH = 10;
const LAST_BUCKET = 100;
const DIMENSIONS = ["total", "fit", "engagement"] as const satisfies readonly (keyof Score)[];

export interface Bucket {
  from: number;
  /** Exclusive; null for the last bucket. */
  to: number | null;
  count: number;
}

export interface Distribution {
  /** Null when there is no lead. */
  median: number | null;
  buckets: Bucket[];
}

export interface PreviewSummary {
  profiles: number;
  /** How many leads would move from each stage to each other, largest first. */
  moves: { from: Stage; to: Stage; count: number }[];
  scores: Record<"before" | "after", Record<(typeof DIMENSIONS)[number], Distribution>>;
  /** Leads that would move first, then others, in registry order. */
  samples: LeadPreview[];
}

/** Every lead of the site as `model` would score it at `now`, in registry order. */
export async function previewLeads(env: Env, site: string, model: ScoringModel, now: number): Promise<LeadPreview[]> {
  const previews: LeadPreview[] = [];
  let cursor: string | undefined;
  do {
    const page = await listLeads(env.SITES, site, cursor);
    const answers: (LeadPreview | null)[] = new Array(page.profiles.length).fill(null);
    await boundedEach([...page.profiles.entries()], LEADS_AT_ONCE, async ([i, id]) => {
      answers[i] = await env.PROFILES.get(env.PROFILES.idFromString(id)).preview(site, model, now);
    });
    // An erased lead (its registry entry not yet gone) answers null.
    previews.push(...answers.filter((p) => p !== null));
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return previews;
}

export function summarise(previews: readonly LeadPreview[], samples: number): PreviewSummary {
  const moved = (p: LeadPreview) => p.before.stage !== p.after.stage;
  const moves = new Map<string, { from: Stage; to: Stage; count: number }>();
  for (const { before, after } of previews.filter(moved)) {
    const key = `${before.stage}>${after.stage}`;
    const move = moves.get(key) ?? { from: before.stage, to: after.stage, count: 0 };
    move.count += 1;
    moves.set(key, move);
  }
  const order = (s: Stage) => STAGES.indexOf(s);
  const distributions = (side: "before" | "after") =>
    Object.fromEntries(DIMENSIONS.map((d) => [d, distribution(previews.map((p) => p[side].score[d]))])) as PreviewSummary["scores"]["before"];
  return {
    profiles: previews.length,
    moves: [...moves.values()].sort((a, b) => b.count - a.count || order(a.from) - order(b.from) || order(a.to) - order(b.to)),
    scores: { before: distributions("before"), after: distributions("after") },
    samples: [...previews.filter(moved), ...previews.filter((p) => !moved(p))].slice(0, samples),
  };
}

/** The median and a histogram in fixed buckets, so two distributions compare bucket by bucket. */
export function distribution(values: readonly number[]): Distribution {
  const buckets: Bucket[] = [];
  for (let from = 0; from <= LAST_BUCKET; from += BUCKET_WIDTH) {
    buckets.push({ from, to: from < LAST_BUCKET ? from + BUCKET_WIDTH : null, count: 0 });
  }
  for (const value of values) {
    buckets[Math.max(0, Math.min(Math.floor(value / BUCKET_WIDTH), buckets.length - 1))]!.count += 1;
  }
  return { median: median(values), buckets };
}

function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** How the dashboard names a lead: its email and name traits, when it has them. */
export interface LeadName {
  email?: string;
  name?: string;
}

/**
 * The names of `profiles` (at most a page's worth: each asks its lead), by profile id;
 * an erased lead is left out. A preview names profiles by id only; its page, which
 * `site:admin` opens, shows who they are.
 */
export async function nameLeads(env: Env, site: string, profiles: readonly string[], now: number): Promise<Map<string, LeadName>> {
  const names = new Map<string, LeadName>();
  await boundedEach([...profiles], LEADS_AT_ONCE, async (id) => {
    const details = await env.PROFILES.get(env.PROFILES.idFromString(id)).details(site, now);
    if (!details) return;
    const { email, name } = details.traits;
    names.set(id, { email, ...(typeof name === "string" && { name }) });
  });
  return names;
}
