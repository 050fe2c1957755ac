/**
 * A connection's status, kept per site and CRM in KV so settings can show it and held
 * deliveries can wait without calling the CRM (docs/crm.md, Connection status):
 *   crmstatus:<site>:<crm>   { state, at, error?, credentials }
 * `credentials` is a digest of the credentials the status was found with: new ones
 * (saved in settings) are tried at once, whatever the status says of the old.
 */
import type { CrmName } from "../domain/crm";
import { hmacHex } from "../lib/crypto";
import type { CrmConnections } from "../sites/crm";

export interface CrmStatus {
  /** `refused`: the CRM refused the credentials; deliveries are held. */
  state: "connected" | "refused";
  at: number;
  error?: string;
  credentials: string;
}

const key = (site: string, crm: CrmName) => `crmstatus:${site}:${crm}`;

/** A digest naming the credentials of a connection (never the credentials themselves). */
export function credentialsOf(crm: CrmName, connections: CrmConnections): Promise<string> {
  const secret = crm === "hubspot"
    ? connections.hubspot!.accessToken
    : `${connections.salesforce!.domain} ${connections.salesforce!.clientId} ${connections.salesforce!.clientSecret}`;
  return hmacHex("edgescore crm credentials", secret);
}

export async function getCrmStatus(kv: KVNamespace, site: string, crm: CrmName): Promise<CrmStatus | null> {
  return kv.get<CrmStatus>(key(site, crm), "json");
}

export async function putCrmStatus(kv: KVNamespace, site: string, crm: CrmName, status: CrmStatus): Promise<void> {
  await kv.put(key(site, crm), JSON.stringify(status));
}

export async function deleteCrmStatus(kv: KVNamespace, site: string, crm: CrmName): Promise<void> {
  await kv.delete(key(site, crm));
}
