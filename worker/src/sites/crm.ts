/**
 * A site's CRM connections (docs/crm.md): what the site owner sends, how it is checked,
 * and what is kept. Credentials are write-only, as the site's other secrets.
 */
import * as v from "valibot";
import { STAGES, type Stage } from "../../../shared/rules";
import type { FieldIssue } from "../../../shared/validation";
import { parseUrl } from "../../../shared/urls";
import { fieldMapSchema, type FieldMap } from "../crm/fields";
import { stageMapSchema, type StageMap } from "../crm/stages";
import { CRMS, HUBSPOT_API, type CrmName } from "../domain/crm";
import { isPrivateHost } from "../lib/webhook-host";
import { secret } from "./secret";

/** The stage changes a connection syncs unless it lists its own: from MQL on. */
export const CRM_STAGES: readonly Stage[] = ["mql", "sql", "opportunity", "customer"];

/** Salesforce's My Domain hosts, production and sandbox alike. */
const SALESFORCE_HOST = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:--[a-z0-9]+)?(?:\.sandbox)?\.my\.salesforce\.com$/;

const stages = v.pipe(v.array(v.picklist(STAGES)), v.minLength(1, "must list at least one stage"));
const url = v.pipe(v.string(), v.check((s) => parseUrl(s) !== null, "must be a URL"));

export const CrmInputSchema = v.strictObject({
  hubspot: v.optional(v.strictObject({
    /** A private app's access token. */
    accessToken: secret,
    /** The app's client secret, which signs HubSpot's webhooks (outcomes back); none: they are refused. */
    appSecret: v.optional(secret),
    stages: v.optional(stages),
    /** The field map, whole (docs/crm.md#field-maps); absent: the default. */
    fields: v.optional(fieldMapSchema("hubspot")),
    /** edgescore stage → HubSpot lifecycle stage, whole; absent: the default. */
    lifecycle: v.optional(stageMapSchema("hubspot")),
    /** HubSpot's API; another address only in local runs (a loopback stand-in). */
    apiUrl: v.optional(url, HUBSPOT_API),
  })),
  salesforce: v.optional(v.strictObject({
    /** The org's My Domain, e.g. https://acme.my.salesforce.com. */
    domain: url,
    clientId: v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(256, "at most 256 characters")),
    clientSecret: secret,
    externalIdField: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9_]{0,39}__c$/, "must be a custom field's API name, such as Edgescore_Id__c")), "Edgescore_Id__c"),
    apiVersion: v.optional(v.pipe(v.string(), v.regex(/^\d{2,3}\.0$/, "must be an API version such as 62.0")), "62.0"),
    /** edgescore stage → Lead Status, whole; absent: the default. */
    status: v.optional(stageMapSchema("salesforce")),
    fields: v.optional(fieldMapSchema("salesforce")),
    stages: v.optional(stages),
  })),
});

export type CrmInput = v.InferOutput<typeof CrmInputSchema>;

/** A HubSpot connection as kept; a map left out is the default. */
export interface HubSpotSettings {
  accessToken: string;
  appSecret?: string;
  stages: Stage[];
  fields?: FieldMap;
  lifecycle?: StageMap;
  apiUrl: string;
}

/** A Salesforce connection as kept; a map left out is the default. */
export interface SalesforceSettings {
  domain: string;
  clientId: string;
  clientSecret: string;
  externalIdField: string;
  apiVersion: string;
  status?: StageMap;
  fields?: FieldMap;
  stages: Stage[];
}

export interface CrmConnections {
  hubspot?: HubSpotSettings;
  salesforce?: SalesforceSettings;
}

/** Keeps a write-only secret: a new value, or the current one for `{ set: true }` (an issue when there is none). */
export type KeepSecret = (value: string | { set: true } | undefined, current: string | undefined, path: string) => string | undefined;

/** The connections as kept, from checked input and the connections they replace. */
export function buildCrm(input: CrmInput, previous: CrmConnections | undefined, keep: KeepSecret): CrmConnections {
  const { hubspot, salesforce } = input;
  return {
    ...(hubspot && {
      hubspot: {
        accessToken: keep(hubspot.accessToken, previous?.hubspot?.accessToken, "crm.hubspot.accessToken")!,
        ...(hubspot.appSecret && { appSecret: keep(hubspot.appSecret, previous?.hubspot?.appSecret, "crm.hubspot.appSecret") }),
        stages: hubspot.stages ?? [...CRM_STAGES],
        ...(hubspot.fields && { fields: hubspot.fields }),
        ...(hubspot.lifecycle && { lifecycle: hubspot.lifecycle }),
        apiUrl: hubspot.apiUrl,
      },
    }),
    ...(salesforce && {
      salesforce: {
        domain: parseUrl(salesforce.domain)!.origin,
        clientId: salesforce.clientId,
        clientSecret: keep(salesforce.clientSecret, previous?.salesforce?.clientSecret, "crm.salesforce.clientSecret")!,
        externalIdField: salesforce.externalIdField,
        apiVersion: salesforce.apiVersion,
        ...(salesforce.status && { status: salesforce.status }),
        ...(salesforce.fields && { fields: salesforce.fields }),
        stages: salesforce.stages ?? [...CRM_STAGES],
      },
    }),
  };
}

/**
 * Where a connection may send a lead: HubSpot's API and a Salesforce My Domain over
 * https; in local runs (`LOCAL_WEBHOOKS=allow`) a stand-in on a loopback or private address too. Anything
 * else would let a site's admin make the edge call where it should not.
 */
export function crmRefusals(crm: CrmConnections | undefined, localWebhooks: string | undefined): FieldIssue[] {
  const local = (u: URL | null) => localWebhooks === "allow" && u !== null && isPrivateHost(u.hostname);
  const issues: FieldIssue[] = [];
  if (crm?.hubspot && crm.hubspot.apiUrl !== HUBSPOT_API && !local(parseUrl(crm.hubspot.apiUrl))) {
    issues.push({ path: "crm.hubspot.apiUrl", message: `must be ${HUBSPOT_API}` });
  }
  const domain = crm?.salesforce && parseUrl(crm.salesforce.domain);
  if (crm?.salesforce && !local(domain ?? null) && !(domain?.protocol === "https:" && SALESFORCE_HOST.test(domain.hostname))) {
    issues.push({ path: "crm.salesforce.domain", message: "must be the org's My Domain, such as https://acme.my.salesforce.com" });
  }
  return issues;
}

/** Whether a connection syncs a change into `to`: a stage it lists, or any change of a lead it already holds. */
export function crmHears(listed: readonly Stage[], to: Stage, synced: boolean): boolean {
  return synced || listed.includes(to);
}

/** The stages each connection syncs (ScoringSite.crmStages). */
export function crmStagesOf(crm: CrmConnections | undefined): Partial<Record<CrmName, readonly Stage[]>> {
  return Object.fromEntries(CRMS.flatMap((name) => (crm?.[name] ? [[name, crm[name]!.stages]] : [])));
}

/** The connections as the API shows them: credentials are write-only. */
export function publicCrm(crm: CrmConnections) {
  const { hubspot, salesforce } = crm;
  return {
    ...(hubspot && {
      hubspot: { ...hubspot, accessToken: { set: true }, ...(hubspot.appSecret && { appSecret: { set: true } }) },
    }),
    ...(salesforce && { salesforce: { ...salesforce, clientSecret: { set: true } } }),
  };
}
