/**
 * Salesforce (docs/crm.md#salesforce) through a connected app's OAuth 2.0 client credentials flow, against the org's
 * My Domain: a lead is a Lead, upserted by an external id field that
 * holds its edgescore profile id. The token is kept per connection in the isolate and
 * fetched again once when Salesforce refuses it.
 */
import * as v from "valibot";
import { ExpiringMap } from "../lib/expiring-map";
import { fieldValues, mappedValues, SALESFORCE_FIELDS, type FieldMap, type FieldValue } from "./fields";
import { call, CRM_TIMEOUT_MS, failure, isFailure, retryAfter, serverFailure, statusWords, type Answer } from "./http";
import { SALESFORCE_STATUS, stageValue, type StageMap } from "./stages";
import type { ConnectOutcome, Connector, CrmFailure, CrmLead, CrmOutcome } from "./types";

export const EXTERNAL_ID_FIELD = "Edgescore_Id__c";
export const SALESFORCE_API_VERSION = "62.0";
/** What a Lead Salesforce requires gets when edgescore does not know it: Salesforce's own word for an unknown value. */
export const NOT_PROVIDED = "[not provided]";
/** Client-credentials tokens come without an expiry (the org's session timeout, 2 hours by default, applies): a refused one is fetched again anyway. */
const TOKEN_TTL_MS = 3_600_000;
/** REQUEST_LIMIT_EXCEEDED for the org's daily allocation (a rolling 24 hours) frees slowly; for concurrent calls, within a minute. */
const DAILY_LIMIT_WAIT_MS = 3_600_000;
const CONCURRENT_LIMIT_WAIT_MS = 60_000;
/** Errors that say the connection's settings are wrong, not this record: retried, and seen in settings, rather than shown on the lead. */
const SETTINGS_ERRORS: ReadonlySet<string> = new Set(["INVALID_FIELD", "INVALID_FIELD_FOR_INSERT_UPDATE", "INVALID_TYPE", "NOT_FOUND", "INVALID_SESSION_ID"]);

export interface SalesforceConnection {
  /** The org's My Domain URL: https://acme.my.salesforce.com */
  domain: string;
  clientId: string;
  clientSecret: string;
  /** The Lead's external id field holding the profile id. */
  externalIdField?: string;
  /** The REST API version, e.g. "62.0". */
  apiVersion?: string;
  status?: StageMap;
  fields?: FieldMap;
  timeoutMs?: number;
}

interface Token {
  accessToken: string;
  instanceUrl: string;
}

/** Tokens by connection, shared by every call this isolate makes. */
const tokens = new ExpiringMap<string, Token>(TOKEN_TTL_MS, 100);

const TokenAnswer = v.object({ access_token: v.string(), instance_url: v.string() });
const TokenError = v.object({ error: v.string(), error_description: v.optional(v.string()) });
const SaveResult = v.object({ id: v.string() });
const IdRecord = v.object({ Id: v.string() });
/** Salesforce's REST errors: a list, the first one telling. */
const Errors = v.pipe(v.array(v.object({ errorCode: v.string(), message: v.optional(v.string()), fields: v.optional(v.array(v.string())) })), v.minLength(1));
const Describe = v.object({
  fields: v.array(v.object({
    name: v.string(),
    externalId: v.optional(v.boolean()),
    picklistValues: v.optional(v.array(v.object({ value: v.string(), active: v.optional(v.boolean()) }))),
  })),
});

