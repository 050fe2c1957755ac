/**
 * Activity: one site's per-batch figures for one UTC day and one shard of its
 * profiles (metrics/shards.ts names it), a Durable Object with SQLite storage.
 * Every collect batch that did something lands in exactly one of these, so the
 * site-wide load spreads over days × shards; reads sum the objects of a period.
 *
 * Storage (migrations versioned in `meta`), times kept to the hour (ms / 3.6e6):
 *   visitors     the profiles first seen here: fingerprint (metrics/shards.ts), hour
 *   rule_points  points per (rule, profile fingerprint, hour)
 *   vitals       Web Vitals histograms: samples per (hour, metric, page, whether
 *                the person was an MQL, bucket); buckets in metrics/vitals.ts
 *   meta         schema version
 *
 * Invariants:
 *   - a visitor counts once (keyed by fingerprint); batches are not retried, so
 *     points and samples add up as they come
 *   - fingerprints are the only trace of a person: `erase` deletes their rows;
 *     the vitals histograms name nobody and stay
 *   - the object is listed in its site's Funnel before it first holds anything
 *     (metrics/index.ts), and deletes itself once its day is ACTIVITY_DAYS old
 *   - reading or erasing a never-written object does not create it
 */
import { DurableObject } from "cloudflare:workers";
import type { ActivitySlice, ActivityWrite } from "../metrics/types";
import { activityExpiry } from "../metrics/shards";
import { hasSchema, migrate, type Migrations } from "./migrate";

const MIGRATIONS: Migrations = [
  [
    `CREATE TABLE visitors (fp INTEGER PRIMARY KEY, hour INTEGER NOT NULL)`,
    `CREATE TABLE rule_points (
       rule TEXT NOT NULL, fp INTEGER NOT NULL, hour INTEGER NOT NULL, points REAL NOT NULL,
       PRIMARY KEY (rule, fp, hour))`,
    `CREATE INDEX rule_points_fp ON rule_points (fp)`,
    `CREATE TABLE vitals (
       hour INTEGER NOT NULL, metric TEXT NOT NULL, page TEXT NOT NULL, mql INTEGER NOT NULL,
       bucket INTEGER NOT NULL, count INTEGER NOT NULL,
       PRIMARY KEY (hour, metric, page, mql, bucket))`,
  ],
];

export class Activity extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;
  private ready = false;
  /** Its expiry alarm is set (once per object lifetime). */
  private expiring = false;

  /** Stores batches' activity in one transaction (the caller gathers what arrived meanwhile). */
  async record(writes: ActivityWrite[]): Promise<void> {
    this.ensureSchema();
    this.ctx.storage.transactionSync(() => {
      for (const w of writes) this.store(w);
    });
    if (!this.expiring && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(activityExpiry(writes[0]!.day));
    this.expiring = true;
  }

  /** The figures of hours [fromHour, toHour), or null when the object never held anything. */
  read(fromHour: number, toHour: number): ActivitySlice | null {
    if (!this.exists()) return null;
    const range = [fromHour, toHour] as const;
    return {
      visitors: this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM visitors WHERE hour >= ? AND hour < ?", ...range).one().n,
      rules: this.sql.exec<ActivitySlice["rules"][number]>(
        "SELECT rule, fp, sum(points) AS points FROM rule_points WHERE hour >= ? AND hour < ? GROUP BY rule, fp", ...range,
      ).toArray(),
      vitals: this.sql.exec<ActivitySlice["vitals"][number]>(
        `SELECT metric, page, mql, bucket, sum(count) AS count FROM vitals
         WHERE hour >= ? AND hour < ? GROUP BY metric, page, mql, bucket`, ...range,
      ).toArray(),
    };
  }

  /** Deletes every row naming these profile fingerprints. */
  erase(fps: number[]): void {
    if (!this.exists()) return;
    this.ctx.storage.transactionSync(() => {
      for (const fp of fps) {
        this.sql.exec("DELETE FROM visitors WHERE fp = ?", fp);
        this.sql.exec("DELETE FROM rule_points WHERE fp = ?", fp);
      }
    });
  }

  private store(w: ActivityWrite): void {
    if (w.firstSeen) this.sql.exec("INSERT OR IGNORE INTO visitors (fp, hour) VALUES (?, ?)", w.fp, w.hour);
    for (const [rule, points] of w.points) {
      this.sql.exec(
        `INSERT INTO rule_points (rule, fp, hour, points) VALUES (?, ?, ?, ?)
         ON CONFLICT (rule, fp, hour) DO UPDATE SET points = points + excluded.points`,
        rule, w.fp, w.hour, points,
      );
    }
    for (const { metric, page, bucket } of w.vitals) {
      this.sql.exec(
        `INSERT INTO vitals (hour, metric, page, mql, bucket, count) VALUES (?, ?, ?, ?, ?, 1)
         ON CONFLICT (hour, metric, page, mql, bucket) DO UPDATE SET count = count + 1`,
        w.hour, metric, page, w.mql ? 1 : 0, bucket,
      );
    }
  }

  /** The day is past keeping. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.ready = this.expiring = false;
  }

  private exists(): boolean {
    if (!hasSchema(this.ctx.storage)) return false;
    this.ensureSchema();
    return true;
  }

  private ensureSchema(): void {
    if (!this.ready) migrate(this.ctx.storage, MIGRATIONS);
    this.ready = true;
  }
}
