/**
 * Versioned schema migrations for a Durable Object's SQLite storage. Migration
 * `i` brings the schema from version `i` to `i + 1`; the version lives in `meta`,
 * and each step runs in its own transaction so a failure leaves the old schema.
 */
export type Migrations = readonly (readonly string[])[];

export function migrate(storage: DurableObjectStorage, migrations: Migrations): void {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  const row = sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0];
  for (let version = row?.value ?? 0; version < migrations.length; version++) {
    storage.transactionSync(() => {
      for (const statement of migrations[version]!) sql.exec(statement);
      sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", version + 1);
    });
  }
}

/** Whether the object has ever been written: reading a never-written object must not create it. */
export function hasSchema(storage: DurableObjectStorage): boolean {
  return storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
}
