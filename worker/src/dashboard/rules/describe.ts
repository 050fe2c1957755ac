/** A rule in plain words, for people who do not read the rules language (docs/rules.md). */
import { listens } from "../../../../shared/rules";
import type { Condition, EventType, Rule } from "../../../../shared/rules";

const EVENTS: Record<EventType, string> = {
  pageview: "a page view",
  download: "a download",
  form: "a form sent",
  track: "a track event",
  identify: "the lead's traits",
  engagement: "an engagement report",
  vitals: "a Web Vitals report",
};

/** `traits.title` → "trait title", `props.plan` → "prop plan", `url` as is. */
const fieldName = (field: string) => field.replace(/^traits\./, "trait ").replace(/^props\./, "prop ");
const quoted = (value: string | number | boolean) => (typeof value === "string" ? `"${value}"` : String(value));
const either = (items: string[]) => (items.length > 1 ? `${items.slice(0, -1).join(", ")} or ${items.at(-1)}` : items[0] ?? "");

function conditionWords(condition: Condition): string {
  if (typeof condition !== "object") return `is ${quoted(condition)}`;
  const { equals, in: among, regex, flags, gte, lte, exists } = condition;
  return [
    exists !== undefined && (exists ? "is set" : "is not set"),
    equals !== undefined && `is ${quoted(equals)}`,
    among !== undefined && `is ${either(among.map(quoted))}`,
    regex !== undefined && `matches /${regex}/${flags ?? ""}`,
    gte !== undefined && lte !== undefined ? `is between ${gte} and ${lte}` : gte !== undefined ? `is at least ${gte}` : lte !== undefined && `is at most ${lte}`,
  ].filter(Boolean).join(" and ");
}

/** When the rule gives points: "a page view of /pricing or /pricing/**", "the lead's traits: trait title matches /vp|head/i". */
export function whenFires(rule: Rule): string {
  const events = either([rule.on].flat().map((type) => EVENTS[type]));
  const { path, ext, name, ...fields } = rule.match ?? {};
  const parts = [
    path !== undefined && `of ${either([path].flat())}`,
    ext !== undefined && `of a ${either([ext].flat().map((e) => `.${e}`))} file`,
    name !== undefined && `named ${either([name].flat())}`,
  ].filter(Boolean);
  const conditions = Object.entries(fields).map(([field, condition]) => `${fieldName(field)} ${conditionWords(condition as Condition)}`);
  const where = conditions.length ? `${listens(rule.on, "identify") ? ": " : ", where "}${conditions.join(" and ")}` : "";
  return `${events}${parts.length ? ` ${parts.join(" ")}` : ""}${where}`;
}

/** The rule's limits in words, or "every match". */
export function limitsOf(rule: Rule): string {
  const limits = [
    rule.per && (rule.per === "ever" ? "once ever" : `once a ${rule.per}`),
    rule.unique && `once per ${fieldName(rule.unique)}`,
    rule.cap !== undefined && `at most ${rule.cap} points`,
    rule.minCount !== undefined && rule.minCount > 1 && `from the ${ordinal(rule.minCount)} match`,
  ].filter(Boolean);
  return limits.length ? limits.join(", ") : "every match";
}

const ordinal = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
