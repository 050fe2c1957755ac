// The collect benchmark's baselines (bench/collect), run in the same workerd as the
// worker and reached through the same Miniflare entry by route:
//
//   POST /__bench/noop     a no-op: reads the request body and answers, nothing more.
//   POST /__bench/one-row  the least the platform must do for a new visitor: read the
//                          body, get a never-seen Durable Object by name (as collect
//                          does), and make one RPC that writes one row to its SQLite
//                          storage (CREATE TABLE IF NOT EXISTS + one INSERT). The answer
//                          waits for the write to be durable, as collect's does.
//   POST /__bench/same-sql?n=N
//                          profiling aid, not a headline row: the same object and SQL
//                          shape as a new visitor's collect (meta + 4 tables, a profile
//                          row, N event rows each after a dedupe SELECT, one stage row,
//                          a model row) with no validation or scoring.
//
// The client sends the same body to every route, so bytes on the wire are equal.
import { DurableObject } from "cloudflare:workers";

export class Row extends DurableObject {
  write(at) {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
    sql.exec("INSERT INTO rows (at) VALUES (?)", at);
    return 1;
  }

  /** Collect's SQL for a new visitor, without the product code around it. */
  sameSql(at, events) {
    const storage = this.ctx.storage;
    const sql = storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    const version = sql.exec("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0];
    if (!version) {
      storage.transactionSync(() => {
        sql.exec(`CREATE TABLE profile (id INTEGER PRIMARY KEY CHECK (id = 1), site TEXT NOT NULL, stage TEXT NOT NULL,
          scoring TEXT NOT NULL, edge_country TEXT, first_seen_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, mql_at INTEGER)`);
        sql.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, received_at INTEGER NOT NULL,
          ts INTEGER NOT NULL, type TEXT NOT NULL, sid TEXT, url TEXT, name TEXT, props TEXT, traits TEXT,
          scored INTEGER NOT NULL, points REAL NOT NULL)`);
        sql.exec("CREATE TABLE model (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, rules TEXT NOT NULL)");
        sql.exec("CREATE TABLE stages (seq INTEGER PRIMARY KEY AUTOINCREMENT, stage TEXT NOT NULL, at INTEGER NOT NULL)");
        sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', 1)");
      });
    }
    storage.transactionSync(() => {
      sql.exec("INSERT OR REPLACE INTO model (id, version, rules) VALUES (1, 1, ?)", MODEL_JSON);
      for (let i = 0; i < events; i++) {
        const id = `e${at}-${i}`;
        if (sql.exec("SELECT 1 FROM events WHERE id = ?", id).toArray().length) continue;
        sql.exec(
          `INSERT INTO events (id, received_at, ts, type, sid, url, name, props, traits, scored, points)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          id, at, at, "pageview", "s1", "http://bench.local/pricing", null, '{"title":"P"}', null, 1, 0,
        );
      }
      sql.exec("INSERT INTO stages (stage, at) VALUES (?, ?)", "visitor", at);
      sql.exec(
        `INSERT OR REPLACE INTO profile (id, site, stage, scoring, edge_country, first_seen_at, last_seen_at, mql_at)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
        "bench", "visitor", SCORING_JSON, null, at, at, null,
      );
    });
    return 1;
  }
}

// Stand-ins of about the size collect stores (a default model, a scoring state).
const MODEL_JSON = JSON.stringify({
  thresholds: { total: 50, fit: 10, engagement: 20 },
  rules: Array.from({ length: 12 }, (_, i) => ({
    id: `rule_${i}`, kind: i % 2 ? "fit" : "engagement", points: 10,
    when: { event: "pageview", url: `/path-${i}/*` }, cap: 3, period: "day",
  })),
});
const SCORING_JSON = JSON.stringify({
  counters: Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`rule_${i}`, { n: 1, last: 0 }])),
  traits: {}, lines: [],
});

export default {
  async fetch(request, env) {
    const { pathname, searchParams } = new URL(request.url);
    await request.arrayBuffer();
    if (pathname === "/__bench/noop") return new Response('{"ok":true}', { headers: { "Content-Type": "application/json" } });
    if (pathname === "/__bench/one-row") {
      const stub = env.OBJ.getByName(`visitor:bench:${crypto.randomUUID()}`);
      await stub.write(Date.now());
      return new Response('{"ok":true}', { headers: { "Content-Type": "application/json" } });
    }
    if (pathname === "/__bench/same-sql") {
      const stub = env.OBJ.getByName(`visitor:bench:${crypto.randomUUID()}`);
      await stub.sameSql(Date.now(), Number(searchParams.get("n") ?? 10));
      return new Response('{"ok":true}', { headers: { "Content-Type": "application/json" } });
    }
    return new Response("not found", { status: 404 });
  },
};
