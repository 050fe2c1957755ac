/**
 * A profile's transactional outbox: what must leave the object (webhooks, export
 * records, stage changes for the site's metrics) is written in the same transaction as the change that caused
 * it, then delivered from the alarm, at least once, in the order written.
 */
export type OutboxKind = "webhook" | "export" | "metrics";

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
  constructor(private readonly sql: SqlStorage) {}

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

  gaveUp(item: OutboxItem, now: number, error: string): void {
    this.sql.exec("UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE n = ?", now, error, item.n);
  }

  /** A failed item tried again from now, with a fresh window of retries; false when there is none. */
  revive(id: string, now: number): boolean {
    return this.sql.exec("UPDATE outbox SET failed_at = NULL, due_at = ?, created_at = ? WHERE id = ? AND failed_at IS NOT NULL", now, now, id)
      .rowsWritten > 0;
  }

  /** KV keys that pending export items would write or delete. */
  pendingExportKeys(): string[] {
    return this.sql.exec<{ payload: string }>("SELECT payload FROM outbox WHERE kind = 'export'").toArray()
      .flatMap((r) => {
        const { key, previous } = JSON.parse(r.payload) as { key: string; previous: string | null };
        return previous ? [key, previous] : [key];
      });
  }
}
