/**
 * Sums Activity objects' slices into the period's figures: counts and points add
 * up, distinct profiles are a union of fingerprints (a profile active on many days
 * counts once), vitals histograms merge bucket by bucket before a p75 is read.
 */
import type { ActivitySlice, Metrics, VitalFigures, VitalName } from "./types";
import { addTo, p75, samplesOf, VITALS, type Histogram } from "./vitals";

/** Pages listed per metric, most samples first. */
const PAGES_SHOWN = 50;

type VitalSums = { mql: Histogram; other: Histogram; pages: Map<string, Histogram> };

export class ActivityTotals {
  visitors = 0;
  private readonly rules = new Map<string, { points: number; profiles: Set<number> }>();
  private readonly vitals = new Map<VitalName, VitalSums>(
    VITALS.map((name) => [name, { mql: new Map(), other: new Map(), pages: new Map() }]),
  );

  add(slice: ActivitySlice): void {
    this.visitors += slice.visitors;
    for (const { rule, fp, points } of slice.rules) {
      const sum = this.rules.get(rule) ?? { points: 0, profiles: new Set<number>() };
      sum.points += points;
      sum.profiles.add(fp);
      this.rules.set(rule, sum);
    }
    for (const { metric, page, mql, bucket, count } of slice.vitals) {
      const sums = this.vitals.get(metric);
      if (!sums) continue; // a metric this version does not show
      addTo(mql ? sums.mql : sums.other, bucket, count);
      const histogram = sums.pages.get(page) ?? new Map<number, number>();
      addTo(histogram, bucket, count);
      sums.pages.set(page, histogram);
    }
  }

  /** Points per rule, most points first. */
  byRule(): Metrics["byRule"] {
    return [...this.rules]
      .map(([rule, { points, profiles }]) => ({ rule, points, profiles: profiles.size }))
      .sort((a, b) => b.points - a.points || a.rule.localeCompare(b.rule));
  }

  vitalFigures(): Metrics["vitals"] {
    return Object.fromEntries(VITALS.map((name) => [name, this.figuresOf(name)])) as Metrics["vitals"];
  }

  private figuresOf(name: VitalName): VitalFigures {
    const { mql, other, pages } = this.vitals.get(name)!;
    const all = new Map(mql);
    for (const [bucket, count] of other) addTo(all, bucket, count);
    return {
      p75: p75(name, all),
      p75Mql: p75(name, mql),
      p75Other: p75(name, other),
      samples: samplesOf(all),
      pages: [...pages]
        .map(([page, histogram]) => ({ page, p75: p75(name, histogram), samples: samplesOf(histogram) }))
        .sort((a, b) => b.samples - a.samples || a.page.localeCompare(b.page))
        .slice(0, PAGES_SHOWN),
    };
  }
}
