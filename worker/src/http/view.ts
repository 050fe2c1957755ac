import type { StageView } from "../../../shared/events";
import { isQualified, publicStage } from "../../../shared/rules";
import type { ProfileDetails, ProfileState } from "../objects/profile/types";
import type { Site } from "../sites/config";

/**
 * What a browser may see of a profile (docs/api.md#post-v1collect, Identity): its stage among the site's
 * public stages and its score, never traits. A profile never seen is a visitor
 * with nothing scored.
 */
export function stageView(site: Site, state: ProfileState | null): StageView {
  if (!state) return { stage: publicStage("visitor", site.publicStages), mql: false, score: { fit: 0, engagement: 0, total: 0 } };
  return { stage: publicStage(state.stage, site.publicStages), mql: isQualified(state.stage), score: state.score };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A profile as the profile API shows it (docs/api.md#profiles): times of record as ISO 8601, event times as sent. */
export function profileView(details: ProfileDetails) {
  return {
    ...details,
    stages: details.stages.map((s) => ({ ...s, at: iso(s.at) })),
    firstSeenAt: iso(details.firstSeenAt),
    lastSeenAt: iso(details.lastSeenAt),
    mqlAt: iso(details.mqlAt),
  };
}
