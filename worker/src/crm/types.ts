/**
 * What the CRM connectors share (docs/crm.md): the lead they send, what came of it, and
 * the two things a connection does.
 */
import type { ExportRecord } from "../exports/record";

import type { CrmName } from "../domain/crm";

export type { CrmName };

/** What is sent of a lead: its export record, the link to its dashboard page, and whether the stage moved back (a recycle: mql → lead). */
export interface CrmLead {
  record: ExportRecord;
  leadUrl: string;
  backward: boolean;
  /** The CRM holds the lead already (an upsert of it went through): a first one may fill what a new record requires. */
  synced: boolean;
}

/** Why a call to the CRM did not do its work, in words for a site admin: the status and the CRM's own code and message, never a secret. */
export interface CrmFailure {
  ok: false;
  error: string;
  /** The CRM said when to try again (429 Retry-After, HubSpot's 10-second window, Salesforce's REQUEST_LIMIT_EXCEEDED). */
  retryAfterMs?: number;
  /** The credentials were refused (HubSpot 401 or missing scopes; Salesforce 401 after one new token): hold deliveries until an admin acts. */
  refused?: true;
  /** The CRM refuses this record (a duplicate rule, a validation error, a bad picklist value): shown on the lead; sending it again will not help. */
  rejected?: true;
}

export type CrmOutcome = { ok: true; recordId: string } | CrmFailure;

/** A test of the connection: what it created, or why it failed, naming the fields or properties the CRM lacks. */
export type ConnectOutcome = { ok: true; created: string[] } | (CrmFailure & { missing?: string[] });

export interface Connector {
  upsert(lead: CrmLead): Promise<CrmOutcome>;
  /** Deletes the record of a person erased in edgescore (docs/crm.md#privacy); a record already gone is done. */
  erase(recordId: string): Promise<{ ok: true } | CrmFailure>;
  /**
   * Test connection: checks the credentials; HubSpot: creates edgescore's property group and
   * properties when missing; Salesforce: checks that the external id field and the mapped fields exist.
   */
  connect(): Promise<ConnectOutcome>;
}
