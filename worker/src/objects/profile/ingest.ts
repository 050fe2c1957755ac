/**
 * Ingest: a batch deduped by event id, stored, scored and its stage moved, in one
 * transaction; a visitor's batch also links identities (a first email merges its history).
 */
import { applyEvent, emptyState, scoreOf, type ProfileEvent, type ScoringModel, type ScoringState, type Traits } from "../../../../shared/rules";
import { EVENT_ID, STAFF_CODE, insertEvents, saveRow, type NewEvent, type ProfileKind, type ProfileRow } from "../profile-schema";
import type { ProfileScoring } from "./scoring";
import { quietRescore, type StageChanges } from "./stage-changes";
import { newRow, type ProfileStore, type Rules } from "./store";
import type { BatchActivity, Identity, IncomingEvent, LeadBatch } from "./types";

/** What applying a batch did: its counts, and its activity but whether the person qualified. */
type Applied = { accepted: number; duplicates: number; activity: Omit<BatchActivity, "qualified"> };

export class Ingest {
  /** `transaction`: the object's, which forgets its in-memory copy when a change fails. */
  constructor(
    private readonly store: ProfileStore, private readonly stages: StageChanges, private readonly scoring: ProfileScoring,
    private readonly transaction: (change: () => void) => void,
  ) {}

  /**
   * Dedupes, stores and scores a batch in one transaction; a visitor also links
   * identities. `listed`: a new visitor is in its cohort already. Most batches
   * hold no event stored before, so stored ids are looked up only once an insert
   * meets one (a resent batch): then the transaction is rolled back and run again.
   */
  apply(kind: ProfileKind, batch: LeadBatch, listed = false): Applied {
    try {
      return this.applyOnce(kind, batch, listed, false);
    } catch (err) {
      if (!String(err).includes(`UNIQUE constraint failed: ${EVENT_ID}`)) throw err;
      return this.applyOnce(kind, batch, listed, true);
    }
  }

