/**
 * Profile: one person as a site knows them, a Durable Object with SQLite storage.
 * One object per (site, visitor id) for an anonymous browser; leads get one per
 * (site, keyed hash of the email) — see lib/identity.ts for the names.
 *
 * Storage schema (migrations below, versioned in `meta`):
 *   profile  one row: site, stage, the scoring state (per-rule counters, traits,
 *            decay; shared/rules), first and last seen, the country first seen at
 *            the edge, mqlAt
 *   model    one row: the scoring model in use and its rules version, written only
 *            when it changes (it is the largest value, and rarely changes)
 *   events   every accepted event, once per id; `seq` is arrival order (receive
 *            time, then position in the batch), the order scoring uses
 *   stages   every stage the profile entered, with when
 *
 * Invariants:
 *   - an event id is stored at most once; a duplicate changes nothing
 *   - the scoring state equals a replay of `events` in `seq` order under `model`
 *     (batches apply incrementally; a newer rules version replays)
 *   - the model never goes back to an older rules version than the profile has seen
 *   - scoring moves the stage forward only; `stages` records every change
 *   - a batch is applied in one storage transaction, and answered once durable
 *
 * All state changes go through `collect` (and, later, feedback and erase).
 */
import { DurableObject } from "cloudflare:workers";
import type { Stage } from "../../../shared/events";
import {
  applyEvent, emptyState, qualifies, replay, scoredStage, scoreOf, STAGES,
  type ProfileEvent, type Score, type ScoringModel, type ScoringState,
} from "../../../shared/rules";
import { hasSchema, migrate } from "./migrate";

/** What a profile needs to know of its site to score a batch. */
export interface ScoringSite {
  id: string;
  rulesVersion: number;
  model: ScoringModel;
}

export interface Batch {
  site: ScoringSite;
  events: ProfileEvent[];
  /** The country the edge saw the request come from, if any. */
  edgeCountry?: string;
  now: number;
}

export interface ProfileState {
  profile: string;
  stage: Stage;
  score: Score;
}

export interface BatchResult {
  state: ProfileState;
  accepted: number;
  duplicates: number;
}

const MIGRATIONS = [
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
];

interface ProfileRow {
  site: string;
  stage: Stage;
  scoring: ScoringState;
  edgeCountry: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
  mqlAt: number | null;
}

/** The model a profile scores with: a site's rules at one version. */
type Rules = Pick<ScoringSite, "rulesVersion" | "model">;

type EventRow = {
  seq: number; id: string; received_at: number; ts: number; type: ProfileEvent["type"];
  sid: string | null; url: string | null; name: string | null; props: string | null; traits: string | null; scored: number;
};

