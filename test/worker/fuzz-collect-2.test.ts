/** Fuzzing collect, part 2 (test/worker/fuzz/harness.ts says what is checked, and why in parts). */
import { describe, expect, it } from "vitest";
import { SEED, TIMEOUT, TOTAL_RUNS, COLLECT_PARTS, collectShare, fuzzCollect, inputsRan } from "./fuzz/harness";

describe(`fuzzing collect, part 2 of ${COLLECT_PARTS} (seed ${SEED}, ${TOTAL_RUNS} inputs in all)`, () => {
  it("collect: valid and broken envelopes from browsers, bots and strangers", () => fuzzCollect(1), TIMEOUT);

  it("ran its share of the inputs", () => {
    expect(inputsRan()).toBe(collectShare());
  });
});
