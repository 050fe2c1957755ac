/**
 * A connection as settings show it (docs/crm.md, Connection status): tested on request,
 * and what the last test or delivery found, for the credentials saved now.
 */
import { CRMS, type CrmName } from "../domain/crm";
import type { Site } from "../sites/config";
import { connectorOf } from "./deliver";
import { credentialsOf, getCrmStatus, putCrmStatus, type CrmStatus } from "./status";

export interface ConnectionTest {
  crm: CrmName;
  ok: boolean;
  /** What the test created in the CRM (HubSpot's edgescore properties). */
  created?: string[];
  /** Fields the field map names that the CRM does not have. */
  missing?: string[];
  error?: string;
}

/** Tests the site's connection to `crm` (null: none) and keeps what it found as the connection's status. */
export async function testConnection(kv: KVNamespace, site: Site, crm: CrmName, now: number): Promise<ConnectionTest | null> {
  if (!site.crm?.[crm]) return null;
  const result = await connectorOf(crm, site.crm).connect();
  const credentials = await credentialsOf(crm, site.crm);
  if (result.ok || !result.refused) await putCrmStatus(kv, site.id, crm, { state: "connected", at: now, credentials });
  else await putCrmStatus(kv, site.id, crm, { state: "refused", at: now, error: result.error, credentials });
  return result.ok
    ? { crm, ok: true, created: result.created }
    : { crm, ok: false, error: result.error, ...(result.missing && { missing: result.missing }) };
}

/** Each connection's status for its current credentials: `untested` until a test or a delivery says more. */
export async function crmStatuses(kv: KVNamespace, site: Site): Promise<Partial<Record<CrmName, Omit<CrmStatus, "credentials"> | { state: "untested" }>>> {
  const statuses: Partial<Record<CrmName, Omit<CrmStatus, "credentials"> | { state: "untested" }>> = {};
  for (const crm of CRMS) {
    if (!site.crm?.[crm]) continue;
    const status = await getCrmStatus(kv, site.id, crm);
    if (status && status.credentials === (await credentialsOf(crm, site.crm))) {
      const { credentials: _, ...shown } = status;
      statuses[crm] = shown;
    } else statuses[crm] = { state: "untested" };
  }
  return statuses;
}
