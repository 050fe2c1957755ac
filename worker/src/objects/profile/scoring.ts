/**
 * The rules a profile scores with, and what changes with them: a newer version met
 * replays the kept events; retention folds the oldest into the state replays start from.
 */
import { DAY_MS, replay, type ScoringModel } from "../../../../shared/rules";
import { eventOf, saveRow, type EventRow, type ProfileRow } from "../profile-schema";
import type { Cause } from "./messages";
import { scoringSite } from "../../sites/config";
import { getSite } from "../../sites/store";
import { quietRescore, type StageChanges } from "./stage-changes";
import { rulesOf, type ProfileStore, type Rules } from "./store";
import type { ScoringSite } from "../../domain/profile";

export class ProfileScoring {
  /** `sites`: the SITES namespace; `transaction`: the object's, which forgets its in-memory copy when a change fails. */
  constructor(
    private readonly store: ProfileStore, private readonly stages: StageChanges, private readonly sites: KVNamespace,
    private readonly transaction: (change: () => void) => void,
  ) {}

  /**
   * The rules to score with: the site's, unless the profile has already seen a
   * newer version (an isolate's cached config can lag). A newer version than the
   * events were scored with replays them (a profile without its model in memory
   * knows that version from its row). A person keeps the model (the person part).
   */
  rulesFor(row: ProfileRow, site: ScoringSite, now: number, cause: Cause): Rules {
    // What the profile keeps of its site's other settings comes with the rules.
    this.store.webhookStages = site.webhookStages;
    this.store.crmStages = site.crmStages;
    row.retentionDays = site.retentionDays;
    row.mqlSlaDays = site.mqlSlaDays;
    const current = this.store.rules;
    if (current && current.rulesVersion >= site.rulesVersion) return current;
    const rules = (this.store.rules = rulesOf(site));
    if (this.store.hasPersonPart()) this.store.storeModel(rules);
    const scoredWith = current?.rulesVersion ?? row.rulesVersion;
    row.rulesVersion = Math.max(row.rulesVersion, rules.rulesVersion);
    if (scoredWith && rules.rulesVersion > scoredWith) this.replay(row, rules.model, now, cause);
    return rules;
  }

  /**
   * The rules when no caller brings its site: in memory, or kept (a person's), or for an
   * anonymous visitor, which keeps only the version, its site's current ones.
   */
  async rulesNow(row: ProfileRow, now: number): Promise<Rules> {
    if (this.store.rules) return this.store.rules;
    const site = await getSite(this.sites, row.site);
    if (!site) throw new Error(`profile: the site ${row.site} is gone`);
    const version = row.rulesVersion;
    this.transaction(() => {
      this.rulesFor(row, scoringSite(site), now, quietRescore(now));
      if (row.rulesVersion !== version) saveRow(this.store.sql, row);
    });
    return this.store.rules!;
  }

  /** Rescores the current person's events from nothing, in arrival order, rewriting each event's points. */
  replay(row: ProfileRow, model: ScoringModel, now: number, cause: Cause): void {
    const { rows, result } = this.store.replayOf(row, model, now);
    rows.forEach((r, i) => {
      if (r.points !== result.points[i]) this.store.sql.exec("UPDATE events SET points = ? WHERE seq = ?", result.points[i]!, r.seq);
    });
    row.scoring = result.state;
    this.stages.advance(row, model, now, cause);
  }

  /**
   * Whether taking a claimed visitor's events (`ids`, a JSON list) out of the lead leaves
   * nobody: the lead knows the visitor as verified (it is the person), or nothing else is kept.
   */
  withdrawalLeavesNobody(row: ProfileRow, visitor: string, ids: string): boolean {
    const link = this.store.sql.exec<{ verified: number }>("SELECT verified FROM visitors WHERE id = ?", visitor).toArray()[0];
    const kept = this.store.sql.exec<{ n: number }>(
      "SELECT count(*) AS n FROM events WHERE NOT (claimed = 1 AND id IN (SELECT value FROM json_each(?)))", ids,
    ).one().n;
    return link?.verified === 1 || (kept === 0 && row.folded === null);
  }

  /**
   * Takes a claimed visitor's events and its link out of the lead, in the caller's
   * transaction: the rest is replayed (the stage, forward only, stays) and the export
   * record rewritten.
   */
  withdraw(row: ProfileRow, visitor: string, ids: string, model: ScoringModel, now: number): void {
    this.store.sql.exec("DELETE FROM events WHERE claimed = 1 AND id IN (SELECT value FROM json_each(?))", ids);
    this.store.sql.exec("DELETE FROM visitors WHERE id = ?", visitor);
    this.replay(row, model, now, quietRescore(now));
    if (row.exportKey !== null) this.stages.queueExport(row, this.stages.exportRecordOf(row, model, now), `export.${visitor}`, now);
    this.store.oldestArrival = undefined;
  }

  /**
   * Retention (docs/api.md#patch-v1sitessite, `retentionDays`): events older than the site's retentionDays leave. What
   * they gave stays: the state after them is kept as `folded`, where replays start,
   * so scores hold and a new rules version rescores what is still kept. Events not
   * yet forwarded to their lead wait until they are.
   */
  fold(row: ProfileRow, now: number): void {
    const before = now - row.retentionDays * DAY_MS;
    const expired = this.store.sql.exec<EventRow>(
      "SELECT * FROM events WHERE received_at < ? AND lead IS ? ORDER BY received_at, seq", before, row.lead,
    ).toArray();
    if (expired.length) {
      const from = row.folded;
      const recycledAt = this.store.recycles().filter((at) => at < before && (!from || at >= from.before));
      row.folded = { state: replay(this.store.rules!.model, expired.map(eventOf), before, recycledAt, from?.state).state, before };
      saveRow(this.store.sql, row);
    }
    this.store.sql.exec("DELETE FROM events WHERE received_at < ? AND (lead IS ? OR forwarded = 1)", before, row.lead);
    this.store.oldestArrival = undefined;
  }
}
