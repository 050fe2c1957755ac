/**
 * Where a profile's stage changes, and what leaves with each change: scoring advances
 * it, a rollback demotes it, an MQL's service level expires it, sales move it. Where
 * scoring takes the stage is decided in objects/stages.ts (pure); this part writes it,
 * in the caller's transaction, with the lead's export record, metrics and webhook.
 */
import { isQualified, leadAccount, recycle, scoreOf, type ScoringModel, type Stage } from "../../../../shared/rules";
import { exportRecord, type ExportRecord } from "../../exports/record";
import { exportKey } from "../../exports/store";
import type { Outbox } from "../outbox";
import type { ProfileRow } from "../profile-schema";
import { demotedStage, stagesTo } from "../stages";
import { stageChangedWebhook, stageChangeRecord, type Cause } from "./messages";
import type { CrmSyncs } from "./crm";
import type { ProfileStore } from "./store";
import type { Rollback } from "../../domain/profile";
import type { Feedback } from "./types";

/** What a stage change keeps beside its stage (stages.detail): why, and a recycle's moment. */
export type StageDetail = { reasonCode?: string } & Record<string, unknown>;

/** A new rules version met on a profile's next touch: its changes are not sent (docs/api.md#webhooks). */
export const quietRescore = (now: number): Cause => ({ origin: "rescore", notify: false, at: now });

export class StageChanges {
  /** `profile`: the object's id, which its deliveries and records carry. */
  constructor(
    private readonly store: ProfileStore, private readonly outbox: Outbox, private readonly crm: CrmSyncs, private readonly profile: string,
  ) {}

  /** Scoring moves the stage forward only; a jump (visitor → mql) records each stage passed. */
  /** `beforeChange`: what must happen before a change (a batch's events stored: a lead's change reads them). */
  advance(row: ProfileRow, model: ScoringModel, now: number, cause: Cause, beforeChange?: () => void): void {
    const stages = stagesTo(row, model, now);
    if (!stages.length) return;
    beforeChange?.();
    if (stages.at(-1) === "mql") row.mqlAt = now; // wall-clock time it qualified, once per qualification
    this.change(row, stages, model, now, cause);
  }

  /** A rollback sends an MQL that only a rescore made back where the restored rules put it (stages.ts). */
  demote(row: ProfileRow, model: ScoringModel, now: number, cause: Cause, rollback: Rollback): void {
    const stage = demotedStage(row, this.store.lastStageChange(), model, now);
    if (!stage) return;
    row.mqlAt = null; // no longer qualified: qualifying again is a new qualification
    const reason = `rules version ${rollback.rolledBack} rolled back to the rules of version ${rollback.restores}`;
    this.change(row, [stage], model, now, cause, { reasonCode: "rollback", reason });
  }

  /** Sales move the stage anywhere (`Feedback`); `lead` recycles the person to nurture. */
  move(row: ProfileRow, item: Feedback, model: ScoringModel, now: number): void {
    const detail = { reasonCode: item.reasonCode, reason: item.reason, crmId: item.crmId };
    const cause: Cause = { origin: "feedback", notify: true, at: item.at ?? now };
    if (item.stage === "lead") {
      // Engagement restarts from 0 with fresh limits; the replay needs the moment it did.
      recycle(model, row.scoring);
      row.mqlAt = null;
      this.change(row, ["lead"], model, now, cause, { ...detail, recycledAt: now });
    } else if (item.stage !== row.stage) {
      if (item.stage === "mql" && row.mqlAt === null) row.mqlAt = now;
      this.change(row, [item.stage], model, now, cause, detail);
    }
  }

  /** An MQL sales left untouched past its service level goes back to `lead`, recycled as sales' recycling does. */
  expire(row: ProfileRow, due: number, now: number): void {
    const model = this.store.rules!.model;
    recycle(model, row.scoring);
    row.mqlAt = null;
    this.change(row, ["lead"], model, now, { origin: "expiry", notify: true, at: due }, {
      reasonCode: "expired", reason: `not touched by sales within ${row.mqlSlaDays} days`, recycledAt: now,
    });
  }

  /**
   * The one place a stage changes: every stage passed is kept, the last one
   * reached. A lead's change writes, in the same transaction, its export record
   * (from its first MQL on) and one webhook delivery from the stage left.
   */
  change(row: ProfileRow, stages: Stage[], model: ScoringModel, now: number, cause: Cause, detail?: StageDetail): void {
    const from = row.stage;
    this.store.ensurePersonPart();
    let seq = 0;
    for (const stage of stages) {
      seq = this.store.sql.exec<{ seq: number }>(
        "INSERT INTO stages (stage, at, origin, detail) VALUES (?, ?, ?, ?) RETURNING seq",
        stage, cause.at, cause.origin, detail ? JSON.stringify(detail) : null,
      ).one().seq;
    }
    row.stage = stages.at(-1)!;
    if (row.kind !== "lead") return;
    const id = this.profile;
    const source = this.store.firstTouch();
    stages.forEach((stage, i) => {
      const change = stageChangeRecord(id, row, seq - (stages.length - 1 - i), i ? stages[i - 1]! : from, stage, cause, source);
      this.outbox.add("metrics", `${id}.metrics.${change.seq}`, change, now);
    });
    const exported = isQualified(row.stage) || row.exportKey !== null;
    if (!exported && !cause.notify) return;
    const record = this.exportRecordOf(row, model, now);
    if (exported) this.queueExport(row, record, `export.${seq}`, now);
    const webhookStages = this.store.webhookStages;
    // Not known here (undefined) or an expiry, which only the webhook's own list can refuse: decided at delivery.
    const hears = webhookStages === undefined || cause.origin === "expiry" || webhookStages?.includes(row.stage);
    if (cause.notify && webhookStages !== null && hears) {
      const body = stageChangedWebhook(id, row.site, from, row.stage, cause, seq, record, detail?.reasonCode);
      this.outbox.add("webhook", body.id, body, now);
    }
    if (cause.notify) this.crm.queueChange(row.site, from, row.stage, seq, record, this.store.crmStages, now);
  }

  /** Writes the lead's export record anew (its delivery `name`d uniquely), in place of the last. */
  queueExport(row: ProfileRow, record: ExportRecord, name: string, now: number): void {
    const key = exportKey(row.site, now, this.profile);
    this.outbox.add("export", `${this.profile}.${name}`, { key, previous: row.exportKey, record }, now);
    row.exportKey = key;
  }

  /** The lead's export record as it stands at `now`. */
  exportRecordOf(row: ProfileRow, model: ScoringModel, now: number): ExportRecord {
    const scored = scoreOf(model, row.scoring, now);
    return exportRecord({
      profile: this.profile,
      traits: row.scoring.traits,
      score: { fit: scored.fit, engagement: scored.engagement, total: scored.total },
      explanation: scored.explanation,
      stage: row.stage,
      mqlAt: row.mqlAt,
      firstSeenAt: row.firstSeenAt,
      firstTouch: this.store.firstTouch(),
      lastTouch: this.store.firstTouch("DESC"),
      verified: row.verified,
      claimed: this.store.claimsOf(row),
      account: leadAccount(row.scoring.traits, this.store.rules?.internalDomains ?? []),
      rulesVersion: this.store.rules?.rulesVersion ?? 0,
      updatedAt: now,
    });
  }
}
