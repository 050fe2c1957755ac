/**
 * Web Vitals as fixed-bucket histograms: counts per bucket add up across objects
 * and hours, and a percentile is read from the sum, so no sample is ever kept.
 *
 * Buckets are log-spaced, eight per doubling: bucket 0 holds [0, unit), bucket
 * i ≥ 1 holds [unit·2^((i−1)/8), unit·2^(i/8)), each 9% wide. A bucket reads as
 * the geometric middle of its bounds, so a p75 shown is within 4.5% of the true
 * p75 sample (ms metrics also rounded to the millisecond). The unit is 1 ms for
 * LCP, INP, FCP and TTFB and 0.001 for CLS (below it, CLS reads as 0); the last
 * bucket, from 16 minutes (a CLS of 961) up, takes everything larger.
 */
import type { VitalName } from "./types";

export const VITALS: readonly VitalName[] = ["LCP", "INP", "CLS", "FCP", "TTFB"];

const UNIT: Record<VitalName, number> = { LCP: 1, INP: 1, FCP: 1, TTFB: 1, CLS: 0.001 };
const PER_DOUBLING = 8;
const LAST_BUCKET = 160;

/** The bucket of a sample; samples that are not finite or below 0 are not kept (null). */
export function bucketOf(name: VitalName, value: number): number | null {
  if (!Number.isFinite(value) || value < 0) return null;
  const x = value / UNIT[name];
  return x < 1 ? 0 : Math.min(LAST_BUCKET, Math.floor(Math.log2(x) * PER_DOUBLING) + 1);
}

/** What a bucket reads as: the geometric middle of its bounds. */
export function bucketValue(name: VitalName, bucket: number): number {
  if (bucket === 0) return 0;
  const value = UNIT[name] * 2 ** ((bucket - 0.5) / PER_DOUBLING);
  return name === "CLS" ? Math.round(value * 10_000) / 10_000 : Math.round(value);
}

/** Samples per bucket. */
export type Histogram = Map<number, number>;

export function addTo(histogram: Histogram, bucket: number, count: number): void {
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + count);
}

/**
 * The samples behind a figure: each is one page view's report of its metric, and the script
 * reports on a sample of page views (docs/sdk.md#web-vitals-sampled), so this is how many page
 * views the figure rests on (shown as "sampled: N page views").
 */
export function samplesOf(histogram: Histogram): number {
  let n = 0;
  for (const count of histogram.values()) n += count;
  return n;
}

/** The 75th percentile by nearest rank (the ⌈0.75·n⌉-th smallest sample), as its bucket reads; null when empty. */
export function p75(name: VitalName, histogram: Histogram): number | null {
  const rank = Math.ceil(0.75 * samplesOf(histogram));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    if (seen >= rank) return bucketValue(name, bucket);
  }
  return null;
}
