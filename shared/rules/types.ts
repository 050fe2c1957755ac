import type * as v from "valibot";
import type { EventType } from "./event-types";
import type { ConditionSchema, ModelSchema } from "./schema";

/** A scoring model as written (the site's JSON), before defaults are filled. */
export type ScoringModelInput = v.InferInput<typeof ModelSchema>;
/** A scoring model as `validateModel` returns it: checked, with its defaults filled. */
export type ScoringModel = v.InferOutput<typeof ModelSchema>;
export type Rule = ScoringModel["rules"][number];
export type Match = NonNullable<Rule["match"]>;
/** What a field must hold: a plain value (equals) or an operator object. */
export type Condition = v.InferOutput<typeof ConditionSchema>;
export type Thresholds = ScoringModel["thresholds"];
export type AccountThresholds = NonNullable<ScoringModel["accountThresholds"]>;
export type Decay = ScoringModel["decay"];
export type Dimension = Rule["dimension"];
export type { EventType };

/** A trait's value: a text, a finite number or a boolean (docs/rules.md, Traits). */
export type TraitValue = string | number | boolean;

/**
 * A profile's traits: `email`, `title`, `companySize`, …, the site's own keys, and the
 * derived `emailDomain`, `emailType`. The email, what is derived from it and the country are texts.
 */
export type Traits = Record<string, TraitValue> & { email?: string; emailDomain?: string; emailType?: string; country?: string };

/** The traits an event gives: a value sets its trait, `null` removes it (never the email: it makes the lead). */
export type TraitChanges = Record<string, TraitValue | null> & { email?: string };

/** An event as the profile keeps it, after the worker has normalised it. */
export interface ProfileEvent {
  id: string;
  type: EventType;
  /** Server time (ms) the event arrived: periods, activity and decay use it. */
  receivedAt: number;
  /** Browser time (ms), for the timeline only. */
  ts: number;
  sid?: string;
  url?: string;
  name?: string;
  props?: Record<string, unknown>;
  /** Traits this event gives (identify, or a form that carried an email); email already normalised. */
  traits?: TraitChanges;
  /** False: recorded but never scored (bots, internal traffic), and not activity either. */
  scored: boolean;
  /** Why an event with `scored: false` was not; absent on events recorded before reasons were kept. */
  notScored?: NotScored;
  /**
   * Sent by a browser that only claimed the lead's email (docs/api.md, Trust model): it
   * scores, but its traits never replace a trusted source's.
   */
  claimed?: true;
}

/**
 * Why the worker recorded an event without scoring it (docs/api.md, Profiles): bot traffic,
 * a request from an excluded address (`exclude.ips`), the site's own staff (`exclude.emailDomains`).
 */
export type NotScored = "bot" | "excluded_address" | "staff";

/**
 * Why an event gave no points (docs/api.md, Profiles): it was not scored (NotScored, or
 * `unknown` for one recorded before reasons were kept), no rule matched it, or the rules it
 * matched had reached their `cap`, or another of their limits held (`per`, `unique`,
 * `minCount`, an identify rule already counted).
 */
export type Unscored = NotScored | "unknown" | "no_rule" | "cap" | "limit";

export interface Score {
  fit: number;
  engagement: number;
  total: number;
}

/** One reason for a score; a dimension's lines always sum to its shown value. */
export interface ExplanationLine {
  /** A rule id, or `decay` / `floor`. */
  rule: string;
  dimension: Dimension;
  points: number;
  /** Ids of the events that gave the points. */
  events: string[];
  /** When a decay loss happened (ms). */
  at?: number;
}

export interface Scored extends Score {
  explanation: ExplanationLine[];
}

/** How far an event rule has gone towards its limits. */
export interface RuleCounters {
  /** Matching events seen (for `minCount`). */
  matches: number;
  /** Points given so far (bounded by `cap`). */
  points: number;
  /** Ids of the events that gave points. */
  events: string[];
  /** `unique` values that have given points. */
  keys: string[];
  /** `per` periods (`ever`, a UTC day number, a session) that have given points. */
  periods: string[];
}

/** A loss of engagement to inactivity. */
export interface DecayLoss {
  at: number;
  points: number;
}

/**
 * Everything scoring remembers of a profile between events: plain JSON, so the profile
 * object can store it between batches without loss.
 */
export interface ScoringState {
  traits: Traits;
  /** The traits only claims set (docs/api.md, Trust model), when any. */
  claimed?: string[];
  /** Event rules' counters, by rule id (absent until the rule first matches). */
  rules: Record<string, RuleCounters>;
  /** Identify rules that match now, by rule id: the id of the event that gave their points. */
  identified: Record<string, string>;
  /** Losses of past inactivity gaps; the current gap's are computed when scoring. */
  decay: DecayLoss[];
  /** receivedAt of the latest scored event, null before the first. */
  lastActivityAt: number | null;
}
