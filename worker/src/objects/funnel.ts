/**
 * Funnel: one site's stage changes, a Durable Object with SQLite storage, one per
 * site. A person changes stage a handful of times in their life, so one object
 * can see every change of a site; what happens per batch goes to Activity objects
 * instead, and this object lists those, so reads and erasure visit only the ones
 * that exist.
 *
 * Storage (migrations versioned in `meta`):
 *   entries   every funnel stage a profile entered: (profile, seq of the change,
 *             stage), when, and on an `mql` entry its time to MQL (mqlAt − firstSeenAt)
 *   sources   a profile's first-touch source: the first one a change carried
 *   activity  the site's Activity objects, as (UTC day, shard)
 *   meta      schema version
 *
 * Invariants:
 *   - a change counts once: entries are keyed by (profile, seq, stage), so a change
 *     sent again adds nothing; an MQL's expiry enters the pseudo-stage `expired`
 *   - a change forward along visitor → lead → mql → sql → opportunity → customer
 *     enters every stage it passes (lead → sql enters mql and sql); a change back
 *     (recycling to `lead`) enters nothing, so qualifying again counts again; a
 *     change into `disqualified` enters it, and out of it enters its target when
 *     that lies past `lead`
 *   - an Activity object is listed before it holds anything, and stays listed at
 *     least as long as it keeps anything (ACTIVITY_DAYS)
 *   - `erase` deletes every row naming a profile; reading never creates storage
 */
import { DurableObject } from "cloudflare:workers";
import { DAY_MS, FUNNEL, type Stage } from "../../../shared/rules";
import { ACTIVITY_DAYS, dayOf, isoDay, type ActivityShard } from "../metrics/shards";
import type { Metrics, Source, StageChangeRecord } from "../metrics/types";
import { hasSchema, migrate, type Migrations } from "./migrate";

const MIGRATIONS: Migrations = [
  [
    `CREATE TABLE entries (
       profile TEXT NOT NULL, seq INTEGER NOT NULL, stage TEXT NOT NULL, at INTEGER NOT NULL, to_mql_ms INTEGER,
       PRIMARY KEY (profile, seq, stage))`,
    `CREATE INDEX entries_by_stage ON entries (stage, at)`,
    `CREATE TABLE sources (
       profile TEXT PRIMARY KEY, utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, referrer TEXT)`,
    `CREATE TABLE activity (day INTEGER NOT NULL, shard INTEGER NOT NULL, PRIMARY KEY (day, shard))`,
  ],
];

/** Source rows answered, most MQLs first. */
const SOURCES_SHOWN = 100;
/** A profile's source as one name, as spend names it (docs/api.md): its utm_source, else its referrer's host, else direct. */
const SOURCE_NAME = "lower(coalesce(nullif(trim(s.utm_source), ''), nullif(s.referrer, ''), 'direct'))";
/** Where time-to-MQL buckets start, in seconds: under an hour, a day, a week, 30 days, and beyond. */
const TIME_TO_MQL_EDGES = [0, 3600, 86_400, 7 * 86_400, 30 * 86_400] as const;

/** The funnel stages a change from → to enters (see the invariants). */
function enteredStages(from: Stage, to: Stage): Stage[] {
  if (to === "disqualified") return from === to ? [] : [to];
  const past = FUNNEL.indexOf(to) > FUNNEL.indexOf("lead");
  if (from === "disqualified") return past ? [to] : [];
  return FUNNEL.slice(FUNNEL.indexOf(from) + 1, FUNNEL.indexOf(to) + 1);
}

/** The site-wide figures of a period, and the Activity objects to sum for the rest. */
export type FunnelFigures = Pick<Metrics, "rates" | "timeToMql" | "bySource" | "mqlsByDay"> & {
  counts: Omit<Metrics["counts"], "visitors">;
  /** The period's MQLs by source name (SOURCE_NAME), for cost per MQL. */
  mqlsBySourceName: { source: string; mqls: number }[];
  activity: ActivityShard[];
};

