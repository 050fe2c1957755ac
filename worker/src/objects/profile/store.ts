/**
 * A Profile object's storage as the object works with it: its schema, created and
 * migrated when first needed (profile-schema.ts), the profile row and the rules it
 * scores with, read once per object lifetime, and the reads its parts share.
 */
import { emptyState, replay, type ProfileEvent, type Replayed, type ScoringModel, type Stage } from "../../../../shared/rules";
import type { Claims } from "../../exports/record";
import { migrate } from "../migrate";
import {
  BARE_SCHEMA_VERSION, CURRENT_SCHEMA, eventOf, MIGRATIONS, PERSON_MIGRATIONS, PERSON_SCHEMA_VERSION_KEY, rowOf, schemaVersionOf,
  type EventRow, type ProfileKind, type ProfileRow,
} from "../profile-schema";
import type { ScoringSite, StageOrigin } from "../../domain/profile";
import type { Batch, StageChange } from "./types";

/** The rules a profile scores with: a site's at one version. */
export type Rules = Pick<ScoringSite, "rulesVersion" | "model" | "internalDomains">;
export const rulesOf = ({ rulesVersion, model, internalDomains }: ScoringSite): Rules => ({ rulesVersion, model, internalDomains });

/** What an object's storage held when it was first read in this lifetime (ProfileStore.open). */
interface Held {
  /** It has the profile's tables: it was written as a profile (a visitor's tombstone alone is not). */
  profile: boolean;
  /** The versions of its schema and of its person part (0: none). */
  version: number;
  personVersion: number;
  /** It is an erased visitor's tombstone. */
  erased: boolean;
}

export class ProfileStore {
  readonly sql: SqlStorage;
  private migrated = false;
  /** The stored profile and its rules, read once per object lifetime (undefined: not read yet). */
  row: ProfileRow | null | undefined;
  rules: Rules | undefined;
  /** What the object's storage held when first read this lifetime (undefined: not read yet). */
  private held: Held | undefined;
  /** Whether the object has the person part of the schema, up to date (undefined: not known yet). */
  private personPart: boolean | undefined;
  /** When the oldest kept event arrived, null when none (undefined: not read yet). */
  oldestArrival: number | null | undefined;
  /** What the site's webhook wants, as the latest caller knew it (ScoringSite.webhookStages). */
  webhookStages: readonly Stage[] | null | undefined;
  /** What the site's CRMs sync, as the latest caller knew it (ScoringSite.crmStages). */
  crmStages: ScoringSite["crmStages"];

  /** The site as the profile last scored with it: enough to forward its unsent events. */
  storedSite(row: ProfileRow): ScoringSite {
    return { id: row.site, ...this.rules!, webhookStages: undefined, retentionDays: row.retentionDays, mqlSlaDays: row.mqlSlaDays };
  }

  /** `created`: the object was just created, so it has no alarm. */
  constructor(private readonly storage: DurableObjectStorage, private readonly created: () => void) {
    this.sql = storage.sql;
  }

  /**
   * What the object holds, read once per lifetime: its tables, and `meta` when it has
   * one (versions, tombstone). Reading a never-written object must not create it.
   */
  open(): Held {
    if (this.held) return this.held;
    const tables = new Set(this.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray().map((t) => t.name));
    const meta = new Map(tables.has("meta")
      ? this.sql.exec<{ key: string; value: number }>("SELECT key, value FROM meta").toArray().map((m) => [m.key, m.value])
      : []);
    return (this.held = {
      profile: tables.has("profile"),
      version: schemaVersionOf(tables, meta.get("schema_version")),
      personVersion: meta.get(PERSON_SCHEMA_VERSION_KEY) ?? 0,
      erased: meta.has("erased_at"),
    });
  }

  ensureSchema(): void {
    if (this.migrated) return;
    const from = this.open().version;
    const done = migrate(this.storage, MIGRATIONS, { current: CURRENT_SCHEMA, from, bare: MIGRATIONS.length === BARE_SCHEMA_VERSION });
    if (done === "created") {
      // A new object: no alarm, no person part. No need to ask.
      this.created();
      this.personPart = false;
      this.held = { ...this.held!, profile: true, version: MIGRATIONS.length };
    } else if (done === "migrated") {
      this.held = undefined; // a step may have written `meta` (the person part's version): read it again
    }
    this.migrated = true;
  }

  /** Creates (or brings up to date) the person part of the schema (profile-schema.ts). */
  ensurePersonPart(): void {
    if (this.personPart) return;
    this.ensureSchema();
    const from = this.open().personVersion;
    const made = migrate(this.storage, PERSON_MIGRATIONS, { versionKey: PERSON_SCHEMA_VERSION_KEY, from }) === "created";
    this.held = { ...this.held!, personVersion: PERSON_MIGRATIONS.length };
    this.personPart = true;
    if (made && this.rules) this.storeModel(this.rules);
  }

  /** Whether the object has the person part (then brought up to date). */
  hasPersonPart(): boolean {
    if (this.personPart === undefined) {
      const { profile, personVersion } = this.open();
      this.personPart = false;
      if (profile && personVersion > 0) this.ensurePersonPart();
    }
    return this.personPart;
  }

  erased(): boolean {
    return this.open().erased;
  }

  /** Forgets the in-memory copy: the next read reads storage again. */
  forget(): void {
    this.row = this.rules = this.held = this.personPart = this.oldestArrival = undefined;
    this.migrated = false;
  }

