import type { StageView } from "../../../shared/events";
import { publicStage } from "../../../shared/rules";
import type { ProfileState } from "../objects/profile";
import type { Site } from "../sites/config";

const QUALIFIED = new Set(["mql", "sql", "opportunity", "customer"]);

/**
 * What a browser may see of a profile (CONTRACT §5): its stage among the site's
 * public stages and its score, never traits. A profile never seen is a visitor
 * with nothing scored.
 */
export function stageView(site: Site, state: ProfileState | null): StageView {
  if (!state) return { stage: publicStage("visitor", site.publicStages), mql: false, score: { fit: 0, engagement: 0, total: 0 } };
  return { stage: publicStage(state.stage, site.publicStages), mql: QUALIFIED.has(state.stage), score: state.score };
}
