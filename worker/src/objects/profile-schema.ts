/**
 * The Profile object's SQLite schema (see profile.ts for its invariants) and the
 * mapping between rows and the rules engine's plain data.
 */
import type { NotScored, ProfileEvent, ScoringState, Stage } from "../../../shared/rules";
import type { Migrations } from "./migrate";

export const MIGRATIONS: Migrations = [
  [
    `CREATE TABLE profile (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       site TEXT NOT NULL,
       stage TEXT NOT NULL,
       scoring TEXT NOT NULL,
       edge_country TEXT,
       first_seen_at INTEGER NOT NULL,
       last_seen_at INTEGER NOT NULL,
       mql_at INTEGER)`,
    `CREATE TABLE events (
       seq INTEGER PRIMARY KEY AUTOINCREMENT,
       id TEXT NOT NULL UNIQUE,
       received_at INTEGER NOT NULL,
       ts INTEGER NOT NULL,
       type TEXT NOT NULL,
       sid TEXT,
       url TEXT,
       name TEXT,
       props TEXT,
       traits TEXT,
       scored INTEGER NOT NULL,
       points REAL NOT NULL)`,
    `CREATE TABLE model (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, rules TEXT NOT NULL)`,
    `CREATE TABLE stages (seq INTEGER PRIMARY KEY AUTOINCREMENT, stage TEXT NOT NULL, at INTEGER NOT NULL)`,
  ],
  // Identity: leads, the visitors merged into them, and the outbox of a visitor's events to its lead.
  [
    `ALTER TABLE profile ADD COLUMN kind TEXT NOT NULL DEFAULT 'visitor'`,
    `ALTER TABLE profile ADD COLUMN lead TEXT`,
    `ALTER TABLE profile ADD COLUMN verified INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE profile ADD COLUMN registered INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE events ADD COLUMN lead TEXT`,
    `ALTER TABLE events ADD COLUMN forwarded INTEGER NOT NULL DEFAULT 0`,
    `CREATE INDEX events_outbox ON events (seq) WHERE lead IS NOT NULL AND forwarded = 0`,
    `ALTER TABLE stages ADD COLUMN origin TEXT NOT NULL DEFAULT 'scoring'`,
    `ALTER TABLE stages ADD COLUMN detail TEXT`,
    `CREATE TABLE visitors (id TEXT PRIMARY KEY, verified INTEGER NOT NULL, first_at INTEGER NOT NULL)`,
    `ALTER TABLE model ADD COLUMN internal_domains TEXT NOT NULL DEFAULT '[]'`,
  ],
  // Handing leads to sales: the outbox of webhooks, export records and metrics.
  [
    `CREATE TABLE outbox (
       n INTEGER PRIMARY KEY AUTOINCREMENT,
       id TEXT NOT NULL UNIQUE,
       kind TEXT NOT NULL,
       payload TEXT NOT NULL,
       created_at INTEGER NOT NULL,
       due_at INTEGER NOT NULL,
       attempts INTEGER NOT NULL DEFAULT 0,
       last_error TEXT,
       failed_at INTEGER)`,
    `ALTER TABLE profile ADD COLUMN export_key TEXT`,
  ],
  // Retention: what events older than the site's retentionDays left in the scoring state.
  [
    `ALTER TABLE profile ADD COLUMN folded TEXT`,
    `ALTER TABLE profile ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 395`,
  ],
  // Lighter new objects. The lead's tables (visitors, outbox) are versioned apart from
  // here on (PERSON_MIGRATIONS): objects from before have them, from steps 2 and 3. Events bound
  // for a lead are found without an index: only a visitor that gave an email looks.
  [
    `INSERT OR IGNORE INTO meta (key, value) VALUES ('lead_schema_version', 1)`,
    `DROP INDEX IF EXISTS events_outbox`,
  ],
  // The rules version a profile scores with, kept on its row: an anonymous visitor stores
  // no model (PERSON_MIGRATIONS); null in objects from before, whose model table says it.
  [`ALTER TABLE profile ADD COLUMN rules_version INTEGER`],
  // The MQL service level (docs/api.md#patch-v1sitessite, `mqlSlaDays`), as the profile last heard it.
  [`ALTER TABLE profile ADD COLUMN mql_sla_days INTEGER`],
];

