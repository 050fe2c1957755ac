import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { STAGES, validateModel, type ScoringModel, type Stage } from "../../../shared/rules";
import { outcomeOf } from "../../../worker/src/insights/outcome";
import { newcombe } from "../../../worker/src/insights/proportions";
import { MIN_GROUP, ruleInsights, type RuleInsights } from "../../../worker/src/insights/rules";

function model(rules: object[]): ScoringModel {
  const checked = validateModel({ thresholds: { total: 30, fit: 10, engagement: 10 }, rules });
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return checked.value;
}

const engagement = (id: string, points = 10, extra: object = {}) => ({ id, on: "track", match: { name: id }, points, per: "ever", ...extra });
const fit = (id: string, points = 10) => ({ id, on: "identify", dimension: "fit", match: { "traits.title": { regex: id } }, points });

/** `n` MQLs whose export records give points from `hits`, now at `stage`. */
const mqls = (n: number, hits: string[], stage: Stage) =>
  Array.from({ length: n }, () => outcomeOf({ reasons: hits.map((rule) => ({ rule, points: 5 })), stage }));

const insightOf = (insights: RuleInsights, rule: string) => insights.rules.find((r) => r.rule === rule)!;

describe("sales outcome of an MQL, by its record's stage", () => {
  it("sql, opportunity and customer reached SQL; only customer is a customer; lead is recycled", () => {
    const of = (stage: Stage) => {
      const { sql, customer, recycled } = outcomeOf({ reasons: [], stage });
      return { sql, customer, recycled };
    };
    expect(Object.fromEntries(STAGES.map((stage) => [stage, of(stage)]))).toEqual({
      visitor: { sql: false, customer: false, recycled: false },
      lead: { sql: false, customer: false, recycled: true },
      mql: { sql: false, customer: false, recycled: false },
      sql: { sql: true, customer: false, recycled: false },
      opportunity: { sql: true, customer: false, recycled: false },
      customer: { sql: true, customer: true, recycled: false },
      disqualified: { sql: false, customer: false, recycled: false },
    });
  });

  it("counts a rule as hit when its points sum to other than 0", () => {
    const reasons = [{ rule: "a", points: 5 }, { rule: "b", points: 0 }, { rule: "c", points: -20 }];
    expect(outcomeOf({ reasons, stage: "mql" }).hits).toEqual(["a", "c"]);
  });
});

