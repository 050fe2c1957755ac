/**
 * Erasure beyond the object itself: a person reaches its lead, its visitors, its
 * accounts, the export, the failed deliveries, the metrics and the registry, each
 * through its own binding or store. Each step may fail and the erasure be asked again.
 */
import { deleteExport } from "../../exports/store";
import { eraseFromMetrics } from "../../metrics";
import { unregisterLead } from "../../sites/leads";
import { clearFailure, listFailures } from "../../webhooks/failed";
import { getSite } from "../../sites/store";
import type { Outbox } from "../outbox";
import type { ProfileRow } from "../profile-schema";
import { erasedWebhook } from "./messages";
import type { CrmSyncs } from "./crm";
import type { ProfileStore } from "./store";
import type { CrmSync } from "./types";

/**
 * A visitor's erasure beyond itself: at its lead, the person's when the browser was
 * verified for it, else only what the browser sent (`withdraw`, docs/api.md, Trust
 * model); from the metrics when no lead was erased. Answers the lead's id when the lead
 * was erased, else null.
 */
export async function eraseAtLead(env: Env, site: string, visitor: string, row: ProfileRow, sql: SqlStorage): Promise<{ lead: string | null }> {
  const lead = row.lead ? env.PROFILES.getByName(row.lead) : null;
  const sent = () => sql.exec<{ id: string }>("SELECT id FROM events WHERE lead = ?", row.lead).toArray().map((e) => e.id);
  const erased = !lead ? null
    : row.verified ? await lead.erase(site)
    : await lead.withdraw(site, visitor, sent(), Date.now());
  if (!erased) await eraseFromMetrics(env, site, [visitor]);
  return erased ?? { lead: null };
}

/**
 * Erases a lead's person outside the object, in this order: the visitors merged into
 * it, its accounts (`leaveAccounts`), its export records (`exportKeys`, read once the
 * accounts are left), its failed deliveries, its metrics and its registry entry.
 */
export async function eraseLeadElsewhere(
  env: Env, site: string, lead: string, visitors: readonly string[],
  leaveAccounts: () => Promise<void>, exportKeys: () => Iterable<string | null>,
): Promise<void> {
  for (const visitor of visitors) await env.PROFILES.get(env.PROFILES.idFromString(visitor)).forget();
  await leaveAccounts();
  for (const key of new Set(exportKeys())) {
    if (key) await deleteExport(env.SITES, key);
  }
  for (const failure of await listFailures(env.SITES, site, lead)) await clearFailure(env.SITES, site, failure.id);
  await eraseFromMetrics(env, site, [lead, ...visitors]);
  await unregisterLead(env.SITES, site, lead);
}

/**
 * What an erased lead keeps, until it is sent: the site's webhook told the person is gone
 * (`profile.erased`, naming only its profile id), and each connected CRM's record of them
 * deleted (docs/crm.md#privacy). Answers whether anything was queued (the caller then
 * schedules the delivery).
 */
export async function announceErasure(
  sites: KVNamespace, store: ProfileStore, outbox: Outbox, crm: CrmSyncs, profile: string, site: string, records: readonly CrmSync[], now: number,
): Promise<boolean> {
  const config = await getSite(sites, site);
  const inCrm = records.filter((r) => r.recordId && config?.crm?.[r.crm]);
  if (!config?.webhook && !inCrm.length) return false;
  store.ensurePersonPart();
  if (config?.webhook) {
    const body = erasedWebhook(profile, site, now);
    outbox.add("webhook", body.id, body, now);
  }
  crm.queueErasures(site, inCrm, now);
  return true;
}