  private applyOnce(kind: ProfileKind, batch: LeadBatch, listed: boolean, lookUpStored: boolean): Applied {
    if (kind === "lead") this.store.ensurePersonPart();
    else this.store.ensureSchema();
    const stored = this.store.load();
    const row = stored ?? { ...newRow(kind, batch), inCohort: listed };
    // The country first seen at the edge: a profile begun without one (a server event) takes the first that comes.
    row.edgeCountry ??= batch.edgeCountry ?? null;
    let accepted = 0;
    let duplicates = 0;
    let points: Record<string, number> = {};
    this.transaction(() => {
      const rules = this.scoring.rulesFor(row, batch.site, batch.now, quietRescore(batch.now));
      // A new profile has no points yet: nothing to compare with.
      let before = stored === null ? new Map<string, number>() : pointsByRule(rules.model, row.scoring, batch.now);
      let outOfOrder = false;
      // A lead marks what a browser that only claimed its email sent (docs/api.md, Trust model).
      const claimed = kind === "lead" && batch.from?.verified === false;
      const seen = stored !== null && lookUpStored ? this.store.storedIds(batch.events) : new Set<string>();
      // The batch's events are stored together, and before anything reads or changes the stored ones.
      const unwritten: NewEvent[] = [];
      const write = () => insertEvents(this.store.sql, unwritten.splice(0));
      for (const event of batch.events) {
        if (seen.has(event.id)) {
          duplicates++;
          continue;
        }
        seen.add(event.id);
        if (kind === "visitor" && event.identity) {
          write(); // a first email moves the stored events to the lead
          if (this.link(row, event.identity)) before = new Map();
        }
        // A merge brings a history older than what the lead holds: arrival order needs a replay.
        outOfOrder ||= event.receivedAt < row.lastSeenAt;
        const internalBefore = isInternal(row.scoring.traits, rules);
        const plain = withoutIdentity(event);
        const marked = claimed ? { ...plain, claimed: true as const } : plain;
        const kept = marked.scored && internalBefore ? { ...marked, scored: false, notScored: "staff" as const } : marked;
        const points = outOfOrder ? 0 : applyEvent(rules.model, row.scoring, kept);
        unwritten.push([kept, points, row.lead]);
        if (!internalBefore && isInternal(row.scoring.traits, rules)) {
          // Staff of the site: everything it did is recorded, none of it scored.
          write();
          this.store.sql.exec("UPDATE events SET scored = ?, points = 0 WHERE lead IS ?", STAFF_CODE, row.lead);
          outOfOrder = true;
        }
        if (!outOfOrder) this.stages.advance(row, rules.model, batch.now, { origin: "scoring", notify: true, at: batch.now }, write);
        row.firstSeenAt = Math.min(row.firstSeenAt, event.receivedAt);
        // Known without a query when the object is new, or was read already.
        if (stored === null || this.store.oldestArrival !== undefined) this.store.oldestArrival = Math.min(this.store.oldestArrival ?? Infinity, event.receivedAt);
        row.lastSeenAt = Math.max(row.lastSeenAt, event.receivedAt);
        accepted++;
      }
      write();
      if (outOfOrder) this.scoring.replay(row, rules.model, batch.now, { origin: "scoring", notify: true, at: batch.now });
      // Server events are trusted; a visitor's batch as its link is (docs/api.md, Trust model).
      if (kind === "lead" && (!batch.from || batch.from.verified)) row.verified = true;
      if (batch.from) {
        this.store.sql.exec(
          `INSERT INTO visitors (id, verified, first_at) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET verified = max(verified, excluded.verified)`,
          batch.from.visitor, batch.from.verified ? 1 : 0, batch.now,
        );
      }
      saveRow(this.store.sql, row);
      const after = pointsByRule(rules.model, row.scoring, batch.now);
      for (const rule of new Set([...before.keys(), ...after.keys()])) {
        const change = (after.get(rule) ?? 0) - (before.get(rule) ?? 0);
        if (change !== 0) points[rule] = change;
      }
    });
    this.store.row = row;
    return { accepted, duplicates, activity: { firstSeen: stored === null, points } };
  }

  /**
   * A visitor gives an email. Its first email merges its whole history into that
   * lead; another email afterwards means another person at this browser: from
   * here on it belongs to that lead, its own view starting afresh (answers true).
   */
  private link(row: ProfileRow, identity: Identity): boolean {
    if (identity.lead === row.lead) {
      row.verified ||= identity.verified;
      return false;
    }
    const anotherPerson = row.lead !== null;
    if (anotherPerson) {
      row.scoring = emptyState();
      row.stage = "visitor";
      row.mqlAt = null;
    } else {
      this.store.sql.exec("UPDATE events SET lead = ? WHERE lead IS NULL", identity.lead);
    }
    row.lead = identity.lead;
    row.verified = identity.verified;
    return anotherPerson;
  }
}

/** Points by rule of a score's explanation (decay included; the floor is no rule). A rule id is data: it may be `constructor`. */
function pointsByRule(model: ScoringModel, state: ScoringState, now: number): Map<string, number> {
  const points = new Map<string, number>();
  for (const line of scoreOf(model, state, now).explanation) {
    if (line.rule !== "floor") points.set(line.rule, (points.get(line.rule) ?? 0) + line.points);
  }
  return points;
}

/** A profile of the site's own staff (by email domain): recorded, never scored. */
function isInternal(traits: Traits, rules: Rules): boolean {
  return traits.emailDomain !== undefined && rules.internalDomains.includes(traits.emailDomain);
}

/** The event as stored: its identity lives in the visitor's link, not on the event. */
function withoutIdentity(event: IncomingEvent): ProfileEvent {
  if (!event.identity) return event;
  const { identity: _, ...rest } = event;
  return rest;
}
