import { parseUrl } from "../../../shared/urls";
import type { ProfileEvent } from "../../../shared/rules";
import { recordActivity } from "../metrics";
import type { ActivityRecord } from "../metrics/types";
import type { BatchResult } from "../objects/profile/types";

const VITALS = new Set(["LCP", "INP", "CLS", "FCP", "TTFB"]);

/**
 * What a batch did, for the site's metrics, after the answer. Sent once, never
 * retried (its sums are not idempotent); a resent batch (duplicates) gives no
 * vitals samples, so a retried beacon is not counted twice.
 */
export async function recordBatch(env: Env, site: string, result: BatchResult, events: ProfileEvent[], now: number): Promise<void> {
  const vitals = result.duplicates ? [] : events.flatMap((e) => {
    const { name, value } = (e.props ?? {}) as { name?: unknown; value?: unknown };
    const page = e.url ? parseUrl(e.url)?.pathname : undefined;
    return e.type === "vitals" && typeof name === "string" && VITALS.has(name) && typeof value === "number" && Number.isFinite(value) && value >= 0 && page
      ? [{ name: name as ActivityRecord["vitals"][number]["name"], value, page }]
      : [];
  });
  const { firstSeen, points, qualified } = result.activity!;
  if (!firstSeen && !vitals.length && !Object.keys(points).length) return;
  try {
    await recordActivity(env, { site, profile: result.profileId!, at: now, firstSeen, points, vitals, mql: qualified });
  } catch (err) {
    console.error(`metrics: a batch's activity was not recorded: ${err}`);
  }
}
