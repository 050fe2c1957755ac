/**
 * What changed between two scoring models (docs/dashboard.md, Scoring rules): the rules
 * added, removed and changed (by id, naming the fields that differ), and every threshold,
 * per-country threshold, decay and account threshold that differs. Used for a draft
 * against the live rules and between any two kept versions.
 */
import { DEFAULT_ACCOUNT_THRESHOLDS, type Rule, type ScoringModel } from "../../../shared/rules";

export interface RuleChange {
  id: string;
  before: Rule;
  after: Rule;
  /** The rule's fields that differ: `points`, `match`, … */
  fields: string[];
}

export interface SettingChange {
  /** As in the model: `thresholds.total`, `countries.DE.fit`, `decay.points`, `accountThresholds.fit`. */
  setting: string;
  /** Null: not set (a country threshold that falls back to the model's). */
  before: number | null;
  after: number | null;
}

export interface ModelDiff {
  added: Rule[];
  removed: Rule[];
  changed: RuleChange[];
  settings: SettingChange[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function diffModels(before: ScoringModel, after: ScoringModel): ModelDiff {
  const was = new Map(before.rules.map((r) => [r.id, r]));
  const is = new Map(after.rules.map((r) => [r.id, r]));
  const changed: RuleChange[] = [];
  for (const rule of after.rules) {
    const old = was.get(rule.id);
    if (!old || same(old, rule)) continue;
    const keys = new Set([...Object.keys(old), ...Object.keys(rule)]) as Set<keyof Rule>;
    changed.push({ id: rule.id, before: old, after: rule, fields: [...keys].filter((k) => !same(old[k], rule[k])) });
  }
  const oldSettings = settingsOf(before);
  const newSettings = settingsOf(after);
  const settings = [...new Set([...oldSettings.keys(), ...newSettings.keys()])]
    .filter((setting) => oldSettings.get(setting) !== newSettings.get(setting))
    .map((setting) => ({ setting, before: oldSettings.get(setting) ?? null, after: newSettings.get(setting) ?? null }));
  return {
    added: after.rules.filter((r) => !was.has(r.id)),
    removed: before.rules.filter((r) => !is.has(r.id)),
    changed,
    settings,
  };
}

export const isEmptyDiff = (diff: ModelDiff) => !diff.added.length && !diff.removed.length && !diff.changed.length && !diff.settings.length;

/** Every number of a model that is not a rule, by its path in the model; account thresholds as applied (docs/rules.md). */
function settingsOf(model: ScoringModel): Map<string, number> {
  const settings = new Map<string, number>();
  const add = (prefix: string, values: Record<string, number | undefined>) => {
    for (const [key, value] of Object.entries(values)) if (value !== undefined) settings.set(`${prefix}.${key}`, value);
  };
  add("thresholds", model.thresholds);
  for (const [country, values] of Object.entries(model.countries)) add(`countries.${country}`, values);
  add("decay", model.decay);
  add("accountThresholds", model.accountThresholds ?? DEFAULT_ACCOUNT_THRESHOLDS);
  return settings;
}