describe("rule insights", () => {
  it("answers a rule's counts and rates on each side, with Newcombe's interval of the difference", () => {
    // 40 MQLs: 20 hit pricing-visit, 12 of them reached SQL (3 as customers); 20 did not, 4 reached SQL (1 customer).
    const outcomes = [
      ...mqls(6, ["pricing-visit"], "sql"), ...mqls(3, ["pricing-visit"], "opportunity"), ...mqls(3, ["pricing-visit"], "customer"),
      ...mqls(4, ["pricing-visit"], "mql"), ...mqls(4, ["pricing-visit"], "disqualified"),
      ...mqls(3, [], "sql"), ...mqls(1, [], "customer"), ...mqls(10, [], "mql"), ...mqls(6, [], "disqualified"),
    ];
    const insights = ruleInsights(model([engagement("pricing-visit", 15)]), outcomes);
    expect(insights).toMatchObject({ mqls: 40, sqls: 16, customers: 4 });
    const rule = insightOf(insights, "pricing-visit");
    expect(rule).toMatchObject({
      dimension: "engagement", points: 15, enough: true,
      hit: { mqls: 20, sqls: 12, customers: 3, sqlRate: 0.6, customerRate: 0.15 },
      miss: { mqls: 20, sqls: 4, customers: 1, sqlRate: 0.2, customerRate: 0.05 },
    });
    expect(rule.sqlDifference!.estimate).toBeCloseTo(0.4, 12);
    expect(rule.sqlDifference).toEqual(newcombe(12, 20, 4, 20));
    expect(rule.sqlDifference!.low).toBeGreaterThan(0); // 0.6 against 0.2 on 20 each: not chance
    expect(rule.customerDifference).toEqual(newcombe(3, 20, 1, 20));
    expect(rule.customerDifference!.low).toBeLessThan(0); // 3 against 1: could be
    expect(rule.coefficient).toBeGreaterThan(0);
    // The only engagement rule: nothing to weigh it against, so its points stay.
    expect(insights.suggested).toEqual([]);
    expect(insights.suggestedRules).toEqual(model([engagement("pricing-visit", 15)]));
  });

  it("moves points towards the rule whose MQLs reach SQL, keeping the dimension's total", () => {
    const rules = model([engagement("demo", 10, { cap: 20 }), engagement("pricing", 10), engagement("unsubscribed", -20), fit("vp")]);
    const outcomes = [
      ...mqls(9, ["demo"], "sql"), ...mqls(3, ["demo"], "disqualified"),
      ...mqls(2, ["pricing"], "customer"), ...mqls(10, ["pricing"], "mql"),
      ...mqls(3, ["demo", "pricing"], "opportunity"), ...mqls(3, ["vp"], "lead"),
      ...mqls(1, ["demo", "unsubscribed"], "sql"), ...mqls(2, ["demo", "unsubscribed"], "mql"),
    ];
    const insights = ruleInsights(rules, outcomes);
    // The 3 recycled leads tell nothing of engagement rules: demo's SQLs are 9 + 3 + 1 of 12 + 3 + 3, against 2 of 12.
    expect(insights).toMatchObject({ mqls: 33, sqls: 15, customers: 2 });
    expect(insightOf(insights, "demo")).toMatchObject({ hit: { mqls: 18, sqls: 13 }, miss: { mqls: 12, sqls: 2 }, enough: true });
    expect(insightOf(insights, "pricing")).toMatchObject({ hit: { mqls: 15, sqls: 5 }, miss: { mqls: 15, sqls: 10 }, enough: true });
    expect(insightOf(insights, "unsubscribed")).toMatchObject({ hit: { mqls: 3 }, enough: false });
    expect(insightOf(insights, "demo").coefficient).toBeGreaterThan(0);
    expect(insightOf(insights, "pricing").coefficient).toBeLessThan(0);
    // pricing is weighed against its sign: +1; demo gets the rest of the 20 points the two gave, and its cap scales alike.
    expect(insights.suggested).toEqual([
      { rule: "demo", points: 10, suggested: 19, reason: expect.stringMatching(/^reached SQL: 72% of 18 MQLs with it, 17% of 12 without; with the other rules held fixed it adds \+\d\.\d\d to the log-odds of SQL$/) },
      { rule: "pricing", points: 10, suggested: 1, reason: expect.stringContaining("against its sign") },
    ]);
    expect(insights.suggestedRules).toEqual(model([engagement("demo", 19, { cap: 38 }), engagement("pricing", 1), engagement("unsubscribed", -20), fit("vp")]));
  });

  it("spreads a dimension's points in proportion to the coefficients", () => {
    const outcomes = [
      ...mqls(12, ["webinar"], "sql"), ...mqls(3, ["webinar"], "mql"),
      ...mqls(6, ["download"], "sql"), ...mqls(9, ["download"], "mql"),
      ...mqls(2, [], "sql"), ...mqls(13, [], "mql"),
    ];
    const insights = ruleInsights(model([engagement("webinar"), engagement("download")]), outcomes);
    const [webinar, download] = insights.rules.map((r) => r.coefficient!) as [number, number];
    expect(webinar).toBeGreaterThan(download);
    expect(download).toBeGreaterThan(0);
    expect(insights.suggested.map((s) => [s.rule, s.suggested])).toEqual([
      ["webinar", Math.round((20 * webinar) / (webinar + download))],
      ["download", Math.round((20 * download) / (webinar + download))],
    ]);
    expect(insights.suggested[0]!.suggested).toBeGreaterThan(10);
  });

  it("leaves a rule with too few MQLs on a side as it is", () => {
    const few = MIN_GROUP - 1;
    const outcomes = [
      ...mqls(few, ["a"], "sql"), ...mqls(20, ["b"], "mql"), ...mqls(10, ["b"], "sql"), ...mqls(20, [], "mql"),
    ];
    const insights = ruleInsights(model([engagement("a"), engagement("b", 5)]), outcomes);
    expect(insightOf(insights, "a")).toMatchObject({ hit: { mqls: few, sqlRate: 1 }, enough: false });
    // Its interval is still shown, and wide.
    expect(insightOf(insights, "a").sqlDifference!.low).toBeLessThan(0.75);
    expect(insights.suggested.map((s) => s.rule)).not.toContain("a");
  });

  it("counts only the current model's rules: decay, floor and dropped rules are no rules", () => {
    const reasons = [{ rule: "demo", points: 25 }, { rule: "decay", points: -10 }, { rule: "floor", points: 5 }, { rule: "old", points: 5 }];
    const insights = ruleInsights(model([engagement("demo"), engagement("new")]), [outcomeOf({ reasons, stage: "sql" })]);
    expect(insights.rules.map((r) => [r.rule, r.hit.mqls, r.miss.mqls])).toEqual([["demo", 1, 0], ["new", 0, 1]]);
  });

  it("leaves recycled leads out of engagement rules, whose points recycling cleared, but not out of fit rules", () => {
    const outcomes = [...mqls(4, ["vp", "demo"], "sql"), ...mqls(4, ["demo"], "mql"), ...mqls(2, ["vp"], "lead")];
    const insights = ruleInsights(model([fit("vp"), engagement("demo")]), outcomes);
    expect(insights).toMatchObject({ mqls: 10, sqls: 4, customers: 0 });
    expect(insightOf(insights, "vp")).toMatchObject({ hit: { mqls: 6, sqls: 4 }, miss: { mqls: 4, sqls: 0 } });
    expect(insightOf(insights, "demo")).toMatchObject({ hit: { mqls: 8, sqls: 4 }, miss: { mqls: 0, sqlRate: null } });
  });

  describe("on degenerate input", () => {
    const rules = model([engagement("demo"), engagement("pricing", 15, { cap: 30 }), fit("vp")]);

    it("no MQLs: empty groups, no rates, no suggestion", () => {
      const insights = ruleInsights(rules, []);
      expect(insights).toMatchObject({ mqls: 0, sqls: 0, customers: 0, suggested: [], suggestedRules: rules });
      const empty = { mqls: 0, sqls: 0, customers: 0, sqlRate: null, customerRate: null };
      for (const r of insights.rules) {
        expect(r).toMatchObject({ hit: empty, miss: empty, sqlDifference: null, customerDifference: null, enough: false, coefficient: null });
      }
    });

    it("outcomes a rule separates: finite, and the interval reaches 1", () => {
      const insights = ruleInsights(model([engagement("demo")]), [...mqls(12, ["demo"], "sql"), ...mqls(12, [], "disqualified")]);
      const demo = insightOf(insights, "demo");
      expect(Number.isFinite(demo.coefficient)).toBe(true);
      expect(demo.sqlDifference).toMatchObject({ estimate: 1, high: 1 });
      expect(demo.sqlDifference!.low).toBeGreaterThan(0.5);
    });

    it("every MQL with the same outcome, or a rule nobody hit: no coefficient, nothing suggested", () => {
      for (const stage of ["mql", "customer"] as const) {
        const insights = ruleInsights(rules, [...mqls(15, ["demo", "vp"], stage), ...mqls(15, ["vp"], stage)]);
        expect(insights.rules.map((r) => r.coefficient)).toEqual([null, null, null]);
        expect(insights.suggested).toEqual([]);
        expect(insightOf(insights, "pricing")).toMatchObject({ hit: { mqls: 0 }, miss: { mqls: 30 }, sqlDifference: null });
      }
    });

    it("is deterministic", () => {
      const outcomes = [...mqls(11, ["demo", "vp"], "sql"), ...mqls(13, ["pricing"], "mql"), ...mqls(12, ["demo", "pricing"], "customer"), ...mqls(10, [], "lead")];
      expect(JSON.stringify(ruleInsights(rules, outcomes))).toBe(JSON.stringify(ruleInsights(rules, outcomes)));
    });
  });

  it("whatever the outcomes: no NaN, intervals hold their estimates, and the suggestion is a valid model keeping each sign", () => {
    const rules = model([engagement("demo", 25), engagement("pricing", 15, { cap: 30 }), engagement("unsubscribed", -20), fit("vp"), fit("size", 7.5)]);
    const outcome = fc.record({ hits: fc.subarray(["demo", "pricing", "unsubscribed", "vp", "size", "decay"]), stage: fc.constantFrom(...STAGES) });
    const groups = fc.array(fc.tuple(fc.integer({ min: 1, max: 25 }), outcome), { maxLength: 12 });
    fc.assert(fc.property(groups, (spec) => {
      const insights = ruleInsights(rules, spec.flatMap(([n, o]) => mqls(n, o.hits, o.stage)));
      const numbers: number[] = [];
      JSON.stringify(insights, (_, value) => (typeof value === "number" && numbers.push(value), value));
      expect(numbers.every(Number.isFinite)).toBe(true);
      for (const r of insights.rules) {
        for (const d of [r.sqlDifference, r.customerDifference]) {
          if (d) expect(-1 <= d.low && d.low <= d.estimate && d.estimate <= d.high && d.high <= 1).toBe(true);
        }
      }
      const checked = validateModel(insights.suggestedRules);
      expect(checked.ok && checked.value).toEqual(insights.suggestedRules);
      for (const s of insights.suggested) {
        expect(Number.isInteger(s.suggested) && Math.sign(s.suggested) === Math.sign(s.points) && s.suggested !== s.points).toBe(true);
      }
    }), { numRuns: 300 });
  });
});
