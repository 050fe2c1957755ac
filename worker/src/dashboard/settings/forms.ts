/**
 * The settings page's forms (docs/dashboard.md, Settings): each names the config fields it
 * edits, by their paths in `GET /v1/sites/:site`, and becomes a JSON Merge Patch of them,
 * so the same check as `PATCH` names a bad field by the path its input carries.
 */
import { STAGES, type Stage } from "../../../../shared/rules";
import type { FieldIssue } from "../../../../shared/validation";
import { CRM_FIELDS, DEFAULT_FIELD_MAPS, type CrmField } from "../../crm/fields";
import { DEFAULT_STAGE_MAPS } from "../../crm/stages";
import type { CrmName } from "../../domain/crm";
import type { Site } from "../../sites/config";

/** The stages a CRM's stage map is edited for: a visitor is never synced. */
export const MAPPED_STAGES = STAGES.filter((stage): stage is Exclude<Stage, "visitor"> => stage !== "visitor");

/**
 * The edgescore fields each CRM's field map is edited for. Salesforce's Lead holds the
 * profile id in the connection's external id field, which has its own input.
 */
export const MAPPED_FIELDS: Readonly<Record<CrmName, readonly CrmField[]>> = {
  hubspot: CRM_FIELDS,
  salesforce: CRM_FIELDS.filter((field) => field !== "profile"),
};

/** The config path of each input of a CRM's field or stage map (docs/crm.md#field-maps). */
const fieldInputs = <C extends CrmName>(crm: C) => MAPPED_FIELDS[crm].map((field) => `crm.${crm}.fields.${field}` as `crm.${C}.fields.${CrmField}`);
const stageInputs = <C extends CrmName, M extends string>(crm: C, map: M) =>
  MAPPED_STAGES.map((stage) => `crm.${crm}.${map}.${stage}` as `crm.${C}.${M}.${Exclude<Stage, "visitor">}`);

export const FORMS = {
  name: ["name"],
  origins: ["origins"],
  webhook: ["webhook.url", "webhook.secret", "webhook.stages"],
  identity: ["identifySecret", "requireVerified"],
  visibility: ["publicStages"],
  retention: ["retentionDays", "mqlSlaDays"],
  exclusions: ["exclude.emailDomains", "exclude.ips", "allowBots"],
  hubspot: ["crm.hubspot.accessToken", "crm.hubspot.appSecret", "crm.hubspot.stages", ...fieldInputs("hubspot"), ...stageInputs("hubspot", "lifecycle")],
  salesforce: [
    "crm.salesforce.domain", "crm.salesforce.clientId", "crm.salesforce.clientSecret", "crm.salesforce.externalIdField", "crm.salesforce.apiVersion",
    "crm.salesforce.stages", ...stageInputs("salesforce", "status"), ...fieldInputs("salesforce"),
  ],
} as const;

/**
 * The webhook form's box asking for a new Standard Webhooks secret, made on the server (the
 * page has no script) and shown once. Not a config field: what it makes is `webhook.secret`.
 */
export const GENERATE_SECRET = "generateSecret";

export type SettingsForm = keyof typeof FORMS;
export type FieldName = (typeof FORMS)[SettingsForm][number];

/** What each field holds as typed: text, or the boxes ticked in a group of check boxes. */
export type Values = Record<FieldName, string | string[]>;

/** Fields that are groups of check boxes; a lone check box is "true" ticked, "" not. */
const GROUPS: readonly FieldName[] = ["webhook.stages", "publicStages", "crm.hubspot.stages", "crm.salesforce.stages"];

export const isForm = (name: string): name is SettingsForm => Object.hasOwn(FORMS, name);

