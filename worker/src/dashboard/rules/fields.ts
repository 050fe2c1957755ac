/**
 * The rules page's forms as plain text fields, both ways (docs/dashboard.md, Scoring
 * rules): a rule or the model's settings become the fields a form shows, a posted form
 * becomes the model input that putDraft checks, and each issue path that check answers
 * (`rules[3].match.traits.title.regex`) becomes the field it sits beside. What was typed
 * is kept as typed, so a refused form shows it again.
 */
import type { Condition, Rule, ScoringModel } from "../../../../shared/rules";
import type { FieldIssue } from "../../../../shared/validation";

/** A posted form: each name with its values (checkboxes repeat a name). */
export type FormBody = Record<string, string | File | (string | File)[]>;

export const OPERATORS = ["equals", "in", "regex", "range", "exists", "absent"] as const;
export type Operator = (typeof OPERATORS)[number];

export interface ConditionFields {
  field: string;
  op: Operator;
  value: string;
  flags: string;
  min: string;
  max: string;
}

export interface RuleFields {
  /** The id of the draft's rule being changed; empty for a new rule. */
  original: string;
  id: string;
  on: string[];
  points: string;
  dimension: string;
  per: string;
  unique: string;
  cap: string;
  minCount: string;
  /** One glob, or event name, a line. */
  path: string;
  name: string;
  /** Extensions separated by commas. */
  ext: string;
  conditions: ConditionFields[];
}

export interface CountryFields {
  country: string;
  total: string;
  fit: string;
  engagement: string;
}

export interface ModelFields {
  thresholds: { total: string; fit: string; engagement: string };
  countries: CountryFields[];
  decay: { afterDays: string; points: string; everyDays: string };
  /** Both empty: the default account thresholds (docs/rules.md). */
  accountThresholds: { fit: string; engagement: string };
}

/** Errors by the field they belong beside; `form` for what no one field caused. */
export type FieldErrors = Record<string, string>;

/** Blank rows offered for new conditions and countries (there is no script to add rows). */
export const BLANK_ROWS = 2;

const text = (value: unknown) => (value === undefined || value === null ? "" : String(value));
const lines = (value: string | string[] | undefined) => (value === undefined ? "" : [value].flat().join("\n"));

// --- a model's values as fields -------------------------------------------------------

function conditionRows(field: string, condition: Condition): ConditionFields[] {
  const row = (op: Operator, parts: Partial<ConditionFields> = {}): ConditionFields => ({ field, op, value: "", flags: "", min: "", max: "", ...parts });
  if (typeof condition !== "object") return [row("equals", { value: text(condition) })];
  const rows: ConditionFields[] = [];
  if (condition.equals !== undefined) rows.push(row("equals", { value: text(condition.equals) }));
  if (condition.in !== undefined) rows.push(row("in", { value: condition.in.map(text).join(", ") }));
  if (condition.regex !== undefined) rows.push(row("regex", { value: condition.regex, flags: condition.flags ?? "" }));
  if (condition.gte !== undefined || condition.lte !== undefined) rows.push(row("range", { min: text(condition.gte), max: text(condition.lte) }));
  if (condition.exists !== undefined) rows.push(row(condition.exists ? "exists" : "absent"));
  return rows;
}

export function ruleFields(rule: Rule): RuleFields {
  const { path, ext, name, ...conditions } = rule.match ?? {};
  return {
    original: rule.id,
    id: rule.id,
    on: [rule.on].flat(),
    points: text(rule.points),
    dimension: rule.dimension,
    per: text(rule.per),
    unique: text(rule.unique),
    cap: text(rule.cap),
    minCount: text(rule.minCount),
    path: lines(path),
    name: lines(name),
    ext: [ext ?? []].flat().join(", "),
    conditions: Object.entries(conditions).flatMap(([field, condition]) => conditionRows(field, condition as Condition)),
  };
}

export const NEW_RULE: RuleFields = {
  original: "", id: "", on: [], points: "", dimension: "engagement", per: "", unique: "", cap: "", minCount: "",
  path: "", name: "", ext: "", conditions: [],
};

