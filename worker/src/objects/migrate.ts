/**
 * Versioned schema migrations for a Durable Object's SQLite storage. Migration
 * `i` brings the schema from version `i` to `i + 1`; the version lives in `meta`.
 * The steps an object lacks run in one transaction (a new object takes them all
 * at once: one commit, not one per step), so a failure leaves the old schema.
 */
export type Migrations = readonly (readonly string[])[];

// WITHOUT ROWID: the key is the table, no index beside it (objects from before keep a rowid table).
const META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID";

/**
 * `current`, when given, is the schema the migrations end at, written directly: a
 * new object creates it in a few statements instead of replaying every step (DDL
 * is most of a new object's cost). A test keeps it equal to the migrated schema.
 * An object may keep parts of its schema apart, each under its own `versionKey`.
 * `fresh`: the caller knows the object was never written (hasSchema), so with `current`
 * one statement creates everything, nothing read first.
 * Answers what it did: created the schema of a new object, migrated an older one, or nothing.
 */
export function migrate(
  storage: DurableObjectStorage, migrations: Migrations, current?: readonly string[], versionKey = "schema_version", fresh = false,
): "created" | "migrated" | "current" {
  const sql = storage.sql;
  return storage.transactionSync(() => {
    if (fresh && current) {
      // The key and the version (the count of migrations) are the code's own: safe in the statement.
      sql.exec([META, ...current, `INSERT INTO meta (key, value) VALUES ('${versionKey}', ${migrations.length})`].join(";\n"));
      return "created";
    }
    sql.exec(META);
    const from = sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = ?", versionKey).toArray()[0]?.value ?? 0;
    if (from >= migrations.length) return "current";
    const steps = from === 0 && current ? [current] : migrations.slice(from);
    // One call per step: a new object's DDL crosses into SQLite once.
    for (const step of steps) sql.exec(step.join(";\n"));
    sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", versionKey, migrations.length);
    return from === 0 ? "created" : "migrated";
  });
}

/** Whether the object has ever been written: reading a never-written object must not create it. */
export function hasSchema(storage: DurableObjectStorage): boolean {
  return storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
}
