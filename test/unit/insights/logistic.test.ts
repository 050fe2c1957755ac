import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitLogistic } from "../../../worker/src/insights/logistic";

/** A small seeded generator (mulberry32), so the synthetic data is the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` rows that have `features`, the first `yes` of them with outcome yes. */
const rows = (n: number, features: number[], yes: number) =>
  Array.from({ length: n }, (_, i) => ({ features, outcome: i < yes }));

const fit = (data: { features: number[]; outcome: boolean }[], features: number, options = {}) =>
  fitLogistic(data.map((d) => d.features), data.map((d) => d.outcome), features, options);

const finite = (f: ReturnType<typeof fitLogistic>) => [f.intercept, ...f.coefficients].every(Number.isFinite);

describe("penalised logistic regression", () => {
  it("finds the log odds ratio of a 2×2 table when the penalty is negligible", () => {
    // With the feature 12 of 20 yes, without it 4 of 20: log(12/8 ÷ 4/16) = log 6; the intercept log(4/16).
    const f = fit([...rows(20, [0], 12), ...rows(20, [], 4)], 1, { penalty: 1e-9, interceptPenalty: 1e-9 });
    expect(f.coefficients[0]).toBeCloseTo(Math.log(6), 6);
    expect(f.intercept).toBeCloseTo(Math.log(4 / 16), 6);
  });

  it("recovers the sign and order of effects from synthetic data", () => {
    const truth = { intercept: -0.5, coefficients: [2, 0.6, -1.2, 0] };
    const next = random(7);
    const data = Array.from({ length: 3000 }, () => {
      const features = truth.coefficients.flatMap((_, f) => (next() < 0.4 ? [f] : []));
      const eta = features.reduce((sum, f) => sum + truth.coefficients[f]!, truth.intercept);
      return { features, outcome: next() < 1 / (1 + Math.exp(-eta)) };
    });
    const f = fit(data, 4);
    const [strong, weak, negative, none] = f.coefficients as [number, number, number, number];
    expect(strong).toBeGreaterThan(weak);
    expect(weak).toBeGreaterThan(none);
    expect(none).toBeGreaterThan(negative);
    expect(negative).toBeLessThan(0);
    f.coefficients.forEach((c, i) => expect(Math.abs(c - truth.coefficients[i]!)).toBeLessThan(0.25));
  });

  it("stays finite where maximum likelihood has no answer", () => {
    // A feature that separates the outcomes: the penalty holds it at a finite, positive value.
    const separated = fit([...rows(15, [0], 15), ...rows(15, [], 0)], 1);
    expect(finite(separated)).toBe(true);
    expect(separated.coefficients[0]).toBeGreaterThan(1);
    // Every outcome the same, either way: the intercept says so, finitely; the feature learns nothing.
    const none = fit([...rows(10, [0], 0), ...rows(10, [], 0)], 1);
    const all = fit([...rows(10, [0], 10), ...rows(10, [], 10)], 1);
    expect(finite(none) && finite(all)).toBe(true);
    expect(none.intercept).toBeLessThan(-5);
    expect(all.intercept).toBeGreaterThan(5);
    expect(Math.abs(none.coefficients[0]!)).toBeLessThan(1e-3);
    // A feature no row has gets exactly 0; no rows at all, all zeros.
    expect(fit([...rows(10, [0], 6), ...rows(10, [], 2)], 2).coefficients[1]).toBe(0);
    expect(fit([], 3)).toMatchObject({ intercept: 0, coefficients: [0, 0, 0] });
  });

  it("is deterministic and never NaN, whatever the rows", () => {
    const data = fc.array(fc.record({ features: fc.subarray([0, 1, 2, 3]), outcome: fc.boolean() }), { maxLength: 60 });
    fc.assert(fc.property(data, (d) => {
      const f = fit(d, 4);
      expect(finite(f)).toBe(true);
      expect(fit(d, 4)).toEqual(f);
    }), { numRuns: 300 });
  });
});
