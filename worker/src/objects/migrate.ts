/**
 * Versioned schema migrations for a Durable Object's SQLite storage. Migration
 * `i` brings the schema from version `i` to `i + 1`; the version lives in `meta`.
 * The steps an object lacks run in one transaction (a new object takes them all
 * at once: one commit, not one per step), so a failure leaves the old schema.
 */
export type Migrations = readonly (readonly string[])[];

// WITHOUT ROWID: the key is the table, no index beside it (objects from before keep a rowid table).
const META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID";

export interface MigrateOptions {
  /**
   * The schema the migrations end at, written directly: a new object creates it in
   * one statement instead of replaying every step (DDL is most of a new object's
   * cost). A test keeps it equal to the migrated schema.
   */
  current?: readonly string[];
  /** The key of the version in `meta`: an object may version parts of its schema apart. */
  versionKey?: string;
  /** The version, when the caller has read it already (0: a never-written object); else read from `meta`. */
  from?: number;
  /**
   * A new object is created with `current` and no `meta` (a table is work when an
   * object is created): its caller knows the version by its tables (profile-schema.ts).
   */
  bare?: boolean;
}

/** Answers what it did: created the schema of a new object, migrated an older one, or nothing. */
export function migrate(
  storage: DurableObjectStorage, migrations: Migrations,
  { current, versionKey = "schema_version", from, bare = false }: MigrateOptions = {},
): "created" | "migrated" | "current" {
  const sql = storage.sql;
  return storage.transactionSync(() => {
    if (from === undefined) {
      sql.exec(META);
      from = sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = ?", versionKey).toArray()[0]?.value ?? 0;
    }
    if (from >= migrations.length) return "current";
    const steps = from === 0 && current ? [current] : migrations.slice(from);
    // One call per step: a new object's DDL crosses into SQLite once.
    for (const step of steps) sql.exec(step.join(";\n"));
    if (!(bare && from === 0 && current)) setMeta(sql, versionKey, migrations.length);
    return from === 0 ? "created" : "migrated";
  });
}

/** Sets a key of `meta`, made when missing: a schema version, or an object's mark (a tombstone). */
export function setMeta(sql: SqlStorage, key: string, value: number): void {
  sql.exec(META);
  sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
}

/** Whether the object has ever been written: reading a never-written object must not create it. */
export function hasSchema(storage: DurableObjectStorage): boolean {
  return storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
}