/**
 * A profile created at this version has no `meta` (migrate.ts `bare`): a new
 * anonymous visitor, the most common object, creates two tables, not three. So an
 * object's version is `meta`'s when it has one, else this when it has a profile
 * table, else 0. Once MIGRATIONS grow past it, new objects get `meta` again (and
 * older bare ones theirs on migrating), until another way to tell is found.
 */
export const BARE_SCHEMA_VERSION = 7;

/** An object's version as its tables tell it: `meta`'s version, or the bare one (above). */
export function schemaVersionOf(tables: ReadonlySet<string>, metaVersion: number | undefined): number {
  return metaVersion ?? (tables.has("profile") ? BARE_SCHEMA_VERSION : 0);
}

/**
 * The schema MIGRATIONS end at, as a new object creates it, without the person part
 * (test/worker/schema.test.ts keeps the two equal once both have it). Sequence
 * columns are plain rowids here: AUTOINCREMENT in the first step only adds that a
 * deleted newest row's number is never used again, which nothing here relies on,
 * and costs a table and a write per insert.
 */
export const CURRENT_SCHEMA: readonly string[] = [
  `CREATE TABLE profile (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     site TEXT NOT NULL,
     stage TEXT NOT NULL,
     scoring TEXT NOT NULL,
     edge_country TEXT,
     first_seen_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     mql_at INTEGER,
     kind TEXT NOT NULL DEFAULT 'visitor',
     lead TEXT,
     verified INTEGER NOT NULL DEFAULT 0,
     registered INTEGER NOT NULL DEFAULT 0,
     export_key TEXT,
     folded TEXT,
     retention_days INTEGER NOT NULL DEFAULT 395,
     rules_version INTEGER,
     mql_sla_days INTEGER)`,
  `CREATE TABLE events (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     received_at INTEGER NOT NULL,
     ts INTEGER NOT NULL,
     type TEXT NOT NULL,
     sid TEXT,
     url TEXT,
     name TEXT,
     props TEXT,
     traits TEXT,
     scored INTEGER NOT NULL,
     points REAL NOT NULL,
     lead TEXT,
     forwarded INTEGER NOT NULL DEFAULT 0)`,
];

/**
 * The person part: tables only an object that holds a person (someone who gave
 * an email) needs: its stage history and model, and a lead's merged visitors and outbox.
 * Created when an object first acts as a lead or changes stage, versioned in
 * `meta` under `lead_schema_version` (its name from when it held only the lead's
 * tables). Most objects are anonymous visitors that never need it, and every
 * table is work when an object is created. Objects from before have the tables
 * already (hence IF NOT EXISTS).
 */
