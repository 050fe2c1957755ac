/**
 * Rule insights: for each rule of a site's model, how the MQLs that hit it fared
 * with sales against the MQLs that did not, and points suggested from a logistic
 * regression of reaching SQL on every rule's hits at once (docs/insights.md).
 * Pure, and it never changes a rule: it proposes a complete model for a draft.
 *
 * The suggestion, in brief: the regression weighs each rule with the others held
 * fixed (a rule that rides along with a strong one is not credited with its
 * effect). Points are then spread in proportion to the coefficients within each
 * dimension, so that a dimension's total over the rules with enough evidence stays
 * what it was and its threshold keeps its meaning. A rule keeps its sign: one the
 * regression weighs against it gets the fewest points that keep the sign (±1);
 * points are whole. A rule with too few MQLs on either side keeps its points.
 */
import type { Dimension, Rule, ScoringModel } from "../../../shared/rules";
import { fitLogistic } from "./logistic";
import type { MqlOutcome } from "./outcome";
import { newcombe, type Difference } from "./proportions";

/** Fewer MQLs than this with a rule, or without it, and its rates say too little to act on. */
export const MIN_GROUP = 10;
/** The most points a rule may give (shared/rules/schema.ts). */
const MAX_POINTS = 1000;

export interface Outcomes {
  mqls: number;
  /** Reached `sql` or later. */
  sqls: number;
  customers: number;
}

/** MQLs on one side of a rule, and their rates (null for none). */
export interface Group extends Outcomes {
  sqlRate: number | null;
  customerRate: number | null;
}

export interface RuleInsight {
  rule: string;
  dimension: Dimension;
  points: number;
  /** MQLs the rule gave points to. */
  hit: Group;
  /** MQLs it gave none. */
  miss: Group;
  /** hit − miss rate, with its 95% interval (Newcombe); null while a side has no MQLs. */
  sqlDifference: Difference | null;
  customerDifference: Difference | null;
  /** Both sides hold at least MIN_GROUP MQLs. */
  enough: boolean;
  /**
   * What hitting the rule adds to the log-odds of reaching SQL, the other rules
   * held fixed; null when it cannot be told (every MQL, or none, hit the rule, or
   * every MQL had the same outcome).
   */
  coefficient: number | null;
}

export interface Suggestion {
  rule: string;
  points: number;
  suggested: number;
  reason: string;
}

export interface RuleInsights extends Outcomes {
  rules: RuleInsight[];
  /** The rules whose points would change, in model order. */
  suggested: Suggestion[];
  /** The model with the suggested points (and caps scaled alike): ready for a draft. */
  suggestedRules: ScoringModel;
}

/** Whether an outcome tells if `rule` was hit: recycling wiped a lead's engagement rules. */
const knows = (outcome: MqlOutcome, rule: Rule) => !(outcome.recycled && rule.dimension === "engagement");

export function ruleInsights(model: ScoringModel, outcomes: readonly MqlOutcome[]): RuleInsights {
  const hits = outcomes.map((outcome) => new Set(outcome.hits));
  const coefficients = regression(model.rules, outcomes, hits);
  const rules = model.rules.map((rule, r): RuleInsight => {
    const hit = { mqls: 0, sqls: 0, customers: 0 };
    const miss = { mqls: 0, sqls: 0, customers: 0 };
    outcomes.forEach((outcome, i) => {
      if (knows(outcome, rule)) count(hits[i]!.has(rule.id) ? hit : miss, outcome);
    });
    const both = hit.mqls > 0 && miss.mqls > 0;
    return {
      rule: rule.id,
      dimension: rule.dimension,
      points: rule.points,
      hit: withRates(hit),
      miss: withRates(miss),
      sqlDifference: both ? newcombe(hit.sqls, hit.mqls, miss.sqls, miss.mqls) : null,
      customerDifference: both ? newcombe(hit.customers, hit.mqls, miss.customers, miss.mqls) : null,
      enough: hit.mqls >= MIN_GROUP && miss.mqls >= MIN_GROUP,
      coefficient: coefficients[r] ?? null,
    };
  });
  const suggested = suggest(rules);
  const changed = new Map(suggested.map((s) => [s.rule, s.suggested]));
  const total = { mqls: 0, sqls: 0, customers: 0 };
  for (const outcome of outcomes) count(total, outcome);
  return {
    ...total,
    rules,
    suggested,
    suggestedRules: { ...model, rules: model.rules.map((rule) => (changed.has(rule.id) ? withPoints(rule, changed.get(rule.id)!) : rule)) },
  };
}

