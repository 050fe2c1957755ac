/**
 * A lead's CRM sync (docs/crm.md): the upserts its stage changes queue, one outbox kind
 * per CRM so that one CRM's trouble never holds another's, and what each CRM holds of
 * the lead (`crm` table: its record id, when it was last synced, the last error).
 */
import type { Stage } from "../../../../shared/rules";
import { CRMS, type CrmName } from "../../domain/crm";
import type { CrmErasure, CrmUpsert } from "../../crm/deliver";
import type { CrmOutcome } from "../../crm/types";
import type { ExportRecord } from "../../exports/record";
import { crmHears } from "../../sites/crm";
import type { Outbox } from "../outbox";
import type { ProfileStore } from "./store";
import type { CrmSync } from "./types";

type CrmRow = { crm: CrmName; record_id: string | null; synced_at: number | null; error: string | null; error_at: number | null };

export class CrmSyncs {
  /** `profile`: the object's id, which its deliveries carry. */
  constructor(private readonly store: ProfileStore, private readonly outbox: Outbox, private readonly profile: string) {}

  /**
   * Queues the lead's upsert after a change `from` → `to` (in the change's transaction),
   * to each CRM that hears it: `listed`, the stages each connected CRM syncs as the
   * caller knew them; not known (undefined), to every CRM, the delivery deciding.
   */
  queueChange(site: string, from: Stage, to: Stage, seq: number, record: ExportRecord, listed: Partial<Record<CrmName, readonly Stage[]>> | undefined, now: number): void {
    for (const crm of CRMS) {
      const stages = listed?.[crm];
      if (listed && !(stages && crmHears(stages, to, this.synced(crm)))) continue;
      this.add(crm, `${this.profile}.${crm}.${seq}`, { site, from, to, record }, now);
    }
  }

  /** Sync now: the lead as it stands, to every CRM (those the site does not connect drop it). */
  queueNow(site: string, stage: Stage, record: ExportRecord, now: number): void {
    for (const crm of CRMS) this.add(crm, `${this.profile}.${crm}.now.${now}`, { site, from: null, to: stage, record, asked: true }, now);
  }

  /** After an erasure (in the emptied object): each CRM's record of the person, deleted from its outbox. */
  queueErasures(site: string, records: readonly CrmSync[], now: number): void {
    for (const { crm, recordId } of records) {
      if (!recordId) continue;
      const body: CrmErasure = { type: `crm.${crm}.erase`, site, profile: this.profile, at: new Date(now).toISOString(), recordId };
      this.outbox.add(crm, `${this.profile}.${crm}.erase`, body, now);
    }
  }

  /** Whether `crm` already holds the lead: then it hears every change. */
  synced(crm: CrmName): boolean {
    return this.store.hasPersonPart() && this.store.sql.exec("SELECT 1 FROM crm WHERE crm = ? AND record_id IS NOT NULL", crm).toArray().length > 0;
  }

  /** Keeps what an attempt came to: the record id and time of a sync, or the error. */
  keep(crm: CrmName, outcome: CrmOutcome, now: number): void {
    if (outcome.ok) {
      this.store.sql.exec(
        `INSERT INTO crm (crm, record_id, synced_at) VALUES (?, ?, ?)
         ON CONFLICT (crm) DO UPDATE SET record_id = excluded.record_id, synced_at = excluded.synced_at, error = NULL, error_at = NULL`,
        crm, outcome.recordId, now,
      );
    } else {
      this.store.sql.exec(
        "INSERT INTO crm (crm, error, error_at) VALUES (?, ?, ?) ON CONFLICT (crm) DO UPDATE SET error = excluded.error, error_at = excluded.error_at",
        crm, outcome.error, now,
      );
    }
  }

  /** What each CRM holds of the lead. */
  list(): CrmSync[] {
    if (!this.store.hasPersonPart()) return [];
    return this.store.sql.exec<CrmRow>("SELECT * FROM crm ORDER BY crm").toArray()
      .map((r) => ({ crm: r.crm, recordId: r.record_id, syncedAt: r.synced_at, error: r.error, errorAt: r.error_at }));
  }

  private add(crm: CrmName, id: string, delivery: Omit<CrmUpsert, "type" | "profile" | "at">, now: number): void {
    const body: CrmUpsert = { type: `crm.${crm}`, profile: this.profile, at: new Date(now).toISOString(), ...delivery };
    this.outbox.add(crm, id, body, now);
  }
}
