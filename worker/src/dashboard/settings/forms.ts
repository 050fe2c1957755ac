/**
 * The settings page's forms (docs/dashboard.md, Settings): each names the config fields it
 * edits, by their paths in `GET /v1/sites/:site`, and becomes a JSON Merge Patch of them,
 * so the same check as `PATCH` names a bad field by the path its input carries.
 */
import type { FieldIssue } from "../../../../shared/validation";
import type { Site } from "../../sites/config";

export const FORMS = {
  name: ["name"],
  origins: ["origins"],
  webhook: ["webhook.url", "webhook.secret", "webhook.stages"],
  identity: ["identifySecret", "requireVerified"],
  visibility: ["publicStages"],
  retention: ["retentionDays", "mqlSlaDays"],
  exclusions: ["exclude.emailDomains", "exclude.ips", "allowBots"],
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
const GROUPS: readonly FieldName[] = ["webhook.stages", "publicStages"];

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
  };
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
  }
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
