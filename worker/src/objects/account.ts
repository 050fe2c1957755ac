/**
 * Account: one company as a site knows it, a Durable Object with SQLite storage, one
 * per (site, account key) (names in lib/identity.ts; keys in shared/rules/accounts.ts):
 * `domain:<business email domain>` gathers leads, `org:<organisation>` anonymous
 * visitors from the company's own network. Its members' profiles tell it their state
 * through their outboxes; it scores them as one buying committee (scoreAccount).
 *
 * Storage (migrations versioned in `meta`):
 *   account   one row: site, key, stage (account → mqa) and how many stage changes,
 *             when it was first seen and became an MQA, its export record's KV key
 *             and that record as last exported (without its time)
 *   members   one row per member profile: lead or anonymous visitor, its stage,
 *             engagement and company traits as it last told them, and that report's seq
 *   outbox    export records and webhooks, written with the change that caused
 *             them, delivered by the alarm (outbox.ts)
 *
 * Invariants:
 *   - a member's row is its latest report: one with a seq not above the held one
 *     changes nothing, so a late or repeated report cannot move the account back
 *   - the score is scoreAccount(the site's model, members), computed, never stored
 *   - the stage moves forward only: `account` → `mqa`, once
 *   - a change of what the record shows (score, members, stage) writes the export
 *     record in the same transaction; a stage change also an `account.stage_changed`
 *     webhook; each leaves at least once, export records in order
 *   - an account exists while it has members: when the last leaves, its export record
 *     is deleted and the object keeps nothing; an erased member's id is struck from
 *     every pending delivery
 *
 * State changes go through `update` (a member's report), `erase`, `wake` (the alarm).
 */
import { DurableObject } from "cloudflare:workers";
import { scoreAccount, scoredAccountStage, type AccountMember, type AccountStage } from "../../../shared/rules";
import { accountRecord } from "../exports/account-record";
import { deleteExport, exportKey } from "../exports/store";
import type { Site } from "../sites/config";
import { getSite } from "../sites/store";
import { clearFailure } from "../webhooks/failed";
import type { MemberState } from "./account-report";
import { hasSchema, migrate, type Migrations } from "./migrate";
import { exportCourier, webhookCourier } from "./couriers";
import { Outbox, OUTBOX_TABLE } from "./outbox";

const MIGRATIONS: Migrations = [
  [
    `CREATE TABLE account (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       site TEXT NOT NULL,
       key TEXT NOT NULL,
       stage TEXT NOT NULL,
       stage_seq INTEGER NOT NULL,
       first_seen_at INTEGER NOT NULL,
       mqa_at INTEGER,
       export_key TEXT,
       shown TEXT)`,
    `CREATE TABLE members (
       profile TEXT PRIMARY KEY,
       kind TEXT NOT NULL,
       stage TEXT NOT NULL,
       engagement REAL NOT NULL,
       traits TEXT NOT NULL,
       seq INTEGER NOT NULL)`,
    OUTBOX_TABLE,
  ],
];

interface AccountRow {
  site: string;
  key: string;
  stage: AccountStage;
  stageSeq: number;
  firstSeenAt: number;
  mqaAt: number | null;
  exportKey: string | null;
  shown: string | null;
}

type MemberRow = { profile: string; kind: AccountMember["kind"]; stage: AccountMember["stage"]; engagement: number; traits: string };

