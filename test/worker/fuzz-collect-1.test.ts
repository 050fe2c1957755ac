/** Fuzzing collect, part 1 (test/worker/fuzz/harness.ts says what is checked, and why in parts). */
import { describe, expect, it } from "vitest";
import { RUNS, SEED, TIMEOUT, TOTAL_RUNS, COLLECT_PARTS, collectShare, fuzzCollect, inputsRan } from "./fuzz/harness";

describe(`fuzzing collect, part 1 of ${COLLECT_PARTS} (seed ${SEED}, ${TOTAL_RUNS} inputs in all)`, () => {
  it("collect: valid and broken envelopes from browsers, bots and strangers", () => fuzzCollect(0), TIMEOUT);

  it("the fuzzing files together run at least 10,000 inputs (at scale 1)", () => {
    expect(Object.values(RUNS).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10_000);
  });

  it("ran its share of the inputs", () => {
    expect(inputsRan()).toBe(collectShare());
  });
});