export function salesforceConnector(connection: SalesforceConnection): Connector {
  const domain = connection.domain.replace(/\/+$/, "");
  const externalIdField = connection.externalIdField ?? EXTERNAL_ID_FIELD;
  const version = connection.apiVersion ?? SALESFORCE_API_VERSION;
  const status = connection.status ?? SALESFORCE_STATUS;
  const fields = connection.fields ?? SALESFORCE_FIELDS;
  const timeoutMs = connection.timeoutMs ?? CRM_TIMEOUT_MS;
  const cacheKey = `${domain}\n${connection.clientId}\n${connection.clientSecret}`;
  const leads = `/services/data/v${version}/sobjects/Lead`;

  const newToken = async (): Promise<Token | CrmFailure> => {
    const body = new URLSearchParams({ grant_type: "client_credentials", client_id: connection.clientId, client_secret: connection.clientSecret });
    const answer = await call(`${domain}/services/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    }, timeoutMs);
    if (isFailure(answer)) return answer;
    const token = v.safeParse(TokenAnswer, answer.body);
    if (answer.status === 200 && token.success) {
      const fresh = { accessToken: token.output.access_token, instanceUrl: token.output.instance_url.replace(/\/+$/, "") };
      tokens.set(cacheKey, fresh, Date.now());
      return fresh;
    }
    const refusal = v.safeParse(TokenError, answer.body);
    const detail = refusal.success ? [refusal.output.error, refusal.output.error_description].filter(Boolean).join(": ") : "";
    // 400 invalid_client, invalid_grant (the flow not enabled, no run-as user): only an admin can mend it.
    if (answer.status === 400 || answer.status === 401) return failure(statusWords("Salesforce token", answer.status, detail), { refused: true });
    return serverFailure("Salesforce token", answer, detail, Date.now());
  };

  /** A call with the connection's token; a refused token is fetched again, once. */
  const request = async (method: string, path: string, body?: Record<string, unknown>): Promise<Answer | CrmFailure> => {
    const send = (token: Token) =>
      call(`${token.instanceUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token.accessToken}`, ...(body && { "Content-Type": "application/json" }) },
        ...(body && { body: JSON.stringify(body) }),
      }, timeoutMs);
    const cached = tokens.get(cacheKey, Date.now())?.value;
    const token = cached ?? (await newToken());
    if (isFailure(token)) return token;
    const answer = await send(token);
    if (isFailure(answer) || answer.status !== 401) return answer;
    const fresh = await newToken();
    return isFailure(fresh) ? fresh : send(fresh);
  };

  const recordIdOf = async (answer: Answer, path: string): Promise<CrmOutcome> => {
    if (answer.status === 200 || answer.status === 201) {
      const saved = v.safeParse(SaveResult, answer.body);
      return saved.success ? { ok: true, recordId: saved.output.id } : failure("Salesforce answered the upsert without a record id");
    }
    // 204: an update, answered without a body by older API versions: the id is read by the external id.
    const read = await request("GET", `${path}?fields=Id`);
    if (isFailure(read)) return read;
    const found = v.safeParse(IdRecord, read.body);
    if (read.status === 200 && found.success) return { ok: true, recordId: found.output.Id };
    return salesforceFailure(read, externalIdField, Date.now());
  };

  return {
    async upsert(lead) {
      const path = `${leads}/${encodeURIComponent(externalIdField)}/${encodeURIComponent(lead.record.profile)}`;
      const body = salesforceFields(lead, fields, status);
      // Only a new Lead needs LastName and Company: sent on every upsert, a placeholder would
      // overwrite what sales typed. A first sync fills them at once, saving a refused round trip.
      let answer = await request("PATCH", path, lead.synced ? body : { ...requiredPlaceholders(lead), ...body });
      if (isFailure(answer)) return answer;
      // A Lead the sync state did not know of (its state erased, the field map changed) may still lack them.
      if (answer.status === 400 && firstError(answer.body)?.errorCode === "REQUIRED_FIELD_MISSING") {
        answer = await request("PATCH", path, { ...requiredPlaceholders(lead), ...body });
        if (isFailure(answer)) return answer;
      }
      if (answer.status === 200 || answer.status === 201 || answer.status === 204) return recordIdOf(answer, path);
      return salesforceFailure(answer, externalIdField, Date.now());
    },

    async erase(recordId) {
      const answer = await request("DELETE", `${leads}/${encodeURIComponent(recordId)}`);
      if (isFailure(answer)) return answer;
      const gone = answer.status === 404 || firstError(answer.body)?.errorCode === "ENTITY_IS_DELETED";
      return answer.status === 204 || gone ? { ok: true } : salesforceFailure(answer, externalIdField, Date.now());
    },

    async connect(): Promise<ConnectOutcome> {
      const answer = await request("GET", `${leads}/describe`);
      if (isFailure(answer)) return answer;
      if (answer.status !== 200) return salesforceFailure(answer, externalIdField, Date.now());
      const described = v.safeParse(Describe, answer.body);
      if (!described.success) return failure("Salesforce answered the Lead describe without its fields");
      // API names are case-insensitive.
      const byName = new Map(described.output.fields.map((field) => [field.name.toLowerCase(), field]));
      const missing: string[] = [];
      if (!byName.get(externalIdField.toLowerCase())?.externalId) missing.push(`${externalIdField} (an External ID field)`);
      for (const name of new Set(Object.values(fields))) if (!byName.has(name.toLowerCase())) missing.push(name);
      const statuses = new Set((byName.get("status")?.picklistValues ?? []).filter((p) => p.active !== false).map((p) => p.value));
      for (const value of new Set(Object.values(status))) if (value && !statuses.has(value)) missing.push(`Status "${value}"`);
      if (missing.length) return { ok: false, error: `The org's Lead lacks ${missing.join(", ")}: create it in Salesforce, or change the map`, missing };
      return { ok: true, created: [] };
    },
  };
}

