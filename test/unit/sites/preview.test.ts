import { describe, expect, it } from "vitest";
import type { LeadPreview } from "../../../worker/src/domain/profile";
import { distribution, summarise } from "../../../worker/src/sites/preview";
import type { Stage } from "../../../shared/rules";

/** A lead's preview with only totals (fit 0), and no explanation. */
function lead(profile: string, from: [Stage, number], to: [Stage, number]): LeadPreview {
  const side = ([stage, total]: [Stage, number]) => ({ stage, score: { fit: 0, engagement: total, total }, explanation: [] });
  return { profile, before: side(from), after: side(to) };
}

describe("distribution", () => {
  it("counts scores in buckets of 10 up to 100, the last holding everything above", () => {
    const { buckets, median } = distribution([0, 9.5, 10, 55, 100, 240]);
    expect(buckets).toHaveLength(11);
    expect(buckets[0]).toEqual({ from: 0, to: 10, count: 2 });
    expect(buckets[1]).toEqual({ from: 10, to: 20, count: 1 });
    expect(buckets[5]).toEqual({ from: 50, to: 60, count: 1 });
    expect(buckets[10]).toEqual({ from: 100, to: null, count: 2 });
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(6);
    expect(median).toBe(32.5);
  });

  it("answers the middle value of an odd count, and null for none", () => {
    expect(distribution([40, 10, 30]).median).toBe(30);
    expect(distribution([])).toMatchObject({ median: null, buckets: expect.arrayContaining([{ from: 0, to: 10, count: 0 }]) });
  });
});

describe("summarise", () => {
  const previews = [
    lead("a", ["mql", 60], ["mql", 75]),
    lead("b", ["lead", 35], ["mql", 50]),
    lead("c", ["lead", 10], ["lead", 10]),
    lead("d", ["lead", 35], ["mql", 50]),
    lead("e", ["visitor", 0], ["lead", 0]),
  ];

  it("counts moves between stages, largest first, and leaves out leads that stay", () => {
    expect(summarise(previews, 10).moves).toEqual([
      { from: "lead", to: "mql", count: 2 },
      { from: "visitor", to: "lead", count: 1 },
    ]);
  });

  it("gives distributions before and after for each dimension", () => {
    const { scores, profiles } = summarise(previews, 10);
    expect(profiles).toBe(5);
    expect(scores.before.total.median).toBe(35);
    expect(scores.after.total.median).toBe(50);
    expect(scores.after.fit.median).toBe(0);
    expect(scores.after.engagement).toEqual(scores.after.total);
  });

  it("samples the leads that move first, then the others, in the order given", () => {
    expect(summarise(previews, 10).samples.map((p) => p.profile)).toEqual(["b", "d", "e", "a", "c"]);
    expect(summarise(previews, 2).samples.map((p) => p.profile)).toEqual(["b", "d"]);
    expect(summarise(previews, 0).samples).toEqual([]);
  });
});
