/**
 * Syncing one lead to one CRM (docs/crm.md): what a Profile's outbox holds for it, sent
 * to the site's connection as it is now. A connection the CRM refuses holds its
 * deliveries (kept, tried again) until its credentials change or it answers again.
 */
import { FUNNEL, type Stage } from "../../../shared/rules";
import type { CrmName } from "../domain/crm";
import type { ExportRecord } from "../exports/record";
import { crmHears, type CrmConnections, type HubSpotSettings } from "../sites/crm";
import type { Site } from "../sites/config";
import { getSite } from "../sites/store";
import { hubspotConnector, type HubSpotConnector } from "./hubspot";
import { salesforceConnector } from "./salesforce";
import { credentialsOf, getCrmStatus, putCrmStatus } from "./status";
import type { Connector, CrmOutcome } from "./types";

/** What a lead's outbox holds for one CRM: an upsert, or the erasure of its record. */
export type CrmDelivery = CrmUpsert | CrmErasure;

/** An upsert of a lead: for a stage change `from` → `to`, or asked for (`sync now`). */
export interface CrmUpsert {
  type: `crm.${CrmName}`;
  site: string;
  profile: string;
  from: Stage | null;
  to: Stage;
  at: string;
  /** Asked for by a person (sync now): sent whatever stage the lead is in. */
  asked?: true;
  record: ExportRecord;
}

/** The person was erased: the CRM's record of them (`recordId`) goes too. All an erased lead keeps of it. */
export interface CrmErasure {
  type: `crm.${CrmName}.erase`;
  site: string;
  profile: string;
  at: string;
  recordId: string;
}

/** The connector for one of a site's connections. */
export function connectorOf(crm: CrmName, connections: CrmConnections): Connector {
  return crm === "salesforce" ? salesforceConnector(connections.salesforce!) : hubspotOf(connections.hubspot!);
}

export function hubspotOf({ accessToken, fields, lifecycle, apiUrl }: HubSpotSettings): HubSpotConnector {
  return hubspotConnector({ accessToken, fields, lifecycle, apiBase: apiUrl });
}

/** The lead's page in the dashboard, as the CRM record links to it. */
export const leadUrl = (site: Site, profile: string) =>
  `${site.dashboardUrl ?? ""}/leads/${profile}?site=${encodeURIComponent(site.id)}`;

/** A move back down the funnel (a recycle), or out of `disqualified` into it: the CRM may hold a later stage than `to`. */
export function movesBack(from: Stage | null, to: Stage): boolean {
  const into = FUNNEL.indexOf(to);
  return from !== null && into >= 0 && (from === "disqualified" || FUNNEL.indexOf(from) > into);
}

/** What one attempt came to: `attempt` for the outbox, and the CRM's answer (null when nothing was sent) for the lead. */
export interface CrmAttempt {
  attempt: null | string | { error: string; retryAfterMs?: number; held?: true };
  outcome: CrmOutcome | null;
}

/**
 * Sends `delivery` to the site's `crm` as configured now: nothing when the site no longer
 * connects it, or the connection does not sync this change (`synced`: the CRM already
 * holds the lead, so it hears every change). Credentials the CRM refused hold it.
 */
export async function deliverCrm(kv: KVNamespace, crm: CrmName, delivery: CrmDelivery, synced: boolean, now: number): Promise<CrmAttempt> {
  const site = await getSite(kv, delivery.site);
  const connection = site?.crm?.[crm];
  if (!site?.crm || !connection) return { attempt: null, outcome: null };
  const erasure = "recordId" in delivery;
  if (!erasure && !delivery.asked && !crmHears(connection.stages, delivery.to, synced)) return { attempt: null, outcome: null };
  const credentials = await credentialsOf(crm, site.crm);
  const status = await getCrmStatus(kv, site.id, crm);
  if (status?.state === "refused" && status.credentials === credentials) {
    return { attempt: { error: status.error ?? "the CRM refused the credentials", held: true }, outcome: null };
  }
  const connector = connectorOf(crm, site.crm);
  const outcome = erasure
    ? await connector.erase(delivery.recordId)
    : await connector.upsert({ record: delivery.record, leadUrl: leadUrl(site, delivery.profile), backward: movesBack(delivery.from, delivery.to), synced });
  // An erasure's outcome is kept nowhere: the lead it would be kept on is gone.
  const kept = erasure ? null : (outcome as CrmOutcome);
  if (outcome.ok) {
    if (status?.state !== "connected" || status.credentials !== credentials) await putCrmStatus(kv, site.id, crm, { state: "connected", at: now, credentials });
    return { attempt: null, outcome: kept };
  }
  if (outcome.refused) {
    await putCrmStatus(kv, site.id, crm, { state: "refused", at: now, error: outcome.error, credentials });
    return { attempt: { error: outcome.error, held: true }, outcome: kept };
  }
  return { attempt: { error: outcome.error, ...(outcome.retryAfterMs !== undefined && { retryAfterMs: outcome.retryAfterMs }) }, outcome: kept };
}