/**
 * The Lead's fields sent for a lead: the mapped values and the Status its stage maps to. The
 * external id is in the path, not the body. Company size goes only as a whole number:
 * NumberOfEmployees is an integer, and a range ("51-200") would fail the whole upsert.
 */
export function salesforceFields(lead: CrmLead, fields: FieldMap, status: StageMap): Record<string, string | number | null> {
  const values = fieldValues(lead);
  if (!Number.isInteger(values.companySize)) values.companySize = undefined;
  const out: Record<string, string | number | null> = {};
  for (const [name, value] of mappedValues(values, fields)) out[name] = fieldJson(value);
  const stage = stageValue(status, lead.record.stage);
  if (stage) out.Status = stage;
  return out;
}

function fieldJson(value: FieldValue): string | number | null {
  return value instanceof Date ? value.toISOString() : value;
}

/** LastName and Company for a new Lead: the company named by the email's business domain, else Salesforce's placeholder. */
function requiredPlaceholders(lead: CrmLead): { LastName: string; Company: string } {
  const account = lead.record.account;
  return { LastName: NOT_PROVIDED, Company: account?.startsWith("domain:") ? account.slice("domain:".length) : NOT_PROVIDED };
}

function firstError(body: unknown) {
  const parsed = v.safeParse(Errors, body);
  return parsed.success ? parsed.output[0] : undefined;
}

/** What a status other than success means: credentials refused, wait, the record refused, or a failure to retry. */
function salesforceFailure(answer: Answer, externalIdField: string, now: number): CrmFailure {
  const error = firstError(answer.body);
  const named = error?.fields?.length ? ` (${error.fields.join(", ")})` : "";
  const detail = error ? `${error.errorCode}${named}${error.message ? `: ${error.message}` : ""}` : "";
  const words = statusWords("Salesforce", answer.status, detail);
  if (answer.status === 401) return failure(words, { refused: true });
  if (answer.status === 403 && error?.errorCode === "REQUEST_LIMIT_EXCEEDED") {
    const daily = error.message?.includes("TotalRequests") ?? false;
    return failure(words, { retryAfterMs: retryAfter(answer.headers, now) ?? (daily ? DAILY_LIMIT_WAIT_MS : CONCURRENT_LIMIT_WAIT_MS) });
  }
  // 403 otherwise: the run-as user may not use the API or edit Leads.
  if (answer.status === 403) return failure(words, { refused: true });
  if (answer.status === 429) return failure(words, { retryAfterMs: retryAfter(answer.headers, now) ?? CONCURRENT_LIMIT_WAIT_MS });
  if (answer.status === 300) return failure(`Salesforce HTTP 300: several Leads hold this profile id in ${externalIdField}`, { rejected: true });
  if (answer.status === 400 && error && !SETTINGS_ERRORS.has(error.errorCode)) return failure(words, { rejected: true });
  return serverFailure("Salesforce", answer, detail, now);
}