export class Funnel extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;
  private ready = false;

  record(r: StageChangeRecord): void {
    this.ensureSchema();
    this.ctx.storage.transactionSync(() => {
      // An expiry enters no stage (it goes back to lead) but is counted, as the pseudo-stage `expired`.
      for (const stage of [...enteredStages(r.from, r.to), ...(r.origin === "expiry" ? ["expired"] : [])]) {
        const toMql = stage === "mql" ? Math.max(0, (r.mqlAt ?? r.at) - r.firstSeenAt) : null;
        this.sql.exec(
          "INSERT OR IGNORE INTO entries (profile, seq, stage, at, to_mql_ms) VALUES (?, ?, ?, ?, ?)",
          r.profile, r.seq, stage, r.at, toMql,
        );
      }
      if (r.source && Object.values(r.source).some((v) => v !== null)) {
        const { utm_source, utm_medium, utm_campaign, referrer } = r.source;
        this.sql.exec(
          "INSERT OR IGNORE INTO sources (profile, utm_source, utm_medium, utm_campaign, referrer) VALUES (?, ?, ?, ?, ?)",
          r.profile, utm_source, utm_medium, utm_campaign, referrer,
        );
      }
    });
  }

  /** Lists an Activity object (idempotent), and forgets those past keeping. */
  registerActivity(shard: ActivityShard, now: number): void {
    this.ensureSchema();
    this.sql.exec("INSERT OR IGNORE INTO activity (day, shard) VALUES (?, ?)", shard.day, shard.shard);
    // A day of slack over the objects' own expiry: isolates' clocks differ.
    this.sql.exec("DELETE FROM activity WHERE day < ?", dayOf(now) - ACTIVITY_DAYS - 1);
  }

  /** Every listed Activity object of these shards, whatever its day: what erasing a profile visits. */
  activityOf(shards: number[]): ActivityShard[] {
    return this.rows<ActivityShard>("SELECT day, shard FROM activity WHERE shard IN (SELECT value FROM json_each(?))", JSON.stringify(shards));
  }

  figures(since: number, until: number): FunnelFigures {
    const period = [since, until] as const;
    const counts = new Map(this.rows<{ stage: Stage | "expired"; n: number }>(
      `SELECT stage, count(*) AS n FROM entries
       WHERE stage IN ('lead', 'mql', 'sql', 'opportunity', 'customer', 'disqualified', 'expired') AND at >= ? AND at < ?
       GROUP BY stage`, ...period,
    ).map((r) => [r.stage, r.n]));
    const mqls = counts.get("mql") ?? 0;
    const [converted] = this.rows<{ sql: number; opportunity: number; customer: number }>(
      // Each MQL entry is one qualification; it converted if the profile reached the
      // stage after it (the same change included) and before qualifying again.
      `WITH m AS (
         SELECT profile, seq, coalesce(
           (SELECT min(n.seq) FROM entries n WHERE n.profile = e.profile AND n.stage = 'mql' AND n.seq > e.seq),
           9e15) AS next
         FROM entries e WHERE stage = 'mql' AND at >= ? AND at < ?)
       SELECT
         coalesce(sum(EXISTS (SELECT 1 FROM entries s WHERE s.profile = m.profile AND s.seq >= m.seq
           AND s.seq < m.next AND s.stage IN ('sql', 'opportunity', 'customer'))), 0) AS sql,
         coalesce(sum(EXISTS (SELECT 1 FROM entries s WHERE s.profile = m.profile AND s.seq >= m.seq
           AND s.seq < m.next AND s.stage IN ('opportunity', 'customer'))), 0) AS opportunity,
         coalesce(sum(EXISTS (SELECT 1 FROM entries s WHERE s.profile = m.profile AND s.seq >= m.seq
           AND s.seq < m.next AND s.stage = 'customer')), 0) AS customer
       FROM m`, ...period,
    );
    return {
      counts: {
        leads: counts.get("lead") ?? 0,
        mqls,
        sqls: counts.get("sql") ?? 0,
        opportunities: counts.get("opportunity") ?? 0,
        customers: counts.get("customer") ?? 0,
        disqualified: counts.get("disqualified") ?? 0,
        expiredMqls: counts.get("expired") ?? 0,
      },
      rates: {
        mqlToSql: mqls ? (converted?.sql ?? 0) / mqls : null,
        mqlToOpportunity: mqls ? (converted?.opportunity ?? 0) / mqls : null,
        mqlToCustomer: mqls ? (converted?.customer ?? 0) / mqls : null,
      },
      timeToMql: this.timeToMql(since, until, mqls),
      bySource: this.rows<Source & { mqls: number; sqls: number }>(
        `SELECT s.utm_source, s.utm_medium, s.utm_campaign, s.referrer,
           sum(e.stage = 'mql') AS mqls, sum(e.stage = 'sql') AS sqls
         FROM entries e LEFT JOIN sources s ON s.profile = e.profile
         WHERE e.stage IN ('mql', 'sql') AND e.at >= ? AND e.at < ?
         GROUP BY 1, 2, 3, 4 ORDER BY mqls DESC, sqls DESC, 1, 2, 3, 4 LIMIT ?`, ...period, SOURCES_SHOWN,
      ),
      mqlsBySourceName: this.rows<{ source: string; mqls: number }>(
        `SELECT ${SOURCE_NAME} AS source, count(*) AS mqls
         FROM entries e LEFT JOIN sources s ON s.profile = e.profile
         WHERE e.stage = 'mql' AND e.at >= ? AND e.at < ? GROUP BY 1`, ...period,
      ),
      mqlsByDay: this.mqlsByDay(since, until),
      activity: this.rows<ActivityShard>(
        "SELECT day, shard FROM activity WHERE day >= ? AND day <= ? ORDER BY day, shard", dayOf(since), dayOf(until - 1),
      ),
    };
  }

  /** Deletes every row naming these profiles. */
  erase(profiles: string[]): void {
    if (!this.exists()) return;
    const list = JSON.stringify(profiles);
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM entries WHERE profile IN (SELECT value FROM json_each(?))", list);
      this.sql.exec("DELETE FROM sources WHERE profile IN (SELECT value FROM json_each(?))", list);
    });
  }

  /** The period's times to MQL: percentiles, and counts per bucket (TIME_TO_MQL_EDGES). */
  private timeToMql(since: number, until: number, mqls: number): Metrics["timeToMql"] {
    const counts = new Map(this.rows<{ bucket: number; n: number }>(
      `SELECT ${TIME_TO_MQL_EDGES.map((edge) => `(to_mql_ms >= ${edge * 1000})`).join(" + ")} - 1 AS bucket, count(*) AS n
       FROM entries WHERE stage = 'mql' AND at >= ? AND at < ? GROUP BY bucket`, since, until,
    ).map((r) => [r.bucket, r.n]));
    return {
      p25: this.toMqlPercentile(since, until, mqls, 0.25),
      p50: this.toMqlPercentile(since, until, mqls, 0.5),
      p75: this.toMqlPercentile(since, until, mqls, 0.75),
      p90: this.toMqlPercentile(since, until, mqls, 0.9),
      buckets: TIME_TO_MQL_EDGES.map((from, i) => ({ fromSeconds: from, toSeconds: TIME_TO_MQL_EDGES[i + 1] ?? null, mqls: counts.get(i) ?? 0 })),
    };
  }

  /**
   * The `q` percentile of the period's times to MQL, in seconds, interpolated between
   * the two nearest ranks (so the median of an even count is the mean of the middle two).
   * Reads at most two rows, whatever the count.
   */
  private toMqlPercentile(since: number, until: number, mqls: number, q: number): number | null {
    if (!mqls) return null;
    const rank = q * (mqls - 1);
    const [low, high = low] = this.rows<{ ms: number }>(
      "SELECT to_mql_ms AS ms FROM entries WHERE stage = 'mql' AND at >= ? AND at < ? ORDER BY to_mql_ms LIMIT 2 OFFSET ?",
      since, until, Math.floor(rank),
    );
    if (!low) return null;
    const fraction = rank - Math.floor(rank);
    return Math.round((low.ms + (high!.ms - low.ms) * fraction) / 1000);
  }

  /** MQLs per UTC day of the period, every day listed. */
  private mqlsByDay(since: number, until: number): Metrics["mqlsByDay"] {
    const byDay = new Map(this.rows<{ day: number; n: number }>(
      `SELECT at / ${DAY_MS} AS day, count(*) AS n FROM entries WHERE stage = 'mql' AND at >= ? AND at < ? GROUP BY day`,
      since, until,
    ).map((r) => [r.day, r.n]));
    const days: Metrics["mqlsByDay"] = [];
    for (let day = dayOf(since); day <= dayOf(until - 1); day++) days.push({ day: isoDay(day), mqls: byDay.get(day) ?? 0 });
    return days;
  }

  /** Rows of a query, or none when the object never held anything (reading must not create it). */
  private rows<T extends Record<string, SqlStorageValue>>(query: string, ...params: SqlStorageValue[]): T[] {
    return this.exists() ? this.sql.exec<T>(query, ...params).toArray() : [];
  }

  private exists(): boolean {
    if (this.ready) return true;
    if (!hasSchema(this.ctx.storage)) return false;
    this.ensureSchema();
    return true;
  }

  private ensureSchema(): void {
    if (!this.ready) migrate(this.ctx.storage, MIGRATIONS);
    this.ready = true;
  }
}
