/**
 * What a Profile object takes and answers through its RPC methods (profile.ts): the
 * types routes, views and other objects use, with nothing of how the object works.
 */
import type { ExplanationLine, ProfileEvent, Score, Stage, Traits, Unscored } from "../../../../shared/rules";
import type { ScoringSite, StageOrigin } from "../../domain/profile";
import type { ProfileKind } from "../profile-schema";
import type { CrmName } from "../../domain/crm";

/** The identity an event gives: its email's lead, and whether the site vouched for it. */
export interface Identity {
  lead: string;
  verified: boolean;
}

export type IncomingEvent = ProfileEvent & { identity?: Identity };

export interface Batch {
  site: ScoringSite;
  events: IncomingEvent[];
  /** The country the edge saw the request come from, if any. */
  edgeCountry?: string;
  /** The organisation whose network the request came from (the edge's `asOrganization`), if any. */
  edgeOrganization?: string;
  now: number;
}

/** A lead's events: forwarded by one of its visitors (`from`), or sent by a server. */
export interface LeadBatch extends Batch {
  from?: { visitor: string; verified: boolean };
}

export interface ProfileState {
  profile: string;
  stage: Stage;
  score: Score;
}

export interface BatchResult {
  /** What the sender may see: null for a profile that holds nothing. */
  state: ProfileState | null;
  accepted: number;
  duplicates: number;
  /** The visitor was erased: its browser must forget its id. */
  reset?: true;
  /** What the batch did, for the site's metrics, and the object it did it to. */
  activity?: BatchActivity;
  profileId?: string;
}

export interface BatchActivity {
  /** The batch created the profile. */
  firstSeen: boolean;
  /** Points each rule gave (or took) in the batch. */
  points: Record<string, number>;
  /**
   * The person was an MQL or later once the batch was applied (a claimed browser, whose
   * events reach the lead after the answer: as its lead last answered it).
   */
  qualified: boolean;
}

export interface Feedback {
  stage: Stage;
  /** When sales made the change (ms); now when absent. */
  at?: number;
  reasonCode?: string;
  reason?: string;
  crmId?: string;
}

export interface StageChange {
  stage: Stage;
  at: number;
  origin: StageOrigin;
  reasonCode?: string;
  reason?: string;
  crmId?: string;
}

export interface TimelineEntry {
  id: string;
  type: ProfileEvent["type"];
  ts: number;
  receivedAt: number;
  url?: string;
  name?: string;
  points: number;
  scored: boolean;
  /** Why the event gave no points (with `points: 0` only). */
  reason?: Unscored;
  /** Sent by a browser that only claimed the lead's email. */
  claimed?: true;
}

export interface LeadLinks {
  visitors: { id: string; verified: boolean; firstAt: number }[];
  exported: boolean;
  webhooks: { pending: number; failed: number };
  crm: CrmSync[];
}

/** Everything the profile API shows of a profile. */
export interface ProfileDetails {
  id: string;
  kind: ProfileKind;
  site: string;
  stage: Stage;
  traits: Traits;
  score: Score;
  explanation: ExplanationLine[];
  stages: StageChange[];
  timeline: TimelineEntry[];
  /** Events older than the newest TIMELINE_LIMIT are left out of `timeline`. */
  timelineTruncated: boolean;
  rulesVersion: number;
  firstSeenAt: number;
  lastSeenAt: number;
  mqlAt: number | null;
  /** A lead: how many browsers merged into it, and whether any was verified. */
  visitors?: { count: number; verified: boolean };
  /** A lead: whether a trusted source vouched for its email (docs/api.md, Trust model). */
  verified?: boolean;
  /** A lead: what only claims gave. */
  claimedTraits?: string[];
  claimedEvents?: number;
}

/** What one CRM holds of the lead, as its page and the profile API show it. */
export interface CrmSync {
  crm: CrmName;
  /** The CRM's id of the lead's record, once an upsert went through. */
  recordId: string | null;
  syncedAt: number | null;
  /** The last attempt's error, until one goes through. */
  error: string | null;
  errorAt: number | null;
}