  load(): ProfileRow | null {
    if (this.row !== undefined) return this.row;
    // Reading a never-written object must not create it; a written one may need migrating first.
    if (this.open().profile) this.ensureSchema();
    const stored = this.migrated ? this.sql.exec("SELECT * FROM profile").toArray()[0] : undefined;
    // A person keeps its model; objects from before the version was on the row (null) all do.
    const kept = stored && (stored.rules_version === null || this.hasPersonPart());
    const m = kept && this.sql.exec("SELECT version, rules, internal_domains FROM model").toArray()[0];
    this.rules = m
      ? { rulesVersion: m.version as number, model: JSON.parse(m.rules as string), internalDomains: JSON.parse(m.internal_domains as string) }
      : undefined;
    this.row = stored ? rowOf(stored) : null;
    if (this.row && this.rules) this.row.rulesVersion ||= this.rules.rulesVersion;
    return this.row;
  }

  storeModel(rules: Rules): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO model (id, version, rules, internal_domains) VALUES (1, ?, ?, ?)",
      rules.rulesVersion, JSON.stringify(rules.model), JSON.stringify(rules.internalDomains),
    );
  }

  /** When the oldest kept event arrived, or null: read once, then kept as events come and go. */
  oldestEventArrival(): number | null {
    return (this.oldestArrival ??= this.sql.exec<{ at: number | null }>("SELECT min(received_at) AS at FROM events").one().at);
  }

  stageHistory(): StageChange[] {
    if (!this.hasPersonPart()) return [];
    return this.sql.exec<{ stage: Stage; at: number; origin: StageOrigin; detail: string | null }>(
      "SELECT stage, at, origin, detail FROM stages ORDER BY seq",
    ).toArray().map(({ stage, at, origin, detail }) => {
      const { reasonCode, reason, crmId } = detail ? JSON.parse(detail) : {};
      return { stage, at, origin, ...(reasonCode && { reasonCode }), ...(reason && { reason }), ...(crmId && { crmId }) };
    });
  }

  /** The last stage change: its stage and why. */
  lastStageChange(): { stage: Stage; origin: StageOrigin } | undefined {
    return this.sql.exec<{ stage: Stage; origin: StageOrigin }>("SELECT stage, origin FROM stages ORDER BY seq DESC LIMIT 1").toArray()[0];
  }

  /** When sales recycled the profile to nurture, or its MQL expired (replays recycle there too). */
  recycles(): number[] {
    if (!this.hasPersonPart()) return [];
    return this.sql.exec<{ detail: string }>("SELECT detail FROM stages WHERE origin IN ('feedback', 'expiry') AND stage = 'lead'")
      .toArray().map((r) => JSON.parse(r.detail).recycledAt as number);
  }

  /** A replay's reading half: what the current person's kept events give under `model`, from `folded`, with the recycles. */
  replayOf(row: ProfileRow, model: ScoringModel, now: number): { rows: EventRow[]; result: Replayed } {
    const rows = this.sql.exec<EventRow>("SELECT * FROM events WHERE lead IS ? ORDER BY received_at, seq", row.lead).toArray();
    const folded = row.folded;
    const recycledAt = this.recycles().filter((at) => !folded || at >= folded.before);
    return { rows, result: replay(model, rows.map(eventOf), now, recycledAt, folded?.state) };
  }

  /** Which of these events' ids the profile already holds (one query for the batch). */
  storedIds(events: readonly ProfileEvent[]): Set<string> {
    const ids = JSON.stringify(events.map((e) => e.id));
    return new Set(this.sql.exec<{ id: string }>("SELECT id FROM events WHERE id IN (SELECT value FROM json_each(?))", ids).toArray().map((r) => r.id));
  }

  /** Events bound for a lead not sent yet: only a visitor that gave an email asks (most never do: no query). */
  hasUnsentEvents(): boolean {
    return this.sql.exec("SELECT 1 FROM events WHERE lead IS NOT NULL AND forwarded = 0 LIMIT 1").toArray().length > 0;
  }

  /** The person's first (or last) page view: where they came from. */
  firstTouch(order: "ASC" | "DESC" = "ASC"): ProfileEvent | null {
    const r = this.sql.exec<EventRow>(
      `SELECT * FROM events WHERE type = 'pageview' ORDER BY received_at ${order}, seq ${order} LIMIT 1`,
    ).toArray()[0];
    return r ? eventOf(r) : null;
  }

  /** What of a lead only claims gave (docs/api.md, Trust model): the traits they alone set, and their kept events. */
  claimsOf(row: ProfileRow): Claims {
    const events = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM events WHERE claimed = 1").one().n;
    return { claimedTraits: row.scoring.claimed ?? [], claimedEvents: events };
  }
}

/** A profile's row before its first event is stored. */
export function newRow(kind: ProfileKind, batch: Batch): ProfileRow {
  return {
    kind,
    site: batch.site.id,
    stage: "visitor",
    scoring: emptyState(),
    edgeCountry: batch.edgeCountry ?? null,
    firstSeenAt: batch.now,
    lastSeenAt: 0,
    mqlAt: null,
    lead: null,
    verified: false,
    inRegistry: false,
    inCohort: false,
    exportKey: null,
    folded: null,
    retentionDays: batch.site.retentionDays,
    rulesVersion: 0,
    mqlSlaDays: batch.site.mqlSlaDays,
  };
}
