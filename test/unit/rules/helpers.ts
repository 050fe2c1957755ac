import { DEFAULT_MODEL, validateModel } from "../../../shared/rules";
import type { EventType, ExplanationLine, ProfileEvent, Scored, ScoringModel } from "../../../shared/rules";

export const DAY = 86_400_000;
/** 2026-11-20 10:00 UTC. */
export const T0 = Date.UTC(2026, 10, 20, 10);

let counter = 0;

/** A scored event at T0 with a fresh id, overridden by `fields`. */
export function event(type: EventType, fields: Partial<ProfileEvent> = {}): ProfileEvent {
  counter += 1;
  return { id: `e${counter}`, type, receivedAt: T0, ts: T0, scored: true, ...fields };
}

export const pageview = (url: string, fields: Partial<ProfileEvent> = {}) => event("pageview", { url, ...fields });
export const track = (name: string, fields: Partial<ProfileEvent> = {}) => event("track", { name, ...fields });
export const identify = (traits: Record<string, string>, fields: Partial<ProfileEvent> = {}) =>
  event("identify", { traits, ...fields });
export const download = (href: string, fields: Partial<ProfileEvent> = {}) =>
  event("download", { url: "https://acme.com/resources", props: { href }, ...fields });

/** A checked model, or a test failure naming its issues. */
export function model(input: unknown): ScoringModel {
  const checked = validateModel(input);
  if (!checked.ok) throw new Error(`invalid model: ${JSON.stringify(checked.issues)}`);
  return checked.value;
}

export const defaults = model(DEFAULT_MODEL);

/** A model of the given rules, with zero thresholds and the default decay. */
export function rules(...list: unknown[]): ScoringModel {
  return model({ thresholds: { total: 0, fit: 0, engagement: 0 }, rules: list });
}

export function lineOf(scored: Scored, rule: string): ExplanationLine | undefined {
  return scored.explanation.find((line) => line.rule === rule);
}

/** The sum of a dimension's lines, added in order. */
export function linesSum(scored: Scored, dimension: "fit" | "engagement"): number {
  return scored.explanation.reduce((sum, line) => (line.dimension === dimension ? sum + line.points : sum), 0);
}
