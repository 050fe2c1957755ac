import { DAY_MS, decayLosses } from "./decay";
import { award, newCounters } from "./limits";
import { listens } from "./event-types";
import { matches } from "./match";
import { mergeProvenTraits } from "./traits";
import type {
  DecayLoss,
  Dimension,
  ExplanationLine,
  ProfileEvent,
  Rule,
  RuleCounters,
  Score,
  Scored,
  ScoringModel,
  ScoringState,
  Unscored,
} from "./types";

const DIMENSIONS: readonly Dimension[] = ["fit", "engagement"];

export function emptyState(): ScoringState {
  return { traits: {}, rules: {}, identified: {}, decay: [], lastActivityAt: null };
}

/**
 * Applies one event to the state (mutating it) and returns the points the event earned,
 * identify-rule changes it caused included (decay is not earned by an event). In order:
 * inactivity losses due before it, its traits, identify rules judged on the traits as they
 * now stand, event rules within their limits; then it is the last activity. An unscored
 * event only updates the traits.
 */
export function applyEvent(model: ScoringModel, state: ScoringState, event: ProfileEvent): number {
  return scoreEvent(model, state, event).points;
}

/** What one event earned, and when nothing, why (docs/api.md, Profiles). */
export interface EventScore {
  points: number;
  reason?: Unscored;
}

/**
 * `applyEvent`, also saying why an event earned nothing: not scored (its recorded reason), a
 * rule's cap or another limit held it back, or no rule matched. An event whose rules gave
 * points that cancel out has no reason: rules did score it.
 */
export function scoreEvent(model: ScoringModel, state: ScoringState, event: ProfileEvent): EventScore {
  if (event.scored) settleDecay(model, state, event.receivedAt);
  if (event.traits) {
    const { traits, claimed } = mergeProvenTraits({ traits: state.traits, claimed: state.claimed ?? [] }, event.traits, event.claimed === true);
    state.traits = traits;
    // Absent when no trait is a claim's: most profiles, and every state from before claims were told apart.
    if (claimed.length) state.claimed = claimed;
    else delete state.claimed;
  }
  if (!event.scored) return { points: 0, reason: event.notScored ?? "unknown" };

  let earned = 0;
  let gave = false;
  let held: "cap" | "limit" | undefined;
  for (const rule of model.rules) {
    if (isIdentifyRule(rule)) {
      const points = judge(rule, state, event);
      earned += points;
      gave ||= points !== 0;
      // An event of the rule's type whose traits match it again: it gives once while they match.
      if (points === 0 && listens(rule.on, event.type) && Object.hasOwn(state.identified, rule.id)) held ??= "limit";
    } else if (listens(rule.on, event.type) && matches(rule.match, event, state.traits)) {
      const given = award(rule, countersOf(state, rule.id), event, state.traits);
      earned += given.points;
      gave ||= given.points !== 0;
      if (given.held && held !== "cap") held = given.held;
    }
  }
  state.lastActivityAt = Math.max(state.lastActivityAt ?? event.receivedAt, event.receivedAt);
  if (gave) return { points: earned };
  return { points: 0, reason: held ?? "no_rule" };
}

/** An identify rule gives its points while the traits match it, credited to the event that made it match. */
function judge(rule: Rule, state: ScoringState, event: ProfileEvent): number {
  const matched = Object.hasOwn(state.identified, rule.id);
  if (matches(rule.match, event, state.traits) === matched) return 0;
  if (matched) {
    delete state.identified[rule.id];
    return -rule.points;
  }
  state.identified[rule.id] = event.id;
  return rule.points;
}

/**
 * The score at `now` with its explanation: one line per rule with points (in model order),
 * then inactivity losses (the current gap's computed, not stored), then a `floor` line for
 * a dimension whose sum is negative. Each dimension is the sum of its lines, so never below 0.
 */
export function scoreOf(model: ScoringModel, state: ScoringState, now: number): Scored {
  const lines = settledLines(model, state);
  lines.push(...pendingDecay(model, state, now).map(decayLine));
  for (const dimension of DIMENSIONS) {
    const sum = sumOf(lines, dimension);
    if (sum < 0) lines.push({ rule: "floor", dimension, points: -sum, events: [] });
  }
  const fit = sumOf(lines, "fit");
  const engagement = sumOf(lines, "engagement");
  return { fit, engagement, total: fit + engagement, explanation: lines };
}

/**
 * The inactivity losses due by `now` that the state does not hold yet. Losses of the
 * current gap may already be settled (by an alarm): the gap's schedule is computed from
 * the engagement when activity stopped, and only its unsettled steps are answered.
 */