export const PERSON_MIGRATIONS: Migrations = [
  [
    `CREATE TABLE IF NOT EXISTS visitors (id TEXT PRIMARY KEY, verified INTEGER NOT NULL, first_at INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS outbox (
       n INTEGER PRIMARY KEY,
       id TEXT NOT NULL UNIQUE,
       kind TEXT NOT NULL,
       payload TEXT NOT NULL,
       created_at INTEGER NOT NULL,
       due_at INTEGER NOT NULL,
       attempts INTEGER NOT NULL DEFAULT 0,
       last_error TEXT,
       failed_at INTEGER)`,
  ],
  // A person's stage history, and the model it scores with, kept so that its timers and
  // its visitors' questions need no caller's site (an anonymous visitor has neither: its
  // stage never changes, and its site's config gives the model when no batch brings it).
  [
    `CREATE TABLE IF NOT EXISTS stages (
       seq INTEGER PRIMARY KEY,
       stage TEXT NOT NULL,
       at INTEGER NOT NULL,
       origin TEXT NOT NULL DEFAULT 'scoring',
       detail TEXT)`,
    `CREATE TABLE IF NOT EXISTS model (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       version INTEGER NOT NULL,
       rules TEXT NOT NULL,
       internal_domains TEXT NOT NULL DEFAULT '[]')`,
  ],
  // Accounts (objects/account.ts): what the profile last told each of its accounts. A
  // visitor that joins its company's account gets the person part too, for this and the outbox.
  [`CREATE TABLE accounts (key TEXT PRIMARY KEY, seq INTEGER NOT NULL, report TEXT)`],
  // Claimed events (docs/api.md, Trust model): a lead's events from a browser that only
  // claimed its email. Only a lead holds any, and a lead has the person part.
  [`ALTER TABLE events ADD COLUMN claimed INTEGER NOT NULL DEFAULT 0`],
  // CRM sync (docs/crm.md): what each connected CRM holds of the lead.
  [`CREATE TABLE crm (crm TEXT PRIMARY KEY, record_id TEXT, synced_at INTEGER, error TEXT, error_at INTEGER)`],
];
export const PERSON_SCHEMA_VERSION_KEY = "lead_schema_version";

export type ProfileKind = "visitor" | "lead";

/** The `profile` row as the object works with it. */
export interface ProfileRow {
  kind: ProfileKind;
  site: string;
  stage: Stage;
  scoring: ScoringState;
  edgeCountry: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
  mqlAt: number | null;
  /** A visitor's lead (object name), once it gave an email. */
  lead: string | null;
  /** A visitor's identity was verified (signed) for its current lead. */
  verified: boolean;
  /** A lead is listed in its site's registry (sites/leads.ts). Stored in the `registered` column, as `inCohort` is. */
  inRegistry: boolean;
  /** A visitor is listed in its cohort (objects/cohort.ts), which keeps its retention. */
  inCohort: boolean;
  /** A lead's export record's KV key, once it has been an MQL. */
  exportKey: string | null;
  /** What the events dropped for retention left (the scoring state after them, and when they stop): replays start from it. */
  folded: { state: ScoringState; before: number } | null;
  /** The site's retentionDays, as the profile last heard it. */
  retentionDays: number;
  /** The rules version the profile scores with; 0 before its first. */
  rulesVersion: number;
  /** The site's mqlSlaDays, as the profile last heard it (null: none). */
  mqlSlaDays: number | null;
}

export type EventRow = {
  seq: number; id: string; received_at: number; ts: number; type: ProfileEvent["type"];
  sid: string | null; url: string | null; name: string | null; props: string | null; traits: string | null;
  /** 1, or why not scored (NOT_SCORED_CODES). */
  scored: number; points: number; lead: string | null; forwarded: number;
  /** 1: a claimed event (a column of the person part: absent from an anonymous visitor's rows). */
  claimed?: number;
};

export function rowOf(r: Record<string, SqlStorageValue>): ProfileRow {
  return {
    kind: r.kind as ProfileKind,
    site: r.site as string,
    stage: r.stage as Stage,
    scoring: JSON.parse(r.scoring as string),
    edgeCountry: r.edge_country as string | null,
    firstSeenAt: r.first_seen_at as number,
    lastSeenAt: r.last_seen_at as number,
    mqlAt: r.mql_at as number | null,
    lead: r.lead as string | null,
    verified: r.verified === 1,
    inRegistry: r.kind === "lead" && r.registered === 1,
    inCohort: r.kind !== "lead" && r.registered === 1,
    exportKey: r.export_key as string | null,
    folded: r.folded ? JSON.parse(r.folded as string) : null,
    retentionDays: r.retention_days as number,
    rulesVersion: (r.rules_version as number | null) ?? 0,
    mqlSlaDays: r.mql_sla_days as number | null,
  };
}