/** The fields as the site has them, before anything is typed. Secrets are write-only: never shown back. */
export function valuesOf(site: Site): Values {
  return {
    name: site.name,
    origins: site.origins.join("\n"),
    "webhook.url": site.webhook?.url ?? "",
    "webhook.secret": "",
    "webhook.stages": site.webhook?.stages ?? [],
    identifySecret: "",
    requireVerified: site.requireVerified ? "true" : "",
    publicStages: site.publicStages,
    retentionDays: String(site.retentionDays),
    mqlSlaDays: site.mqlSlaDays ? String(site.mqlSlaDays) : "",
    "exclude.emailDomains": site.exclude.emailDomains.join("\n"),
    "exclude.ips": site.exclude.ips.join("\n"),
    allowBots: site.allowBots ? "true" : "",
    ...crmValuesOf(site),
  };
}

/** Each map's inputs by config path: its current names, or the defaults while a connection keeps none. */
function mapValues(crm: CrmName, map: "fields" | "lifecycle" | "status", keys: readonly string[], current: Partial<Record<string, string>>) {
  return Object.fromEntries(keys.map((key) => [`crm.${crm}.${map}.${key}`, current[key] ?? ""]));
}

/** The CRM forms' fields as the site has them; credentials are write-only, never shown back. */
function crmValuesOf(site: Site) {
  const { hubspot, salesforce } = site.crm ?? {};
  return {
    "crm.hubspot.accessToken": "",
    "crm.hubspot.appSecret": "",
    "crm.hubspot.stages": hubspot?.stages ?? [],
    ...mapValues("hubspot", "fields", MAPPED_FIELDS.hubspot, hubspot?.fields ?? DEFAULT_FIELD_MAPS.hubspot),
    ...mapValues("hubspot", "lifecycle", MAPPED_STAGES, hubspot?.lifecycle ?? DEFAULT_STAGE_MAPS.hubspot),
    "crm.salesforce.domain": salesforce?.domain ?? "",
    "crm.salesforce.clientId": salesforce?.clientId ?? "",
    "crm.salesforce.clientSecret": "",
    "crm.salesforce.externalIdField": salesforce?.externalIdField ?? "Edgescore_Id__c",
    "crm.salesforce.apiVersion": salesforce?.apiVersion ?? "62.0",
    "crm.salesforce.stages": salesforce?.stages ?? [],
    ...mapValues("salesforce", "status", MAPPED_STAGES, salesforce?.status ?? DEFAULT_STAGE_MAPS.salesforce),
    ...mapValues("salesforce", "fields", MAPPED_FIELDS.salesforce, salesforce?.fields ?? DEFAULT_FIELD_MAPS.salesforce),
  } as Pick<Values, (typeof FORMS)["hubspot" | "salesforce"][number]>;
}

/** A posted form's fields (a field left out: an empty text, or no box ticked), over the site's own. */
export function postedValues(site: Site, form: SettingsForm, body: Record<string, unknown>): Values {
  const values = valuesOf(site);
  for (const name of FORMS[form]) {
    const posted = [body[name]].flat().filter((v): v is string => typeof v === "string");
    values[name] = GROUPS.includes(name) ? posted : posted[0] ?? "";
  }
  return values;
}

const text = (value: string | string[]) => [value].flat()[0] ?? "";
const list = (value: string | string[]) => [value].flat();
/** One entry a line, blank lines skipped: origins, domains, addresses. */
const lines = (value: string | string[]) => text(value).split("\n").map((line) => line.trim()).filter(Boolean);
/** A whole number as a number; anything else as typed, for the config's check to name. */
const wholeNumber = (value: string | string[]) => (/^-?\d+$/.test(text(value).trim()) ? Number(text(value)) : text(value));

