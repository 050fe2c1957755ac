/**
 * What a profile shows, read only: its state, the profile API's details (with the
 * timeline and why an event gave nothing), a lead's links, a draft's preview.
 */
import { scoreOf, type Scored, type ScoringModel, type Stage } from "../../../../shared/rules";
import type { EventRow, ProfileRow } from "../profile-schema";
import { stagesTo } from "../stages";
import type { ProfileStore, Rules } from "./store";
import type { LeadPreview, StageAndScore } from "../../domain/profile";
import type { LeadLinks, ProfileDetails, ProfileState } from "./types";

const TIMELINE_LIMIT = 1000;

/** What a sender may see of the profile at `now`. */
export function stateOf(profile: string, row: ProfileRow, rules: Rules, now: number): ProfileState {
  const { fit, engagement, total } = scoreOf(rules.model, row.scoring, now);
  return { profile, stage: row.stage, score: { fit, engagement, total } };
}

/** The profile as the profile API shows it. */
export function detailsOf(store: ProfileStore, profile: string, row: ProfileRow, rules: Rules, now: number): ProfileDetails {
  const scored = scoreOf(rules.model, row.scoring, now);
  const events = store.sql.exec<EventRow>(
    "SELECT * FROM events WHERE lead IS ? ORDER BY received_at DESC, seq DESC LIMIT ?", row.lead, TIMELINE_LIMIT + 1,
  ).toArray();
  // Why an event gave nothing is what a replay of the person's events says (shared/rules/score.ts).
  const replayed = store.replayOf(row, rules.model, now);
  const reasons = new Map(replayed.rows.map((r, i) => [r.id, replayed.result.reasons[i]]));
  const visitors = row.kind === "lead"
    ? store.sql.exec<{ count: number; verified: number }>("SELECT count(*) AS count, coalesce(max(verified), 0) AS verified FROM visitors").one()
    : undefined;
  return {
    id: profile,
    kind: row.kind,
    site: row.site,
    stage: row.stage,
    traits: row.scoring.traits,
    score: { fit: scored.fit, engagement: scored.engagement, total: scored.total },
    explanation: scored.explanation,
    stages: store.stageHistory(),
    timeline: events.slice(0, TIMELINE_LIMIT).reverse().map((e) => ({
      id: e.id, type: e.type, ts: e.ts, receivedAt: e.received_at, points: e.points, scored: e.scored === 1,
      ...(e.points === 0 && reasons.get(e.id) && { reason: reasons.get(e.id)! }),
      ...(e.url !== null && { url: e.url }),
      ...(e.name !== null && { name: e.name }),
      ...(e.claimed === 1 && { claimed: true as const }),
    })),
    timelineTruncated: events.length > TIMELINE_LIMIT,
    rulesVersion: rules.rulesVersion,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    mqlAt: row.mqlAt,
    ...(visitors && { visitors: { count: visitors.count, verified: visitors.verified === 1 }, verified: row.verified, ...store.claimsOf(row) }),
  };
}

/** What a lead is linked to: its visitors, whether it is exported, its webhooks not yet delivered, what each CRM holds of it. */
export function linksOf(store: ProfileStore, row: ProfileRow, webhooks: LeadLinks["webhooks"], crm: LeadLinks["crm"]): LeadLinks {
  const visitors = store.sql.exec<{ id: string; verified: number; first_at: number }>("SELECT id, verified, first_at FROM visitors ORDER BY first_at")
    .toArray().map((v) => ({ id: v.id, verified: v.verified === 1, firstAt: v.first_at }));
  return { visitors, exported: row.exportKey !== null, webhooks, crm };
}

/** What a rescore with `model` would make of the lead, writing nothing. */
export function previewOf(store: ProfileStore, profile: string, row: ProfileRow, rules: Rules, model: ScoringModel, now: number): LeadPreview {
  const { result } = store.replayOf(row, model, now);
  const stage = stagesTo({ ...row, scoring: result.state }, model, now).at(-1) ?? row.stage;
  return {
    profile,
    before: stageAndScore(row.stage, scoreOf(rules.model, row.scoring, now)),
    after: stageAndScore(stage, result.scored),
  };
}

function stageAndScore(stage: Stage, { fit, engagement, total, explanation }: Scored): StageAndScore {
  return { stage, score: { fit, engagement, total }, explanation };
}