function pendingDecay(model: ScoringModel, state: ScoringState, now: number): DecayLoss[] {
  const last = state.lastActivityAt;
  if (last === null) return [];
  const settled = state.decay.filter((loss) => loss.at > last);
  const engagementAtStop = sumOf(settledLines(model, state), "engagement") - settled.reduce((sum, loss) => sum + loss.points, 0);
  return decayLosses(last, now, model.decay, engagementAtStop).slice(settled.length);
}

/** Writes the losses due by `now` into the state (idempotent: a second call adds nothing) and answers them. */
export function settleDecay(model: ScoringModel, state: ScoringState, now: number): DecayLoss[] {
  const due = pendingDecay(model, state, now);
  state.decay.push(...due);
  return due;
}

/** When the next inactivity loss falls due, or null when none will (no activity, or no engagement left). */
export function nextDecayAt(model: ScoringModel, state: ScoringState, now: number): number | null {
  if (state.lastActivityAt === null || model.decay.points === 0) return null;
  const far = now + (model.decay.afterDays + model.decay.everyDays) * DAY_MS;
  return pendingDecay(model, state, far).find((loss) => loss.at > now)?.at ?? null;
}

/** Sales sent the profile back to nurture: engagement restarts from 0 with fresh limits; fit stays. */
export function recycle(model: ScoringModel, state: ScoringState): void {
  for (const rule of model.rules) {
    if (rule.dimension !== "engagement") continue;
    delete state.rules[rule.id];
    delete state.identified[rule.id];
  }
  state.decay = [];
}

/** Whether a score reaches the model's thresholds, or its country's overrides (ISO alpha-2). */
export function qualifies(model: ScoringModel, score: Score, country?: string): boolean {
  const override = country === undefined ? undefined : own(model.countries, country.toUpperCase());
  const { total, fit, engagement } = { ...model.thresholds, ...override };
  return score.total >= total && score.fit >= fit && score.engagement >= engagement;
}

export interface Replayed {
  state: ScoringState;
  /** Points each event earned, in order. */
  points: number[];
  /** Why each event earned nothing, in order (null: it earned points). */
  reasons: (Unscored | null)[];
  scored: Scored;
}

/**
 * Scores events from nothing (or from `from`: what events no longer kept left behind), in the
 * order given (arrival order): deterministic. Each time of `recycledAt` (sales sent the profile
 * back to nurture) recycles the state before the first event received at or after it, so a
 * replay keeps what recycling took away.
 */
export function replay(
  model: ScoringModel, events: readonly ProfileEvent[], now: number, recycledAt: readonly number[] = [], from: ScoringState = emptyState(),
): Replayed {
  const state: ScoringState = structuredClone(from);
  const recycles = [...recycledAt].sort((a, b) => a - b);
  let next = 0;
  const recycleUpTo = (at: number) => {
    for (; next < recycles.length && recycles[next]! <= at; next++) recycle(model, state);
  };
  const earned = events.map((event) => {
    recycleUpTo(event.receivedAt);
    return scoreEvent(model, state, event);
  });
  recycleUpTo(now);
  return { state, points: earned.map((e) => e.points), reasons: earned.map((e) => e.reason ?? null), scored: scoreOf(model, state, now) };
}

/** The lines the state holds: rules with points, then losses of past inactivity gaps. */
function settledLines(model: ScoringModel, state: ScoringState): ExplanationLine[] {
  const lines: ExplanationLine[] = [];
  for (const { id, dimension, points } of model.rules) {
    const identifiedBy = own(state.identified, id);
    const counters = own(state.rules, id);
    if (identifiedBy !== undefined) lines.push({ rule: id, dimension, points, events: [identifiedBy] });
    else if (counters && counters.points !== 0) {
      lines.push({ rule: id, dimension, points: counters.points, events: [...counters.events] });
    }
  }
  return [...lines, ...state.decay.map(decayLine)];
}

function decayLine({ at, points }: { at: number; points: number }): ExplanationLine {
  return { rule: "decay", dimension: "engagement", points, events: [], at };
}

function sumOf(lines: readonly ExplanationLine[], dimension: Dimension): number {
  return lines.reduce((sum, line) => (line.dimension === dimension ? sum + line.points : sum), 0);
}

function isIdentifyRule(rule: Rule): boolean {
  return listens(rule.on, "identify");
}

function countersOf(state: ScoringState, ruleId: string): RuleCounters {
  return own(state.rules, ruleId) ?? (state.rules[ruleId] = newCounters());
}

/** A record's own entry: rule ids and country codes are data, and may be `constructor`. */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