/** The merge patch a form asks for. A secret left blank keeps the current one. */
export function patchOf(form: SettingsForm, values: Values): Record<string, unknown> {
  switch (form) {
    case "name":
      return { name: text(values.name).trim() };
    case "origins":
      return { origins: lines(values.origins) };
    case "webhook": {
      const stages = list(values["webhook.stages"]);
      return {
        webhook: {
          url: text(values["webhook.url"]).trim(),
          // `{ set: true }` keeps the current secret; with none yet, the check asks for one.
          secret: text(values["webhook.secret"]) || { set: true },
          // None ticked: the default stages (docs/api.md, webhooks).
          stages: stages.length ? stages : null,
        },
      };
    }
    case "identity": {
      const secret = text(values.identifySecret);
      return { ...(secret && { identifySecret: secret }), requireVerified: values.requireVerified === "true" };
    }
    case "visibility":
      return { publicStages: list(values.publicStages) };
    case "retention":
      return { retentionDays: wholeNumber(values.retentionDays), mqlSlaDays: text(values.mqlSlaDays).trim() ? wholeNumber(values.mqlSlaDays) : null };
    case "exclusions":
      return { exclude: { emailDomains: lines(values["exclude.emailDomains"]), ips: lines(values["exclude.ips"]) }, allowBots: values.allowBots === "true" };
    case "hubspot": {
      const appSecret = text(values["crm.hubspot.appSecret"]);
      return {
        crm: {
          hubspot: {
            // `{ set: true }` keeps the current token; with none yet, the check asks for one.
            accessToken: text(values["crm.hubspot.accessToken"]) || { set: true },
            ...(appSecret && { appSecret }),
            ...crmCommon("hubspot", values),
            lifecycle: mapPatch(values, "crm.hubspot.lifecycle.", MAPPED_STAGES, DEFAULT_STAGE_MAPS.hubspot),
          },
        },
      };
    }
    case "salesforce":
      return {
        crm: {
          salesforce: {
            domain: text(values["crm.salesforce.domain"]).trim(),
            clientId: text(values["crm.salesforce.clientId"]).trim(),
            clientSecret: text(values["crm.salesforce.clientSecret"]) || { set: true },
            externalIdField: text(values["crm.salesforce.externalIdField"]).trim(),
            apiVersion: text(values["crm.salesforce.apiVersion"]).trim(),
            ...crmCommon("salesforce", values),
            status: mapPatch(values, "crm.salesforce.status.", MAPPED_STAGES, DEFAULT_STAGE_MAPS.salesforce),
          },
        },
      };
  }
}

/** What both CRM forms hold: the stages synced (none ticked: the default, mql and later) and the field map. */
function crmCommon(crm: CrmName, values: Values) {
  const stages = list(values[`crm.${crm}.stages`]);
  return { stages: stages.length ? stages : null, fields: mapPatch(values, `crm.${crm}.fields.`, MAPPED_FIELDS[crm], DEFAULT_FIELD_MAPS[crm]) };
}

/**
 * A map as typed, whole (docs/crm.md#field-maps): a blank entry is sent as `null`, so the
 * merge patch removes it rather than keeping the current one, and the map saved is the one
 * typed. A map typed as the default is removed (`null`): the connection uses the default.
 */
function mapPatch(values: Values, prefix: string, keys: readonly string[], defaults: Partial<Record<string, string>>): Record<string, string | null> | null {
  const typed = Object.fromEntries(keys.map((key) => [key, text(values[`${prefix}${key}` as FieldName]).trim() || null]));
  const isDefault = keys.every((key) => (typed[key] ?? "") === (defaults[key] ?? ""));
  return isDefault ? null : typed;
}

/** Messages per field of a form, from the check's issues; what names no field of it is the form's (key ""). */
export function errorsOf(form: SettingsForm, issues: FieldIssue[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of issues) {
    const field = FORMS[form].find((name) => issue.path === name || issue.path.startsWith(`${name}.`) || issue.path.startsWith(`${name}[`));
    const key = field ?? "";
    // An item of a list typed one a line is named by its line.
    const item = field && !GROUPS.includes(field) && /^\[(\d+)\]/.exec(issue.path.slice(field.length));
    const message = item ? `line ${Number(item[1]) + 1}: ${issue.message}` : field ? issue.message : `${issue.path || "the form"}: ${issue.message}`;
    (errors[key] ??= []).push(message);
  }
  return errors;
}
