import type { Decay, DecayLoss } from "./types";

export const DAY_MS = 86_400_000;

/**
 * When inactivity losses fall due: `afterDays` after the last activity, then every
 * `everyDays`, up to and including `now`. None before any activity.
 */
export function decaySteps(lastActivityAt: number | null, now: number, decay: Decay): number[] {
  const steps: number[] = [];
  if (lastActivityAt === null) return steps;
  for (let k = 0; ; k++) {
    const at = lastActivityAt + (decay.afterDays + k * decay.everyDays) * DAY_MS;
    if (at > now) return steps;
    steps.push(at);
  }
}

/**
 * The losses due between the last activity and `now`, given the engagement sum when
 * activity stopped: each takes |points| but never more than is left above 0.
 */
export function decayLosses(lastActivityAt: number | null, now: number, decay: Decay, engagement: number): DecayLoss[] {
  const losses: DecayLoss[] = [];
  for (const at of decaySteps(lastActivityAt, now, decay)) {
    const loss = Math.min(-decay.points, Math.max(0, engagement));
    if (loss <= 0) break; // engagement cannot rise while inactive: no later loss either
    engagement -= loss;
    losses.push({ at, points: -loss });
  }
  return losses;
}