export function modelFields(model: ScoringModel): ModelFields {
  const { thresholds: t, decay: d, accountThresholds: a } = model;
  return {
    thresholds: { total: text(t.total), fit: text(t.fit), engagement: text(t.engagement) },
    countries: Object.entries(model.countries).map(([country, c]) => ({ country, total: text(c.total), fit: text(c.fit), engagement: text(c.engagement) })),
    decay: { afterDays: text(d.afterDays), points: text(d.points), everyDays: text(d.everyDays) },
    accountThresholds: { fit: text(a?.fit), engagement: text(a?.engagement) },
  };
}

// --- a posted form as fields ------------------------------------------------------------

const one = (body: FormBody, name: string) => {
  const value = [body[name]].flat()[0];
  return typeof value === "string" ? value : "";
};
const all = (body: FormBody, name: string) => [body[name] ?? []].flat().filter((v): v is string => typeof v === "string");
/** Indexed rows (`cond-0-field`, `cond-1-field`, …) up to the first index whose `first` field the form lacks. */
function rows<T>(body: FormBody, prefix: string, first: string, read: (field: (name: string) => string) => T): T[] {
  const out: T[] = [];
  for (let i = 0; `${prefix}-${i}-${first}` in body; i++) out.push(read((name) => one(body, `${prefix}-${i}-${name}`)));
  return out;
}

export function postedRule(body: FormBody): RuleFields {
  const field = (name: string) => one(body, name);
  return {
    original: field("original"), id: field("id"), on: all(body, "on"), points: field("points"), dimension: field("dimension"),
    per: field("per"), unique: field("unique"), cap: field("cap"), minCount: field("minCount"),
    path: field("path"), name: field("name"), ext: field("ext"),
    conditions: rows(body, "cond", "field", (f) => ({
      field: f("field"), op: (OPERATORS as readonly string[]).includes(f("op")) ? (f("op") as Operator) : "equals",
      value: f("value"), flags: f("flags"), min: f("min"), max: f("max"),
    })),
  };
}

export function postedModel(body: FormBody): ModelFields {
  const field = (name: string) => one(body, name);
  return {
    thresholds: { total: field("thresholds-total"), fit: field("thresholds-fit"), engagement: field("thresholds-engagement") },
    countries: rows(body, "country", "country", (f) => ({ country: f("country"), total: f("total"), fit: f("fit"), engagement: f("engagement") })),
    decay: { afterDays: field("decay-afterDays"), points: field("decay-points"), everyDays: field("decay-everyDays") },
    accountThresholds: { fit: field("account-fit"), engagement: field("account-engagement") },
  };
}

// --- fields as model input (checked by putDraft, as PUT …/rules/draft is) ----------------

/** A number as typed; text that is not one is passed on, for the check to name. Empty: absent. */
function number(typed: string): number | string | undefined {
  const trimmed = typed.trim();
  if (!trimmed) return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

/** A condition's operand: `true`/`false` and numbers as written are those; anything else text. */
function scalar(typed: string): string | number | boolean {
  const trimmed = typed.trim();
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  return trimmed !== "" && String(Number(trimmed)) === trimmed ? Number(trimmed) : trimmed;
}

/** One item alone, several as a list, none absent: as the rules language writes them. */
function oneOrList(items: string[]): string | string[] | undefined {
  const kept = items.map((i) => i.trim()).filter(Boolean);
  return kept.length > 1 ? kept : kept[0];
}

function conditionsInput(rows: ConditionFields[]): Record<string, unknown> {
  const byField = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const field = row.field.trim();
    if (!field) continue;
    const ops = byField.get(field) ?? {};
    if (row.op === "equals") ops.equals = scalar(row.value);
    if (row.op === "in") ops.in = row.value.split(",").map(scalar).filter((v) => v !== "");
    if (row.op === "regex") Object.assign(ops, { regex: row.value, ...(row.flags.trim() && { flags: row.flags.trim() }) });
    if (row.op === "range") Object.assign(ops, { gte: number(row.min), lte: number(row.max) });
    if (row.op === "exists" || row.op === "absent") ops.exists = row.op === "exists";
    byField.set(field, ops);
  }
  // Equals alone is written as the plain value, as the rules language does.
  return Object.fromEntries([...byField].map(([field, ops]) => {
    const given = Object.entries(ops).filter(([, v]) => v !== undefined);
    return [field, given.length === 1 && given[0]![0] === "equals" ? given[0]![1] : Object.fromEntries(given)];
  }));
}