function count(into: Outcomes, outcome: MqlOutcome): void {
  into.mqls += 1;
  if (outcome.sql) into.sqls += 1;
  if (outcome.customer) into.customers += 1;
}

const withRates = (o: Outcomes): Group => ({
  ...o,
  sqlRate: o.mqls ? o.sqls / o.mqls : null,
  customerRate: o.mqls ? o.customers / o.mqls : null,
});

/**
 * Each rule's coefficient (null where there is none) from the MQLs whose every
 * hit is known (recycled leads are left out when the model has engagement rules),
 * on the rules some of them hit and some did not: a rule all or none hit cannot
 * be told from the intercept.
 */
function regression(rules: readonly Rule[], outcomes: readonly MqlOutcome[], hits: readonly Set<string>[]): (number | null)[] {
  const coefficients: (number | null)[] = rules.map(() => null);
  const rows = outcomes.flatMap((outcome, i) => (rules.every((rule) => knows(outcome, rule)) ? [{ outcome, hits: hits[i]! }] : []));
  const sqls = rows.filter((row) => row.outcome.sql).length;
  if (sqls === 0 || sqls === rows.length) return coefficients;
  const features = rules.flatMap((rule, r) => {
    const hitBy = rows.filter((row) => row.hits.has(rule.id)).length;
    return hitBy > 0 && hitBy < rows.length ? [r] : [];
  });
  const fit = fitLogistic(
    rows.map((row) => features.flatMap((r, f) => (row.hits.has(rules[r]!.id) ? [f] : []))),
    rows.map((row) => row.outcome.sql),
    features.length,
  );
  features.forEach((r, f) => (coefficients[r] = fit.coefficients[f]!));
  return coefficients;
}

/** The rules whose points the regression would change (see the head of this file). */
function suggest(rules: readonly RuleInsight[]): Suggestion[] {
  const suggested = new Map<string, Suggestion>();
  for (const dimension of ["fit", "engagement"] as const) {
    const fitted = rules.filter((r) => r.dimension === dimension && r.enough && r.coefficient !== null);
    const agrees = (r: RuleInsight) => Math.sign(r.coefficient!) === Math.sign(r.points);
    const along = fitted.filter(agrees);
    const against = fitted.filter((r) => !agrees(r));
    // The dimension's points over these rules stay the same: ±1 to each rule against its sign, the rest spread by coefficient.
    const budget = fitted.reduce((sum, r) => sum + Math.abs(r.points), 0) - against.length;
    const weight = along.reduce((sum, r) => sum + Math.abs(r.coefficient!), 0);
    const perLogOdds = weight > 0 ? Math.max(0, budget) / weight : 0;
    for (const r of fitted) {
      const magnitude = agrees(r) ? Math.min(MAX_POINTS, Math.max(1, Math.round(perLogOdds * Math.abs(r.coefficient!)))) : 1;
      const points = Math.sign(r.points) * magnitude;
      if (points === r.points) continue;
      const weighed = `${sqlRates(r)}; with the other rules held fixed it adds ${logOdds(r.coefficient!)} to the log-odds of SQL`;
      const reason = agrees(r) ? weighed : `${weighed}, against its sign: the fewest points that keep the sign`;
      suggested.set(r.rule, { rule: r.rule, points: r.points, suggested: points, reason });
    }
  }
  return rules.flatMap((r) => suggested.get(r.rule) ?? []);
}

const share = (rate: number | null) => `${Math.round((rate ?? 0) * 100)}%`;
const sqlRates = (r: RuleInsight) =>
  `reached SQL: ${share(r.hit.sqlRate)} of ${r.hit.mqls} MQLs with it, ${share(r.miss.sqlRate)} of ${r.miss.mqls} without`;
const logOdds = (c: number) => (c >= 0 ? `+${c.toFixed(2)}` : c.toFixed(2));

/** A rule with new points; its cap scales alike, so it still gives as many awards before it binds. */
function withPoints(rule: Rule, points: number): Rule {
  if (rule.cap === undefined) return { ...rule, points };
  return { ...rule, points, cap: Math.max(1, Math.round(rule.cap * Math.abs(points / rule.points))) };
}
