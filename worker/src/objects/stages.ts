/**
 * Where scoring takes a profile's stage: pure, so a profile's writes (scoring, a
 * rescore, a rollback's demotion) and a draft's preview decide it in one place.
 */
import { qualifies, scoredStage, scoreOf, STAGES, type ScoringModel, type Stage } from "../../../shared/rules";
import type { StageOrigin } from "../domain/profile";
import type { ProfileRow } from "./profile-schema";

/** What the stage depends on: where the profile stands, its scoring state, the country first seen at the edge. */
export type Standing = Pick<ProfileRow, "stage" | "scoring" | "edgeCountry">;

/** Whether the profile's score at `now` reaches the model's thresholds (its country's, where they differ). */
function qualifiesNow(profile: Standing, model: ScoringModel, now: number): boolean {
  const country = profile.scoring.traits.country ?? profile.edgeCountry ?? undefined;
  return qualifies(model, scoreOf(model, profile.scoring, now), country);
}

/**
 * The stages scoring moves the profile through, forward only (visitor → mql passes
 * `lead` too); empty when it stays where it is.
 */
export function stagesTo(profile: Standing, model: ScoringModel, now: number): Stage[] {
  const target = scoredStage(profile.stage, {
    hasEmail: Boolean(profile.scoring.traits.email),
    qualifies: () => qualifiesNow(profile, model, now),
  });
  return STAGES.slice(STAGES.indexOf(profile.stage) + 1, STAGES.indexOf(target) + 1);
}

/**
 * Where a rollback takes an MQL, or null where it stays. Only an MQL that a rescore
 * made (its last stage change is that rescore's: sales have not moved it since)
 * goes back, to `lead`, and only when the restored rules do not qualify it: an MQL
 * its own events made, or one sales have touched, is never demoted.
 */
export function demotedStage(
  profile: Standing, last: { stage: Stage; origin: StageOrigin } | undefined, model: ScoringModel, now: number,
): Stage | null {
  if (profile.stage !== "mql" || last?.stage !== "mql" || last.origin !== "rescore") return null;
  return qualifiesNow(profile, model, now) ? null : "lead";
}
