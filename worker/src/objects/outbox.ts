/**
 * An object's transactional outbox: what must leave the object (webhooks, export
 * records, stage changes for the site's metrics, a member's state for its account) is
 * written in the same transaction as the change that caused it, then delivered from the
 * alarm, at least once, in the order written, each kind by its courier (couriers.ts).
 */
import type { CrmName } from "../domain/crm";

export type OutboxKind = "webhook" | "export" | "metrics" | "account" | CrmName;

/** Held deliveries (their receiver refuses our credentials) are tried again this often, their day of retries starting afresh. */
export const HELD_RETRY_MS = 5 * 60_000;

/** Retries go on for at least this long before a delivery of a kind that gives up is kept as failed. */
export const GIVE_UP_AFTER_MS = 25 * 3_600_000;

/** Jittered exponential backoff: 10 s doubling to at most an hour. */
export function retryDelay(attempts: number): number {
  const base = Math.min(3_600_000, 10_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** The outbox table, as an object that has one creates it. */
export const OUTBOX_TABLE = `CREATE TABLE outbox (
  n INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  failed_at INTEGER)`;

/**
 * What one attempt came to: null, delivered (or no longer wanted); else what went wrong
 * (a throw too), alone or with when the receiver asked to be tried again
 * (`retryAfterMs`, e.g. a 429's Retry-After), or that deliveries are `held` until its
 * credentials are mended: then tried every HELD_RETRY_MS, never given up.
 */
export type Attempt = null | string | { error: string; retryAfterMs?: number; held?: true };

/** How one kind of item leaves an object: the same courier for every object that sends it. */
export interface Courier {
  /** Sends one item. */
  send(item: OutboxItem, now: number): Promise<Attempt>;
  /**
   * Its items must arrive in the order written: while one fails, the later ones wait.
   * An export record deletes the key before it; an account must not hear an older
   * state after a newer one (a member that left, back again).
   */
  inOrder?: true;
  /** A kind that gives up: an item that kept failing for GIVE_UP_AFTER_MS, kept as failed, is listed (webhooks/failed.ts). Other kinds never give up. */
  gaveUp?(item: OutboxItem, now: number, error: string): Promise<void>;
}

export type Couriers = Readonly<Partial<Record<OutboxKind, Courier>>>;

/** An export record to write to KV in place of the one before it (`previous`, deleted). */
export interface ExportDelivery {
  key: string;
  previous: string | null;
  record: object;
}

export type OutboxItem = {
  n: number;
  id: string;
  kind: OutboxKind;
  payload: string;
  created_at: number;
  due_at: number;
  attempts: number;
  last_error: string | null;
  failed_at: number | null;
};

export class Outbox {
  /** Deliveries run one after another, so items of an in-order kind leave in the order written. */
  private delivering: Promise<unknown> = Promise.resolve();

  constructor(private readonly sql: SqlStorage, private readonly couriers: Couriers) {}

  add(kind: OutboxKind, id: string, payload: unknown, now: number): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO outbox (id, kind, payload, created_at, due_at) VALUES (?, ?, ?, ?, ?)",
      id, kind, JSON.stringify(payload), now, now,
    );
  }

  /** Items due by `now` that have not given up, oldest first. */
  due(now: number, limit = 50): OutboxItem[] {
    return this.sql.exec<OutboxItem>(
      "SELECT * FROM outbox WHERE failed_at IS NULL AND due_at <= ? ORDER BY n LIMIT ?", now, limit,
    ).toArray();
  }

  /** When the next pending item falls due, or null. */
  nextDue(): number | null {
    return this.sql.exec<{ at: number | null }>("SELECT min(due_at) AS at FROM outbox WHERE failed_at IS NULL").one().at;
  }

  delivered(item: OutboxItem): void {
    this.sql.exec("DELETE FROM outbox WHERE n = ?", item.n);
  }

  retryLater(item: OutboxItem, dueAt: number, error: string): void {
    this.sql.exec("UPDATE outbox SET attempts = attempts + 1, due_at = ?, last_error = ? WHERE n = ?", dueAt, error, item.n);
  }

  /** Held: tried again in HELD_RETRY_MS, with a fresh window of retries once it is not held. */
  hold(item: OutboxItem, now: number, error: string): void {
    this.sql.exec("UPDATE outbox SET due_at = ?, created_at = ?, last_error = ? WHERE n = ?", now + HELD_RETRY_MS, now, error, item.n);
  }

  gaveUp(item: OutboxItem, now: number, error: string): void {
    this.sql.exec("UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE n = ?", now, error, item.n);
  }

  /**
   * Delivers what is due by `now`, oldest first, after any delivery under way: a
   * failure is retried with backoff, or kept as failed by a courier that gives up.
   * `stopped`: the object was erased meanwhile, so nothing more is written.
   */
  deliver(now: number, stopped: () => boolean): Promise<void> {
    const run = this.delivering.then(() => this.deliverDue(now, stopped));
    this.delivering = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the delivery under way, if any, is over. */
  settled(): Promise<unknown> {
    return this.delivering;
  }

  /** Each kind's items in order, the kinds side by side: one slow receiver never delays another's. */
  private async deliverDue(now: number, stopped: () => boolean): Promise<void> {
    const byKind = new Map<OutboxKind, OutboxItem[]>();
    for (const item of this.due(now)) byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item]);
    await Promise.all([...byKind].map(([kind, items]) => this.deliverKind(this.couriers[kind]!, items, now, stopped)));
  }

  private async deliverKind(courier: Courier, items: OutboxItem[], now: number, stopped: () => boolean): Promise<void> {
    for (const item of items) {
      const attempt = await courier.send(item, now).catch((err: unknown) => String(err));
      if (stopped()) return;
      if (attempt === null) {
        this.delivered(item);
        continue;
      }
      const { error, retryAfterMs = 0, held } = typeof attempt === "string" ? { error: attempt } : attempt;
      if (held) this.hold(item, now, error);
      else if (courier.gaveUp && now - item.created_at >= GIVE_UP_AFTER_MS) {
        this.gaveUp(item, now, error);
        await courier.gaveUp(item, now, error);
        continue;
      } else this.retryLater(item, now + Math.max(retryAfterMs, retryDelay(item.attempts + 1)), error);
      // An item of an in-order kind that failed holds back the later ones.
      if (courier.inOrder) return;
    }
  }

  /** A failed item tried again from now, with a fresh window of retries; false when there is none. */
  revive(id: string, now: number): boolean {
    return this.sql.exec("UPDATE outbox SET failed_at = NULL, due_at = ?, created_at = ? WHERE id = ? AND failed_at IS NOT NULL", now, now, id)
      .rowsWritten > 0;
  }

  /** Items of a kind not delivered yet: still being tried, and given up (kept as failed). */
  waiting(kind: OutboxKind): { pending: number; failed: number } {
    return this.sql.exec<{ pending: number; failed: number }>(
      "SELECT count(*) - count(failed_at) AS pending, count(failed_at) AS failed FROM outbox WHERE kind = ?", kind,
    ).one();
  }

  /** KV keys that pending export items would write or delete. */
  pendingExportKeys(): string[] {
    return this.sql.exec<{ payload: string }>("SELECT payload FROM outbox WHERE kind = 'export'").toArray()
      .flatMap((r) => {
        const { key, previous } = JSON.parse(r.payload) as ExportDelivery;
        return previous ? [key, previous] : [key];
      });
  }
}
