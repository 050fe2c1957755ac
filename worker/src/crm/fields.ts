/**
 * What of a lead a CRM connection sends (docs/crm.md#field-maps): the edgescore fields, their
 * values from a lead, each CRM's default map (edgescore field → property or field name) that
 * works on a new HubSpot portal and a new Salesforce org, and the check of a map as a site
 * admin edits it.
 */
import * as v from "valibot";
import type { TraitValue } from "../../../shared/rules";
import { check, type Checked } from "../../../shared/validation";
import { reasonsText, type ExportRecord } from "../exports/record";
import type { CrmLead, CrmName } from "./types";

export const CRM_FIELDS = [
  "email", "firstName", "lastName", "company", "title", "phone", "companySize", "industry", "country", "source",
  "score", "fit", "engagement", "stage", "mqlAt", "reasons", "url", "profile",
] as const;
export type CrmField = (typeof CRM_FIELDS)[number];

/**
 * The fields edgescore owns: when one has no value (a recycled lead's `mqlAt`) the CRM's copy
 * is cleared. The others are the person's traits: one edgescore does not know is left out,
 * so that a value sales typed into the CRM is never blanked.
 */
const OWN_FIELDS: ReadonlySet<CrmField> = new Set(["score", "fit", "engagement", "stage", "mqlAt", "reasons", "url", "profile"]);

/** A value as a lead gives it; a time stays a Date, as each CRM writes times its own way; null clears the CRM's copy. */
export type FieldValue = string | number | Date | null;

/** edgescore field → the CRM's property (HubSpot) or field (Salesforce) API name; a field not listed is not sent. */
export type FieldMap = Partial<Record<CrmField, string>>;

/**
 * HubSpot's default contact properties, and edgescore's own (created by `connect`). Company
 * size is left out: HubSpot's `numemployees` is a dropdown of ranges that refuses other values.
 */
export const HUBSPOT_FIELDS: FieldMap = {
  email: "email", firstName: "firstname", lastName: "lastname", company: "company", title: "jobtitle", phone: "phone",
  industry: "industry", country: "country",
  score: "edgescore_score", fit: "edgescore_fit", engagement: "edgescore_engagement", stage: "edgescore_stage",
  mqlAt: "edgescore_mql_at", reasons: "edgescore_reasons", url: "edgescore_url", profile: "edgescore_profile",
};

/**
 * A new org's standard Lead fields, and edgescore's custom fields (which the org's admin
 * creates in the org). The profile id is the external id field itself, set in the
 * connection, so it has no entry here.
 */
export const SALESFORCE_FIELDS: FieldMap = {
  email: "Email", firstName: "FirstName", lastName: "LastName", company: "Company", title: "Title", phone: "Phone",
  companySize: "NumberOfEmployees", industry: "Industry", country: "Country", source: "LeadSource",
  score: "Edgescore_Score__c", fit: "Edgescore_Fit__c", engagement: "Edgescore_Engagement__c", stage: "Edgescore_Stage__c",
  mqlAt: "Edgescore_MQL_At__c", reasons: "Edgescore_Reasons__c", url: "Edgescore_Url__c",
};

export const DEFAULT_FIELD_MAPS: Readonly<Record<CrmName, FieldMap>> = { hubspot: HUBSPOT_FIELDS, salesforce: SALESFORCE_FIELDS };

/** Each field's value for a lead: undefined for a trait edgescore does not know, null for an own field without a value. */
export type FieldValues = Record<CrmField, FieldValue | undefined>;

export function fieldValues(lead: CrmLead): FieldValues {
  const { record } = lead;
  const reasons = reasonsText(record);
  return {
    email: text(record.email),
    firstName: text(record.firstName),
    lastName: text(record.lastName),
    company: text(record.company),
    title: text(record.title),
    phone: text(record.phone),
    companySize: size(record.companySize),
    industry: text(record.industry),
    country: text(record.country),
    source: leadSource(record),
    score: record.score.total,
    fit: record.score.fit,
    engagement: record.score.engagement,
    stage: record.stage,
    mqlAt: record.mqlAt === null ? null : new Date(record.mqlAt),
    reasons: reasons || null,
    url: lead.leadUrl,
    profile: record.profile,
  };
}

