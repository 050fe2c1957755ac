/**
 * Cohort: the anonymous visitors a site first saw on one UTC day (one of SHARDS
 * per day), a Durable Object with SQLite storage. It keeps the site's retention
 * (docs/api.md#patch-v1sitessite, `retentionDays`) for visitors that never come back, without a timer
 * in each: setting an alarm was the largest single cost of a new visitor's first
 * batch, and most visitors come once. When the day plus the shortest retention
 * any member brought has passed, it wakes each member (Profile.leaveCohort), which
 * folds what is past retention and keeps its own timer from then on; then it
 * deletes itself.
 *
 * Storage (migrations versioned in `meta`):
 *   cohort   one row: the day, and the shortest retentionDays a member brought
 *   members  the visitors' object ids, until woken (or erased)
 *
 * Invariants:
 *   - an enrolment is answered once durable; a visitor whose enrolment failed
 *     keeps its own timer (objects/profile.ts)
 *   - while it holds members, its alarm is at the end of its day plus the
 *     shortest retention: no member's events outlive their retention by more
 *     than a day (the day they came)
 *   - a member leaves once woken (at least once: a failed wake is tried again
 *     later) or erased
 */
import { DurableObject } from "cloudflare:workers";
import { DAY_MS } from "../../../shared/rules";
import { boundedEach } from "../lib/concurrency";
import type { Enrolment } from "./enrolment";
import { hasSchema, migrate, type Migrations } from "./migrate";

const MIGRATIONS: Migrations = [
  [
    `CREATE TABLE cohort (id INTEGER PRIMARY KEY CHECK (id = 1), day INTEGER NOT NULL, retention_days INTEGER NOT NULL)`,
    `CREATE TABLE members (profile TEXT PRIMARY KEY) WITHOUT ROWID`,
  ],
];

/** Members woken per alarm run, a few at a time; the rest wait for the next run. */
const WAKE_PER_RUN = 500;
const WAKE_AT_ONCE = 8;
/** The next run, when members are left or a wake failed. */
const NEXT_RUN_MS = 1_000;
const RETRY_MS = 60_000;

export class Cohort extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;
  private ready = false;

  /** Adds visitors (one call carries many: enrolment.ts); moves the alarm when a shorter retention comes. */
  async add(day: number, members: Enrolment[]): Promise<void> {
    this.ensureSchema();
    const shortest = Math.min(...members.map((m) => m.retentionDays));
    const kept = this.sql.exec<{ retention_days: number }>("SELECT retention_days FROM cohort").toArray()[0]?.retention_days;
    const retentionDays = Math.min(shortest, kept ?? Infinity);
    this.ctx.storage.transactionSync(() => {
      for (const { profile } of members) this.sql.exec("INSERT OR IGNORE INTO members (profile) VALUES (?)", profile);
      if (retentionDays !== kept) this.sql.exec("INSERT OR REPLACE INTO cohort (id, day, retention_days) VALUES (1, ?, ?)", day, retentionDays);
    });
    if (retentionDays !== kept) await this.ctx.storage.setAlarm(dueOf(day, retentionDays));
  }

  /** An erased visitor leaves. */
  async remove(profile: string): Promise<void> {
    if (!this.exists()) return;
    this.sql.exec("DELETE FROM members WHERE profile = ?", profile);
  }

  override async alarm(): Promise<void> {
    await this.wake(Date.now());
  }

  /** Wakes the members once their retention is due (the tests pass their own clock); then deletes itself. */
  async wake(now: number): Promise<void> {
    if (!this.exists()) return;
    const cohort = this.sql.exec<{ day: number; retention_days: number }>("SELECT day, retention_days FROM cohort").toArray()[0];
    if (!cohort) return;
    const due = dueOf(cohort.day, cohort.retention_days);
    if (now < due) return void (await this.ctx.storage.setAlarm(due));
    const members = this.sql.exec<{ profile: string }>("SELECT profile FROM members LIMIT ?", WAKE_PER_RUN).toArray();
    let failed = false;
    await boundedEach(members, WAKE_AT_ONCE, async ({ profile }) => {
      try {
        await this.env.PROFILES.get(this.env.PROFILES.idFromString(profile)).leaveCohort(now);
        this.sql.exec("DELETE FROM members WHERE profile = ?", profile);
      } catch (err) {
        failed = true;
        console.error(`cohort: member ${profile} not woken, tried again later: ${err}`);
      }
    });
    const left = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM members").one().n;
    if (left === 0) {
      await this.ctx.storage.deleteAll();
      this.ready = false;
    }
    else await this.ctx.storage.setAlarm(now + (failed ? RETRY_MS : NEXT_RUN_MS));
  }

  private exists(): boolean {
    return this.ready || hasSchema(this.ctx.storage);
  }

  private ensureSchema(): void {
    if (!this.ready) migrate(this.ctx.storage, MIGRATIONS);
    this.ready = true;
  }
}

/** When a cohort of `day` wakes its members: the end of the day plus the retention. */
export const dueOf = (day: number, retentionDays: number) => (day + 1 + retentionDays) * DAY_MS;
