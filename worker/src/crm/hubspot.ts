/**
 * HubSpot through a private app's access token (docs/crm.md#hubspot): a lead is a contact,
 * found by its email, written with the batch upsert; edgescore's own properties live in a
 * property group of their own, created by `connect`.
 */
import * as v from "valibot";
import { STAGES } from "../../../shared/rules";
import { fieldValues, HUBSPOT_FIELDS, mappedValues, type CrmField, type FieldMap, type FieldValue } from "./fields";
import { call, CRM_TIMEOUT_MS, failure, isFailure, retryAfter, serverFailure, statusWords, type Answer } from "./http";
import { HUBSPOT_LIFECYCLE, stageValue, type StageMap } from "./stages";
import { HUBSPOT_API } from "../domain/crm";
import type { ConnectOutcome, Connector, CrmFailure, CrmLead, CrmOutcome } from "./types";

export const HUBSPOT_GROUP = "edgescore";
/** Inputs in one batch call (the batch endpoints' limit). */
const BATCH_MAX = 100;
/** A private app's burst limit counts calls per 10 seconds: a 429 without Retry-After waits for the window to roll. */
const BURST_WINDOW_MS = 10_000;
/** The daily limit resets at midnight in the portal's time zone, which a token does not tell: try again hourly. */
const DAILY_WAIT_MS = 3_600_000;

export interface HubSpotConnection {
  accessToken: string;
  fields?: FieldMap;
  lifecycle?: StageMap;
  /** Where the API is: HubSpot's, unless a test names its own. */
  apiBase?: string;
  timeoutMs?: number;
}

/** A contact as outcomes back need it: who it is in edgescore. */
export interface HubSpotContact {
  id: string;
  email: string | null;
  profile: string | null;
}

export interface HubSpotConnector extends Connector {
  /** The contacts a webhook names, with their email and edgescore profile id, to find their leads. */
  readContacts(ids: readonly string[]): Promise<{ ok: true; contacts: HubSpotContact[] } | CrmFailure>;
}

/** A property edgescore creates: its own fields, in its own group. */
interface PropertyDefinition {
  label: string;
  description: string;
  type: "number" | "string" | "datetime" | "enumeration";
  fieldType: "number" | "text" | "textarea" | "date" | "select";
  options?: { label: string; value: string; displayOrder: number }[];
}

const OWN_PROPERTIES: Partial<Record<CrmField, PropertyDefinition>> = {
  score: { label: "edgescore score", description: "Fit plus engagement.", type: "number", fieldType: "number" },
  fit: { label: "edgescore fit", description: "Points for who the person is.", type: "number", fieldType: "number" },
  engagement: { label: "edgescore engagement", description: "Points for what the person did.", type: "number", fieldType: "number" },
  stage: {
    label: "edgescore stage", description: "The lead's stage in edgescore.", type: "enumeration", fieldType: "select",
    options: STAGES.map((stage, displayOrder) => ({ label: stage, value: stage, displayOrder })),
  },
  mqlAt: { label: "edgescore MQL at", description: "When the lead became an MQL.", type: "datetime", fieldType: "date" },
  reasons: { label: "edgescore reasons", description: "The rules that gave the score, with their points.", type: "string", fieldType: "textarea" },
  url: { label: "edgescore lead page", description: "The lead's page in edgescore.", type: "string", fieldType: "text" },
  profile: { label: "edgescore profile id", description: "The lead's id in edgescore.", type: "string", fieldType: "text" },
};

const UpsertResults = v.object({ results: v.pipe(v.array(v.object({ id: v.string() })), v.minLength(1)) });
const ReadResults = v.object({ results: v.array(v.object({ id: v.string(), properties: v.record(v.string(), v.nullable(v.string())) })) });
const PropertyNames = v.object({ results: v.array(v.object({ name: v.string() })) });
/** HubSpot's error body; a 207's `errors` holds the same per input. */
const HubSpotError = v.object({ message: v.optional(v.string()), category: v.optional(v.string()), policyName: v.optional(v.string()) });
const MultiStatus = v.object({ errors: v.pipe(v.array(HubSpotError), v.minLength(1)) });