export class Profile extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;
  private migrated = false;
  /** The stored profile and model, read once per object lifetime (undefined: not read yet). */
  private row: ProfileRow | null | undefined;
  private rules: Rules | undefined;

  /** Applies a batch: dedupes by id, scores what is new, moves the stage, all in one transaction. */
  collect(batch: Batch): BatchResult {
    if (!this.migrated) migrate(this.ctx.storage, MIGRATIONS);
    this.migrated = true;
    const stored = this.load();
    const row: ProfileRow = stored ?? {
      site: batch.site.id,
      stage: "visitor",
      scoring: emptyState(),
      edgeCountry: batch.edgeCountry ?? null,
      firstSeenAt: batch.now,
      lastSeenAt: batch.now,
      mqlAt: null,
    };
    let accepted = 0;
    let duplicates = 0;
    try {
      this.ctx.storage.transactionSync(() => {
        const rules = this.rulesFor(row, batch.site, batch.now);
        for (const event of batch.events) {
          if (this.sql.exec("SELECT 1 FROM events WHERE id = ?", event.id).toArray().length) {
            duplicates++;
            continue;
          }
          const points = applyEvent(rules.model, row.scoring, event);
          this.sql.exec(
            `INSERT INTO events (id, received_at, ts, type, sid, url, name, props, traits, scored, points)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            event.id, event.receivedAt, event.ts, event.type, event.sid ?? null, event.url ?? null,
            event.name ?? null, json(event.props), json(event.traits), event.scored ? 1 : 0, points,
          );
          this.advanceStage(row, rules.model, event.receivedAt);
          accepted++;
        }
        row.lastSeenAt = batch.now;
        this.save(row);
      });
    } catch (err) {
      // The transaction rolled back; forget the in-memory copy it had started to change.
      this.row = this.rules = undefined;
      throw err;
    }
    return { state: this.stateOf(row, batch.now), accepted, duplicates };
  }

  /** The profile's stage and score now, or null if it holds nothing. */
  state(now: number): ProfileState | null {
    const row = this.load();
    return row ? this.stateOf(row, now) : null;
  }

  private stateOf(row: ProfileRow, now: number): ProfileState {
    const { fit, engagement, total } = scoreOf(this.rules!.model, row.scoring, now);
    return { profile: this.ctx.id.toString(), stage: row.stage, score: { fit, engagement, total } };
  }

  /**
   * The model to score with: the site's, unless the profile has already seen a
   * newer version (an isolate's cached config can lag). A newer one replays the
   * kept events.
   */
  private rulesFor(row: ProfileRow, site: ScoringSite, now: number): Rules {
    const current = this.rules;
    if (current && current.rulesVersion >= site.rulesVersion) return current;
    const rules = { rulesVersion: site.rulesVersion, model: site.model };
    this.sql.exec("INSERT OR REPLACE INTO model (id, version, rules) VALUES (1, ?, ?)", rules.rulesVersion, JSON.stringify(rules.model));
    this.rules = rules;
    if (current) this.rescore(row, rules.model, now);
    return rules;
  }

  /** Replays the kept events under `model`, rewriting each event's points. */
  private rescore(row: ProfileRow, model: ScoringModel, now: number): void {
    const rows = this.sql.exec<EventRow>("SELECT * FROM events ORDER BY seq").toArray();
    const result = replay(model, rows.map(eventOf), now);
    rows.forEach((r, i) => this.sql.exec("UPDATE events SET points = ? WHERE seq = ?", result.points[i] ?? 0, r.seq));
    row.scoring = result.state;
    this.advanceStage(row, model, now);
  }

  /**
   * Scoring moves the stage forward only. A jump (visitor → mql on one event) is
   * recorded stage by stage, so the history holds every stage passed; mqlAt is
   * set once per qualification.
   */
  private advanceStage(row: ProfileRow, model: ScoringModel, at: number): void {
    const country = row.scoring.traits.country ?? row.edgeCountry ?? undefined;
    const target = scoredStage(row.stage, {
      hasEmail: Boolean(row.scoring.traits.email),
      qualifies: qualifies(model, scoreOf(model, row.scoring, at), country),
    });
    if (target === row.stage) return;
    for (const stage of STAGES.slice(STAGES.indexOf(row.stage) + 1, STAGES.indexOf(target) + 1)) {
      this.sql.exec("INSERT INTO stages (stage, at) VALUES (?, ?)", stage, at);
    }
    row.stage = target;
    if (target === "mql") row.mqlAt = at;
  }

  private load(): ProfileRow | null {
    if (this.row !== undefined) return this.row;
    const r = hasSchema(this.ctx.storage) ? this.sql.exec("SELECT * FROM profile").toArray()[0] : undefined;
    const m = r && this.sql.exec("SELECT version, rules FROM model").toArray()[0];
    this.rules = m ? { rulesVersion: m.version as number, model: JSON.parse(m.rules as string) } : undefined;
    this.row = r
      ? {
          site: r.site as string,
          stage: r.stage as Stage,
          scoring: JSON.parse(r.scoring as string),
          edgeCountry: r.edge_country as string | null,
          firstSeenAt: r.first_seen_at as number,
          lastSeenAt: r.last_seen_at as number,
          mqlAt: r.mql_at as number | null,
        }
      : null;
    return this.row;
  }

  private save(row: ProfileRow): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO profile (id, site, stage, scoring, edge_country, first_seen_at, last_seen_at, mql_at)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
      row.site, row.stage, JSON.stringify(row.scoring), row.edgeCountry, row.firstSeenAt, row.lastSeenAt, row.mqlAt,
    );
    this.row = row;
  }
}

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function eventOf(r: EventRow): ProfileEvent {
  return {
    id: r.id,
    type: r.type,
    receivedAt: r.received_at,
    ts: r.ts,
    scored: r.scored === 1,
    ...(r.sid !== null && { sid: r.sid }),
    ...(r.url !== null && { url: r.url }),
    ...(r.name !== null && { name: r.name }),
    ...(r.props !== null && { props: JSON.parse(r.props) }),
    ...(r.traits !== null && { traits: JSON.parse(r.traits) }),
  };
}