export function ruleInput(fields: RuleFields): Record<string, unknown> {
  const match = {
    path: oneOrList(fields.path.split("\n")),
    ext: oneOrList(fields.ext.split(/[\s,]+/).map((e) => e.replace(/^\./, ""))),
    name: oneOrList(fields.name.split("\n")),
    ...conditionsInput(fields.conditions),
  };
  const given = Object.fromEntries(Object.entries(match).filter(([, v]) => v !== undefined));
  const input = {
    id: fields.id.trim(),
    on: oneOrList(fields.on),
    ...(Object.keys(given).length && { match: given }),
    points: number(fields.points),
    dimension: fields.dimension || undefined,
    per: fields.per || undefined,
    unique: fields.unique.trim() || undefined,
    cap: number(fields.cap),
    minCount: number(fields.minCount),
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

export function modelInput(model: ScoringModel, fields: ModelFields): Record<string, unknown> {
  const numbers = <K extends string>(values: Record<K, string>) =>
    Object.fromEntries(Object.entries<string>(values).map(([k, v]) => [k, number(v)]).filter(([, v]) => v !== undefined));
  const account = numbers(fields.accountThresholds);
  return {
    ...model,
    thresholds: numbers(fields.thresholds),
    countries: Object.fromEntries(fields.countries.filter((c) => c.country.trim()).map(({ country, ...t }) => [country.trim(), numbers(t)])),
    decay: numbers(fields.decay),
    accountThresholds: Object.keys(account).length ? account : undefined,
  };
}

// --- issue paths as fields ----------------------------------------------------------------

const RULE_KEYS = ["id", "on", "points", "dimension", "per", "unique", "cap", "minCount"];

/** The field of the rule form an issue below `rules[i]` belongs beside (`rest`: what follows it). */
function ruleField(rest: string, fields: RuleFields): string {
  const top = /^\.?([A-Za-z]+)/.exec(rest)?.[1] ?? "";
  if (RULE_KEYS.includes(top)) return top;
  if (top !== "match") return "form";
  const inMatch = rest.replace(/^\.match\.?/, "");
  const key = /^[A-Za-z]+/.exec(inMatch)?.[0] ?? "";
  if (["path", "ext", "name"].includes(key)) return key;
  // The longest condition field the path starts with: `traits.title` before `traits`.
  const row = fields.conditions
    .map((c, i) => ({ field: c.field.trim(), i }))
    .filter(({ field }) => field && (inMatch === field || inMatch.startsWith(`${field}.`) || inMatch.startsWith(`${field}[`)))
    .sort((a, b) => b.field.length - a.field.length)[0];
  return row ? `cond-${row.i}` : "form";
}

/** Each issue of a draft whose rule `index` came from `fields`, beside its field (the first issue a field has). */
export function ruleErrors(issues: readonly FieldIssue[], index: number, fields: RuleFields): FieldErrors {
  const prefix = `rules[${index}]`;
  return collect(issues.map((issue) => [
    issue.path.startsWith(prefix) ? ruleField(issue.path.slice(prefix.length), fields) : "form",
    issue.path.startsWith(prefix) ? issue.message : `${issue.path}: ${issue.message}`,
  ]));
}

/** Each issue of the model's settings beside its field: `thresholds-total`, `country-1`, `decay-points`, `account-fit`. */
export function modelErrors(issues: readonly FieldIssue[], fields: ModelFields): FieldErrors {
  return collect(issues.map(({ path, message }) => {
    const [group = "", key = ""] = path.split(".");
    if (group === "thresholds" || group === "decay") return [`${group}-${key}`, message];
    if (group === "accountThresholds") return [key ? `account-${key}` : "account-fit", message];
    if (group === "countries") {
      const row = fields.countries.findIndex((c) => c.country.trim() === key);
      return [row >= 0 ? `country-${row}` : "countries", message];
    }
    return ["form", `${path}: ${message}`];
  }));
}

function collect(pairs: string[][]): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, message] of pairs) errors[field!] ??= message!;
  return errors;
}