/** The values a map sends, by the CRM's names: what a connector writes, before it formats them. */
export function mappedValues(values: FieldValues, map: FieldMap): Map<string, FieldValue> {
  const out = new Map<string, FieldValue>();
  for (const field of CRM_FIELDS) {
    const name = map[field];
    const value = values[field];
    if (!name || value === undefined) continue;
    if (value === null && !OWN_FIELDS.has(field)) continue;
    out.set(name, value);
  }
  return out;
}

/** Where the lead came from first: its utm_source, else the referrer's domain, else "Web" (the CRMs' own word for a site). */
export function leadSource(record: ExportRecord): string {
  return record.source?.utm_source || record.source?.referrer || "Web";
}

function text(value: TraitValue | null): string | undefined {
  const out = value === null ? "" : String(value).trim();
  return out || undefined;
}

/** A size as given: a count (1000, or "1000") as a number, a range ("51-200") as text. */
function size(value: TraitValue | null): number | string | undefined {
  if (typeof value === "number") return value;
  const out = text(value);
  return out !== undefined && /^\d+$/.test(out) ? Number(out) : out;
}

/** HubSpot's internal names: lower case letters, digits and underscores, starting with a letter. */
export const HUBSPOT_NAME = /^[a-z][a-z0-9_]{0,99}$/;
/** Salesforce API names: letters, digits and single underscores; a custom field ends in `__c`, a packaged one starts with its namespace and `__`. */
const API_NAME_PART = "[A-Za-z](?:_?[A-Za-z0-9])*";
export const SALESFORCE_NAME = new RegExp(`^(?:(?:${API_NAME_PART}__)?${API_NAME_PART}__c|${API_NAME_PART})$`);

const NAMING: Readonly<Record<CrmName, { pattern: RegExp; rule: string; max: number; byStage: string }>> = {
  hubspot: {
    pattern: HUBSPOT_NAME, max: 100, byStage: "lifecyclestage",
    rule: "a HubSpot property's internal name: lower case letters, digits and underscores, starting with a letter (edgescore_score)",
  },
  salesforce: {
    pattern: SALESFORCE_NAME, max: 80, byStage: "Status",
    rule: "a Salesforce field's API name: letters, digits and single underscores, a custom field ending in __c (Edgescore_Score__c)",
  },
};

/** The schema of a field map for one CRM: known edgescore fields, each to one name of the CRM's kind, no name twice. */
export function fieldMapSchema(crm: CrmName) {
  const { pattern, rule, max, byStage } = NAMING[crm];
  const name = v.pipe(
    v.string("must be a text"),
    v.maxLength(max, `at most ${max} characters`),
    v.regex(pattern, `must be ${rule}`),
    v.check((value) => value !== byStage, `${byStage} is set from the stage map`),
  );
  return v.pipe(
    v.record(v.picklist(CRM_FIELDS, `not an edgescore field (expected ${CRM_FIELDS.join(", ")})`), name),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const first = new Map<string, string>();
      for (const [field, target] of Object.entries(dataset.value)) {
        const taken = first.get(target!.toLowerCase());
        if (taken) addIssue({ message: `${target} already receives ${taken}`, path: [{ type: "object", origin: "value", input: dataset.value, key: field, value: target }] });
        else first.set(target!.toLowerCase(), field);
      }
    }),
  );
}

/** Checks a field map as a site admin sent it, naming every bad field. */
export function checkFieldMap(crm: CrmName, input: unknown): Checked<FieldMap> {
  return check(fieldMapSchema(crm), input);
}
