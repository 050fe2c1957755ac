import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { newcombe, wilson, Z95 } from "../../../worker/src/insights/proportions";

/** Bounds to the four decimals the papers print. */
const rounded = ({ low, high }: { low: number; high: number }) => [Number(low.toFixed(4)), Number(high.toFixed(4))];

describe("Wilson's score interval", () => {
  it("gives the intervals Newcombe (1998, Stat Med 17:857, method 3) prints", () => {
    expect(rounded(wilson(81, 263))).toEqual([0.2553, 0.3662]);
    expect(rounded(wilson(15, 148))).toEqual([0.0624, 0.1605]);
  });

  it("keeps 0 and n inside [0, 1]: 0/n reaches up to z²/(n + z²)", () => {
    expect(wilson(0, 10)).toEqual({ low: 0, high: (Z95 * Z95) / (10 + Z95 * Z95) });
    expect(wilson(10, 10)).toEqual({ low: 10 / (10 + Z95 * Z95), high: 1 });
  });
});

describe("Newcombe's hybrid score interval for a difference", () => {
  it("gives the intervals Newcombe (1998, Stat Med 17:873, method 10) prints", () => {
    expect(newcombe(56, 70, 48, 80).estimate).toBeCloseTo(0.2, 12);
    expect(rounded(newcombe(56, 70, 48, 80))).toEqual([0.0524, 0.3339]);
    expect(rounded(newcombe(9, 10, 3, 10))).toEqual([0.1705, 0.809]);
    // Both groups empty of successes: each side is the other group's Wilson bound.
    expect(rounded(newcombe(0, 10, 0, 20))).toEqual([-0.1611, 0.2775]);
  });

  it("stays within [−1, 1], holds the estimate, and is never NaN", () => {
    const group = fc.integer({ min: 1, max: 500 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
    fc.assert(fc.property(group, group, ([x1, n1], [x2, n2]) => {
      const d = newcombe(x1, n1, x2, n2);
      expect(d.estimate).toBe(x1 / n1 - x2 / n2);
      expect(d.low).toBeGreaterThanOrEqual(-1);
      expect(d.high).toBeLessThanOrEqual(1);
      expect(d.low).toBeLessThanOrEqual(d.estimate);
      expect(d.high).toBeGreaterThanOrEqual(d.estimate);
      for (const [x, n] of [[x1, n1], [x2, n2]] as const) {
        const { low, high } = wilson(x, n);
        expect(0 <= low && low <= x / n && x / n <= high && high <= 1).toBe(true);
      }
    }), { numRuns: 2000 });
  });
});
