/**
 * Core Web Vitals (docs/sdk.md#what-it-captures) from `web-vitals`, in a chunk of their own
 * (es-vitals.js, or a split chunk of the ES module) that the core loads only on the page loads
 * in the sample (docs/sdk.md#web-vitals-sampled): LCP, INP, CLS, FCP, TTFB, each sent once
 * per page load as `props: { name, value, rating }` (web-vitals reports some again after a
 * later hide or a back/forward-cache restore; those are left out). They are held for the
 * next batch or the page's hide, when LCP, CLS and INP are final: no request of their own.
 */
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from "web-vitals";
import type { Add } from "./types.js";

export const vitals = (add: Add): void => {
  const seen: Record<string, 1> = {};
  const report = ({ name, value, rating }: Metric) => {
    if (!seen[name]) {
      seen[name] = 1;
      add("vitals", { props: { name, value, rating } }, 1);
    }
  };
  for (const on of [onLCP, onINP, onCLS, onFCP, onTTFB]) on(report);
};
