/**
 * What the layers below the Profile object (sites, metrics, webhooks, exports) know of a
 * profile: plain types, so they need not import the object.
 */
import type { ExplanationLine, Score, ScoringModel, Stage } from "../../../shared/rules";
import type { CrmName } from "./crm";

/** What a profile needs to know of its site to score. */
export interface ScoringSite {
  id: string;
  rulesVersion: number;
  model: ScoringModel;
  /** Email domains of the site's own staff: their profiles are recorded, never scored. */
  internalDomains: string[];
  /**
   * The stage changes the site's webhook wants: null when it has none, absent when
   * not known (then every change is queued, and the delivery checks the site).
   */
  webhookStages?: readonly Stage[] | null;
  /** The stage changes each connected CRM syncs (docs/crm.md), by CRM; absent when not known (then the delivery checks the site). */
  crmStages?: Partial<Record<CrmName, readonly Stage[]>>;
  /** Events older than this are folded into the scoring state and dropped (docs/api.md, `PUT /v1/sites/:site`). */
  retentionDays: number;
  /** Days sales have to touch an MQL before it goes back to `lead`; null: no limit. */
  mqlSlaDays: number | null;
}

/** Why a stage changed: events scored, sales said, new rules, or an MQL's service level ran out. */
export type StageOrigin = "scoring" | "feedback" | "rescore" | "expiry";

/** A rollback's rescore (docs/api.md, `POST /v1/sites/:site/rules/rollback`): the version rolled back, and the one whose rules it restores. */
export interface Rollback {
  rolledBack: number;
  restores: number;
}

/** A lead's stage and score, with its explanation: a preview's before or after. */
export interface StageAndScore {
  stage: Stage;
  score: Score;
  explanation: ExplanationLine[];
}

/** What a rescore with other rules would make of a lead. */
export interface LeadPreview {
  profile: string;
  before: StageAndScore;
  after: StageAndScore;
}