export class Account extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;
  private readonly outbox = new Outbox(this.sql, {
    export: exportCourier(this.env),
    webhook: webhookCourier(this.env, () => {
      const row = this.row();
      return { profile: this.ctx.id.toString(), ...(row && { account: row.key }) };
    }),
  });

  /**
   * A member's latest state, or null when it left, with its report's seq (rising
   * per member). Nothing is kept of a site that is gone.
   */
  async update(site: string, key: string, profile: string, seq: number, member: MemberState | null): Promise<void> {
    if (member === null && !hasSchema(this.ctx.storage)) return;
    const config = await getSite(this.env.SITES, site);
    if (!config) return;
    const now = Date.now();
    migrate(this.ctx.storage, MIGRATIONS);
    this.ctx.storage.transactionSync(() => {
      const held = this.sql.exec<{ seq: number }>("SELECT seq FROM members WHERE profile = ?", profile).toArray()[0];
      if (held && held.seq >= seq) return;
      if (member) {
        this.sql.exec(
          "INSERT OR REPLACE INTO members (profile, kind, stage, engagement, traits, seq) VALUES (?, ?, ?, ?, ?, ?)",
          profile, member.kind, member.stage, member.engagement, JSON.stringify(member.traits), seq,
        );
      } else {
        this.sql.exec("DELETE FROM members WHERE profile = ?", profile);
      }
      this.settle(config, key, now);
    });
    await this.afterChange();
  }

  /**
   * An erased member leaves at once, whatever it told before, and its profile id is
   * struck from every delivery not yet made (the record already in KV is replaced).
   */
  async erase(site: string, key: string, profile: string): Promise<void> {
    if (!hasSchema(this.ctx.storage)) return;
    const config = await getSite(this.env.SITES, site);
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM members WHERE profile = ?", profile);
      this.sql.exec("UPDATE outbox SET payload = replace(payload, ?, 'erased')", profile);
      if (config) this.settle(config, key, now);
    });
    await this.afterChange();
  }

  // --- timers --------------------------------------------------------------

  override async alarm(): Promise<void> {
    await this.wake(Date.now());
  }

  /** Delivers what is due by `now` (the tests pass their own clock). Idempotent. */
  async wake(now: number): Promise<void> {
    if (!hasSchema(this.ctx.storage)) return;
    await this.deliver(now);
    // The last member may have left while a delivery was out: then nothing is kept.
    if (hasSchema(this.ctx.storage)) await this.schedule();
  }

  /** Tries a delivery that gave up once more, now; answers whether it went through. */
  async retryDelivery(id: string, now: number): Promise<boolean> {
    const row = hasSchema(this.ctx.storage) ? this.row() : null;
    if (!row || !this.outbox.revive(id, now)) return false;
    await clearFailure(this.env.SITES, row.site, id);
    await this.deliver(now);
    await this.schedule();
    return !this.sql.exec("SELECT 1 FROM outbox WHERE id = ?", id).toArray().length;
  }

  // --- scoring ---------------------------------------------------------------

  /**
   * Scores the members under the site's model and writes what changed: the stage
   * (forward only), the export record when what it shows changed, and on a stage
   * change its webhook, all in the caller's transaction.
   */
  private settle(site: Site, key: string, now: number): void {
    const members = this.members();
    if (!members.length) return; // dissolved after the transaction
    const id = this.ctx.id.toString();
    const row = this.row() ?? {
      site: site.id, key, stage: "account", stageSeq: 0, firstSeenAt: now, mqaAt: null, exportKey: null, shown: null,
    };
    const scored = scoreAccount(site.model, members);
    const from = row.stage;
    row.stage = scoredAccountStage(from, scored.qualifies);
    if (row.stage !== from) {
      row.stageSeq += 1;
      row.mqaAt = now;
    }
    const record = accountRecord({ ...row, scored, members, rulesVersion: site.rulesVersion, updatedAt: now });
    const shown = JSON.stringify({ ...record, updatedAt: undefined });
    if (shown !== row.shown) {
      const next = exportKey(site.id, now, id, "account");
      this.outbox.add("export", `${id}.export.${crypto.randomUUID()}`, { key: next, previous: row.exportKey, record }, now);
      row.exportKey = next;
      row.shown = shown;
    }
    if (row.stage !== from && site.webhook) {
      const body = {
        id: `${id}.${row.stageSeq}`, type: "account.stage_changed", site: site.id, from, to: row.stage,
        at: new Date(now).toISOString(), origin: "scoring", seq: row.stageSeq, account: record,
      };
      this.outbox.add("webhook", body.id, body, now);
    }
    this.sql.exec(
      `INSERT OR REPLACE INTO account (id, site, key, stage, stage_seq, first_seen_at, mqa_at, export_key, shown)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.site, row.key, row.stage, row.stageSeq, row.firstSeenAt, row.mqaAt, row.exportKey, row.shown,
    );
  }

  /** After a change: an account without members dissolves, any other delivers what it wrote. */
  private async afterChange(): Promise<void> {
    if (!hasSchema(this.ctx.storage)) return;
    if (this.members().length) return this.schedule();
    // The last member left: its record leaves the export, and nothing else is kept. No report may slip in meanwhile.
    await this.ctx.blockConcurrencyWhile(async () => {
      const keys = new Set([this.row()?.exportKey, ...this.outbox.pendingExportKeys()]);
      for (const key of keys) if (key) await deleteExport(this.env.SITES, key);
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
    });
  }

  // --- delivering the outbox ---------------------------------------------

  private deliver(now: number): Promise<void> {
    return this.outbox.deliver(now, () => !hasSchema(this.ctx.storage));
  }

  private async schedule(): Promise<void> {
    const due = this.outbox.nextDue();
    if (due === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(due);
  }

  // --- storage -------------------------------------------------------------

  private row(): AccountRow | null {
    const r = this.sql.exec<{
      site: string; key: string; stage: AccountStage; stage_seq: number; first_seen_at: number;
      mqa_at: number | null; export_key: string | null; shown: string | null;
    }>("SELECT * FROM account").toArray()[0];
    return r ? {
      site: r.site, key: r.key, stage: r.stage, stageSeq: r.stage_seq, firstSeenAt: r.first_seen_at,
      mqaAt: r.mqa_at, exportKey: r.export_key, shown: r.shown,
    } : null;
  }

  private members(): AccountMember[] {
    return this.sql.exec<MemberRow>("SELECT profile, kind, stage, engagement, traits FROM members ORDER BY profile").toArray()
      .map((m) => ({ ...m, traits: JSON.parse(m.traits) }));
  }
}
