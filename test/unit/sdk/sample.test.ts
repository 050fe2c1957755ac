/** Web Vitals sampling (docs/sdk.md#web-vitals-sampled): which share of page loads loads web-vitals. */
import { describe, expect, it } from "vitest";
import { sampled, vitalsRate } from "../../../sdk/src/lazy/sample";

/** How many of `n` page loads `data-vitals` = `v` samples, each with its own draw of Math.random. */
const count = (v: unknown, n: number) => {
  let k = 0;
  for (let i = 0; i < n; i++) if (sampled(v)) k++;
  return k;
};

describe("Web Vitals sampling", () => {
  it("samples no page load at 0, every one at 1", () => {
    expect(count("0", 20_000)).toBe(0);
    expect(count(0, 20_000)).toBe(0);
    expect(count("1", 20_000)).toBe(20_000);
    expect(count(1, 20_000)).toBe(20_000);
  });

  it("samples about the share asked for, and 0.1 by default", () => {
    // 20,000 draws at p = 0.1: sd ≈ 42, so ±250 is six of them.
    for (const v of [undefined, "0.1", 0.1]) expect(Math.abs(count(v, 20_000) - 2_000)).toBeLessThan(250);
    // At 0.5: sd ≈ 71.
    expect(Math.abs(count("0.5", 20_000) - 10_000)).toBeLessThan(450);
    expect(Math.abs(count(".25", 20_000) - 5_000)).toBeLessThan(400);
  });

  it("reads a rate from 0 to 1, as a number or its whole text", () => {
    expect(vitalsRate("0")).toBe(0);
    expect(vitalsRate("1")).toBe(1);
    expect(vitalsRate("0.05")).toBe(0.05);
    expect(vitalsRate(" 0.5 ")).toBe(0.5);
    expect(vitalsRate("1e-2")).toBe(0.01);
    expect(vitalsRate(0.3)).toBe(0.3);
  });

  it("takes the default, 0.1, for anything else", () => {
    for (const bad of [undefined, null, "", " ", "abc", "0.5x", "50%", "-0.1", "-1", "1.5", "2", "Infinity", "NaN", "0x1", "true", true, {}, [], -0.5, 7, NaN]) {
      expect(vitalsRate(bad), String(bad)).toBe(0.1);
    }
  });
});
