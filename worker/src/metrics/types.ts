/**
 * What the metrics are made of (two inputs) and what they answer (docs/api.md#metrics
 * `GET /v1/sites/:site/metrics`, with a few more fields).
 */
import type { Stage } from "../../../shared/rules";
import type { StageOrigin } from "../domain/profile";

/** A profile's stage change, sent by the profile object's outbox (at least once: idempotent by profile + seq). */
export interface StageChangeRecord {
  site: string; profile: string; seq: number; from: Stage; to: Stage; at: number /* ms */;
  origin: StageOrigin;
  firstSeenAt: number; mqlAt: number | null;
  source: { utm_source: string | null; utm_medium: string | null; utm_campaign: string | null; referrer: string | null /* a domain */ } | null;
}
/** What one collect batch did, sent by the collect route after answering. */
export interface ActivityRecord {
  site: string; profile: string /* the visitor object's id */; at: number;
  firstSeen: boolean;                     // the batch created the profile: one more visitor
  points: Record<string, number>;         // points given by rule id in this batch (non-zero only)
  vitals: { name: "LCP" | "INP" | "CLS" | "FCP" | "TTFB"; value: number; page: string /* URL path */ }[];
  mql: boolean;                           // the person was an MQL (or later stage) when the samples arrived
}

export type VitalName = ActivityRecord["vitals"][number]["name"];
export type Source = NonNullable<StageChangeRecord["source"]>;

/** One batch's activity, ready to store: its profile as a fingerprint, vitals as buckets. */
export interface ActivityWrite {
  day: number;
  hour: number;
  fp: number;
  firstSeen: boolean;
  points: [rule: string, points: number][];
  vitals: { metric: VitalName; page: string; bucket: number }[];
  mql: boolean;
}

/** What one Activity object holds for a range of hours, summed over the hours. */
export interface ActivitySlice {
  visitors: number;
  rules: { rule: string; fp: number; points: number }[];
  vitals: { metric: VitalName; page: string; mql: number; bucket: number; count: number }[];
}

/** p75 values are bucket values (vitals.ts): within 4.5% of the true sample; null without samples. */
export interface VitalFigures {
  p75: number | null;
  /** Samples that arrived while their person was an MQL or later, and all the others. */
  p75Mql: number | null;
  p75Other: number | null;
  /** The sampled page views behind the figures (vitals.ts samplesOf). */
  samples: number;
  /** The pages with the most samples, most first. */
  pages: { page: string; p75: number | null; samples: number }[];
}

export interface Metrics {
  /** The period asked for, [since, until). Activity figures count whole hours that overlap it. */
  period: { since: string; until: string };
  /** Visitors first seen, and profiles that entered each stage, in the period (a re-qualification counts again). */
  counts: {
    visitors: number; leads: number; mqls: number; sqls: number; opportunities: number; customers: number; disqualified: number;
    /** MQLs sales left untouched past the site's mqlSlaDays: back to `lead`. */
    expiredMqls: number;
  };
  /** Of the period's MQLs, the share that reached `sql`, `opportunity`, `customer` (each, or a later stage) by now; null without MQLs. */
  rates: { mqlToSql: number | null; mqlToOpportunity: number | null; mqlToCustomer: number | null };
  /** Median of mqlAt − firstSeenAt over the period's MQLs (timeToMql.p50); null without MQLs. */
  medianTimeToMqlSeconds: number | null;
  /** How long the period's MQLs took from first seen to MQL: percentiles (seconds; null without MQLs) and how many in each bucket. */
  timeToMql: {
    p25: number | null; p50: number | null; p75: number | null; p90: number | null;
    /** [fromSeconds, toSeconds), the last without an end. */
    buckets: { fromSeconds: number; toSeconds: number | null; mqls: number }[];
  };
  /** The period's marketing spend ÷ its MQLs, per first-touch source name and overall (metrics/spend.ts). */
  costPerMql: {
    /** The spend's currency; null while the site has entered none. */
    currency: string | null;
    spend: number;
    mqls: number;
    /** Null without spend or without MQLs. */
    overall: number | null;
    /** Every source with spend or MQLs in the period, most spend first. */
    bySource: { source: string; spend: number; mqls: number; costPerMql: number | null }[];
  };
  /** The period's MQLs and SQLs by their profile's first-touch source (all null: unknown), most MQLs first. */
  bySource: (Source & { mqls: number; sqls: number })[];
  /** Points given by each rule in the period, and to how many distinct profiles (visitors). */
  byRule: { rule: string; points: number; profiles: number }[];
  vitals: Record<VitalName, VitalFigures>;
  /** MQLs entered per UTC day of the period, every day listed, for a chart. */
  mqlsByDay: { day: string; mqls: number }[];
}
