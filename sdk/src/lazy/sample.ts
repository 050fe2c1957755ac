/**
 * Web Vitals sampling (docs/sdk.md#web-vitals-sampled): the share of page loads that load
 * `web-vitals` and send their vitals. Decided by the lazy chunk (extras.ts) before it loads
 * web-vitals' own chunk, not by the core: its 50 bytes gzipped would not fit the core's budget. Pure: no DOM.
 */

/**
 * The share asked for by `data-vitals` (or `init({ vitals })`): a number from 0 to 1, as a
 * number or its text; anything else (none, empty, out of range, not wholly a number) is the
 * default, 0.1.
 */
export const vitalsRate = (v: any): number => {
  const r = parseFloat(v);
  // `r == v`: the whole text is the number ("0.5x" parses as 0.5, but is no number).
  return r == v && r >= 0 && r <= 1 ? r : 0.1;
};

/** Whether this page load is in the sample: a draw in [0, 1) below the rate (so 0: never, 1: always). */
export const sampled = (v: unknown): boolean => Math.random() < vitalsRate(v);