export function saveRow(sql: SqlStorage, row: ProfileRow): void {
  sql.exec(
    `INSERT OR REPLACE INTO profile
       (id, kind, site, stage, scoring, edge_country, first_seen_at, last_seen_at, mql_at, lead, verified, registered, export_key, folded, retention_days, rules_version, mql_sla_days)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    row.kind, row.site, row.stage, JSON.stringify(row.scoring), row.edgeCountry, row.firstSeenAt, row.lastSeenAt,
    row.mqlAt, row.lead, row.verified ? 1 : 0, (row.kind === "lead" ? row.inRegistry : row.inCohort) ? 1 : 0, row.exportKey,
    row.folded ? JSON.stringify(row.folded) : null, row.retentionDays, row.rulesVersion, row.mqlSlaDays,
  );
}

/**
 * The `scored` column: 1 scored; else why not (docs/api.md, Profiles), 0 for events
 * stored before reasons were kept. A code in the column it always had: no migration,
 * and a visitor's rows carry it to the lead like every other column.
 */
const NOT_SCORED_CODES = { bot: 2, excluded_address: 3, staff: 4 } as const satisfies Record<NotScored, number>;
export const STAFF_CODE = NOT_SCORED_CODES.staff;
const notScoredOf = (code: number) =>
  (Object.keys(NOT_SCORED_CODES) as NotScored[]).find((reason) => NOT_SCORED_CODES[reason] === code);

/** An event to store: with the points it gave, and the lead it belongs to (a visitor's). */
export type NewEvent = readonly [event: ProfileEvent, points: number, lead: string | null];

/** The unique column an event's id is stored in, as SQLite names it when an insert meets a stored id. */
export const EVENT_ID = "events.id";
const EVENT_COLUMNS = ["id", "received_at", "ts", "type", "sid", "url", "name", "props", "traits", "scored", "points", "lead"];
/**
 * One statement for any number of events, each a JSON array of its columns: one
 * crossing into SQLite, and no limit on bound values (workerd takes at most 100).
 */
const insertInto = (columns: readonly string[]) => `INSERT INTO events (${columns.join(", ")})
  SELECT ${columns.map((_, i) => `value ->> ${i}`).join(", ")} FROM json_each(?) ORDER BY key`;
const INSERT_EVENTS = insertInto(EVENT_COLUMNS);
/** With the `claimed` column, which only a lead's storage has (the person part). */
const INSERT_CLAIMED_EVENTS = insertInto([...EVENT_COLUMNS, "claimed"]);

/** Stores events in arrival order. */
export function insertEvents(sql: SqlStorage, events: readonly NewEvent[]): void {
  if (!events.length) return;
  const claims = events.some(([event]) => event.claimed);
  sql.exec(claims ? INSERT_CLAIMED_EVENTS : INSERT_EVENTS, JSON.stringify(events.map(([event, points, lead]) => [
    event.id, event.receivedAt, event.ts, event.type, event.sid ?? null, event.url ?? null,
    event.name ?? null, json(event.props), json(event.traits), event.scored ? 1 : event.notScored ? NOT_SCORED_CODES[event.notScored] : 0, points, lead,
    ...(claims ? [event.claimed ? 1 : 0] : []),
  ])));
}

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export function eventOf(r: EventRow): ProfileEvent {
  const notScored = notScoredOf(r.scored);
  return {
    id: r.id,
    type: r.type,
    receivedAt: r.received_at,
    ts: r.ts,
    scored: r.scored === 1,
    ...(notScored && { notScored }),
    ...(r.sid !== null && { sid: r.sid }),
    ...(r.url !== null && { url: r.url }),
    ...(r.name !== null && { name: r.name }),
    ...(r.props !== null && { props: JSON.parse(r.props) }),
    ...(r.traits !== null && { traits: JSON.parse(r.traits) }),
    ...(r.claimed === 1 && { claimed: true }),
  };
}
