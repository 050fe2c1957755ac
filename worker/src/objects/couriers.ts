/**
 * One courier per kind of message an object's outbox holds (outbox.ts): how that kind
 * leaves, the same for every object that sends it (Profile, Account).
 */
import { deliverCrm, type CrmDelivery } from "../crm/deliver";
import type { CrmName } from "../domain/crm";
import { putExport } from "../exports/store";
import { accountObject } from "../lib/identity";
import { recordStageChange } from "../metrics";
import { deliverWebhook } from "../webhooks/deliver";
import { recordGiveUp } from "../webhooks/failed";
import type { AccountReport } from "./account-report";
import type { Courier, ExportDelivery } from "./outbox";
import type { CrmSyncs } from "./profile/crm";

/** The object a failed webhook is listed under: a profile's id, or an account object's with its key. */
export type WebhookOwner = { profile: string; account?: string };

/** A webhook, signed and sent to the site's webhook as it is now; it gives up, listed under its `owner`. */
export function webhookCourier(env: Env, owner: () => WebhookOwner): Courier {
  return {
    send: (item, now) => deliverWebhook(env, item, now),
    gaveUp: (item, now, error) => recordGiveUp(env.SITES, item, owner(), now, error),
  };
}

/** An export record, written to KV in place of the one before it. */
export function exportCourier(env: Env): Courier {
  return {
    inOrder: true,
    send: async (item) => {
      const { key, previous, record } = JSON.parse(item.payload) as ExportDelivery;
      await putExport(env.SITES, key, previous, record);
      return null;
    },
  };
}

/** A lead's stage change, for its site's metrics. */
export function metricsCourier(env: Env): Courier {
  return {
    send: async (item) => {
      await recordStageChange(env, JSON.parse(item.payload));
      return null;
    },
  };
}

/** A profile's report to its account; `held`: why it must wait for now, or null. */
export function accountCourier(env: Env, profile: string, held: () => string | null): Courier {
  return {
    inOrder: true,
    send: async (item) => {
      const why = held();
      if (why !== null) return why;
      const { site, account, seq, member } = JSON.parse(item.payload) as AccountReport;
      await accountObject(env, site, account).update(site, account, profile, seq, member);
      return null;
    },
  };
}

/** A lead's upsert to one CRM, in order; what each attempt came to is kept on the lead. It gives up as a webhook does, listed under its profile. */
export function crmCourier(env: Env, crm: CrmName, syncs: () => CrmSyncs, profile: string): Courier {
  return {
    inOrder: true,
    send: async (item, now) => {
      const { attempt, outcome } = await deliverCrm(env.SITES, crm, JSON.parse(item.payload) as CrmDelivery, syncs().synced(crm), now);
      if (outcome) syncs().keep(crm, outcome, now);
      return attempt;
    },
    gaveUp: (item, now, error) => recordGiveUp(env.SITES, item, { profile }, now, error),
  };
}