export function hubspotConnector(connection: HubSpotConnection): HubSpotConnector {
  const fields = connection.fields ?? HUBSPOT_FIELDS;
  const lifecycle = connection.lifecycle ?? HUBSPOT_LIFECYCLE;
  const base = (connection.apiBase ?? HUBSPOT_API).replace(/\/+$/, "");
  const timeoutMs = connection.timeoutMs ?? CRM_TIMEOUT_MS;

  const request = (method: string, path: string, body?: unknown) =>
    call(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${connection.accessToken}`, ...(body !== undefined && { "Content-Type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }, timeoutMs);

  const upsertContact = async (email: string, properties: Record<string, string>): Promise<CrmOutcome> => {
    const answer = await request("POST", "/crm/v3/objects/contacts/batch/upsert", { inputs: [{ idProperty: "email", id: email, properties }] });
    if (isFailure(answer)) return answer;
    if (answer.status !== 200) return hubspotFailure(answer, Date.now());
    const parsed = v.safeParse(UpsertResults, answer.body);
    return parsed.success ? { ok: true, recordId: parsed.output.results[0]!.id } : failure("HubSpot answered the upsert without a contact id");
  };

  return {
    async upsert(lead) {
      const email = lead.record.email;
      if (!email) return failure("not sent: HubSpot finds a contact by its email, and this lead has none", { rejected: true });
      const properties = hubspotProperties(lead, fields);
      const stage = stageValue(lifecycle, lead.record.stage);
      if (stage) properties.lifecyclestage = stage;
      // HubSpot moves a lifecycle stage only forward unless it is cleared first: a recycle clears it, then sets it.
      if (stage && lead.backward) {
        const cleared = await upsertContact(email, { lifecyclestage: "" });
        if (!cleared.ok) return cleared;
      }
      return upsertContact(email, properties);
    },

    async erase(recordId) {
      // HubSpot's GDPR delete: the contact and what is associated with it, for good.
      const answer = await request("POST", "/crm/v3/objects/contacts/gdpr-delete", { objectId: recordId });
      if (isFailure(answer)) return answer;
      return answer.status === 204 || answer.status === 200 || answer.status === 404 ? { ok: true } : hubspotFailure(answer, Date.now());
    },

    async connect(): Promise<ConnectOutcome> {
      const group = await request("GET", `/crm/v3/properties/contacts/groups/${HUBSPOT_GROUP}`);
      if (isFailure(group)) return group;
      if (group.status !== 200 && group.status !== 404) return hubspotFailure(group, Date.now());

      const names = [...new Set(Object.values(fields))];
      const read = await request("POST", "/crm/v3/properties/contacts/batch/read", { archived: false, inputs: names.map((name) => ({ name })) });
      if (isFailure(read)) return read;
      // 207: some names are not properties; the results list those that are.
      if (read.status !== 200 && read.status !== 207) return hubspotFailure(read, Date.now());
      const parsed = v.safeParse(PropertyNames, read.body);
      if (!parsed.success) return failure("HubSpot answered the property read without properties");
      const existing = new Set(parsed.output.results.map((p) => p.name));

      const absent = (Object.entries(fields) as [CrmField, string][]).filter(([, name]) => !existing.has(name));
      const missing = absent.filter(([field]) => !OWN_PROPERTIES[field]).map(([, name]) => name);
      if (missing.length) return { ok: false, error: `HubSpot has no contact property ${missing.join(", ")}: change the field map, or create it in HubSpot`, missing };

      const created: string[] = [];
      if (group.status === 404) {
        const made = await request("POST", "/crm/v3/properties/contacts/groups", { name: HUBSPOT_GROUP, label: "edgescore", displayOrder: -1 });
        if (isFailure(made)) return made;
        if (made.status !== 201 && made.status !== 409) return hubspotFailure(made, Date.now());
        created.push(`group ${HUBSPOT_GROUP}`);
      }
      const inputs = absent.map(([field, name]) => ({ name, groupName: HUBSPOT_GROUP, ...OWN_PROPERTIES[field]! }));
      if (inputs.length) {
        const made = await request("POST", "/crm/v3/properties/contacts/batch/create", { inputs });
        if (isFailure(made)) return made;
        if (made.status !== 201 && made.status !== 200) return hubspotFailure(made, Date.now());
        created.push(...inputs.map((p) => p.name));
      }
      return { ok: true, created };
    },

    async readContacts(ids) {
      const profile = fields.profile;
      const contacts: HubSpotContact[] = [];
      for (let i = 0; i < ids.length; i += BATCH_MAX) {
        const inputs = ids.slice(i, i + BATCH_MAX).map((id) => ({ id }));
        const answer = await request("POST", "/crm/v3/objects/contacts/batch/read", { properties: profile ? ["email", profile] : ["email"], inputs });
        if (isFailure(answer)) return answer;
        // 207: some contacts are gone (merged, deleted); the others are read.
        if (answer.status !== 200 && answer.status !== 207) return hubspotFailure(answer, Date.now());
        const parsed = v.safeParse(ReadResults, answer.body);
        if (!parsed.success) return failure("HubSpot answered the contact read without contacts");
        for (const { id, properties } of parsed.output.results) {
          contacts.push({ id, email: properties.email || null, profile: (profile && properties[profile]) || null });
        }
      }
      return { ok: true, contacts };
    },
  };
}

/** The properties sent for a lead: every value as text, as HubSpot takes them; a cleared one as "". */
export function hubspotProperties(lead: CrmLead, fields: FieldMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of mappedValues(fieldValues(lead), fields)) out[name] = propertyText(value);
  return out;
}

/** Numbers as decimal text; times as milliseconds since the epoch, which a datetime property takes. */
function propertyText(value: FieldValue): string {
  if (value === null) return "";
  if (value instanceof Date) return String(value.getTime());
  return String(value);
}

/** What a status other than success means: credentials refused, wait, the record refused, or a failure to retry. */
function hubspotFailure(answer: Answer, now: number): CrmFailure {
  const multi = v.safeParse(MultiStatus, answer.body);
  const parsed = v.safeParse(HubSpotError, multi.success ? multi.output.errors[0] : answer.body);
  const { message, category, policyName } = parsed.success ? parsed.output : {};
  const detail = [category, message].filter(Boolean).join(": ");
  const words = statusWords("HubSpot", answer.status, detail);
  if (answer.status === 401 || category === "MISSING_SCOPES") return failure(words, { refused: true });
  if (answer.status === 429) {
    const wait = retryAfter(answer.headers, now) ?? (policyName === "DAILY" ? DAILY_WAIT_MS : BURST_WINDOW_MS);
    return failure(words, { retryAfterMs: wait });
  }
  if (answer.status === 207 || answer.status === 400 || answer.status === 409) return failure(words, { rejected: true });
  return serverFailure("HubSpot", answer, detail, now);
}
