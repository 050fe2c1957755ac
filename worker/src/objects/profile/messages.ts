/**
 * What leaves a Profile object through its outbox, built from plain data: the site's
 * webhooks (docs/api.md, Webhooks) and a stage change for the site's metrics.
 */
import { sourceOf, type ExportRecord } from "../../exports/record";
import type { StageChangeRecord } from "../../metrics/types";
import type { ProfileEvent, Stage } from "../../../../shared/rules";
import type { ProfileRow } from "../profile-schema";
import type { StageOrigin } from "../../domain/profile";

/** Why a stage changes, when, and whether the site's webhook hears of it. */
export interface Cause {
  origin: StageOrigin;
  notify: boolean;
  at: number;
}

/** `profile.stage_changed`: the lead moved `from` → `to`; `seq`, the last stage change's. */
export function stageChangedWebhook(
  profile: string, site: string, from: Stage, to: Stage, cause: Cause, seq: number, record: ExportRecord, reasonCode?: string,
) {
  return {
    id: `${profile}.${seq}`, type: "profile.stage_changed", site, from, to,
    at: new Date(cause.at).toISOString(), origin: cause.origin, ...(reasonCode && { reasonCode }),
    seq, profile: record,
  };
}

/** `profile.erased`: the one thing an erased lead keeps, naming only its profile id. */
export function erasedWebhook(profile: string, site: string, now: number) {
  return { id: `${profile}.erased`, type: "profile.erased", site, at: new Date(now).toISOString(), profile: { profile } };
}

/** One stage change `from` → `to` (its `seq` in the stages table), for the site's metrics (the Funnel). */
export function stageChangeRecord(
  profile: string, row: ProfileRow, seq: number, from: Stage, to: Stage, cause: Cause, firstTouch: ProfileEvent | null,
): StageChangeRecord {
  return {
    site: row.site, profile, seq, from, to,
    at: cause.at, origin: cause.origin, firstSeenAt: row.firstSeenAt, mqlAt: row.mqlAt,
    source: firstTouch && sourceOf(firstTouch),
  };
}
