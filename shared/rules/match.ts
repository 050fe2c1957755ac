import { capText, readField, readNumber, textOf } from "./fields";
import { globMatches } from "./glob";
import { rulePattern } from "./regex";
import type { Condition, Match, ProfileEvent, Traits } from "./types";
import { extensionOf, hrefPath, urlPath } from "./url";

/**
 * Whether every condition of a rule's `match` holds: `path` (globs on the path of the
 * event's url), `ext` (extension of `props.href`), `name` (the event's name, one of a list)
 * and field paths, `traits.*` read from the profile's current traits.
 */
export function matches(match: Match | undefined, event: ProfileEvent, traits: Traits): boolean {
  if (match === undefined) return true;
  const { path, ext, name, ...fields } = match;
  return (
    (path === undefined || matchesPath(listOf(path), event.url)) &&
    (ext === undefined || matchesExt(listOf(ext), event.props?.href)) &&
    (name === undefined || holds({ in: listOf(name) }, event.name)) &&
    Object.entries(fields).every(([field, condition]) => holds(condition, readField(field, event, traits)))
  );
}

/**
 * Whether a value meets a condition: a plain value means equals; every operator given must
 * hold. Text compares case-insensitively; a missing value fails every operator but `exists: false`.
 */
export function holds(condition: Condition, value: unknown): boolean {
  const text = textOf(value);
  if (typeof condition !== "object") return sameText(text, condition);
  const { equals, in: among, regex, flags = "", gte, lte, exists } = condition;
  const number = readNumber(value);
  return (
    (exists === undefined || exists === (text !== undefined)) &&
    (equals === undefined || sameText(text, equals)) &&
    (among === undefined || among.some((item) => sameText(text, item))) &&
    (regex === undefined || (text !== undefined && rulePattern(regex, flags).test(capText(text)))) &&
    (gte === undefined || (number !== undefined && number >= gte)) &&
    (lte === undefined || (number !== undefined && number <= lte))
  );
}

function sameText(text: string | undefined, wanted: string | number | boolean): boolean {
  return text !== undefined && text.toLowerCase() === String(wanted).toLowerCase();
}

function matchesPath(globs: string[], url: string | undefined): boolean {
  const path = url === undefined ? undefined : urlPath(url);
  return path !== undefined && globs.some((glob) => globMatches(glob, path));
}

function matchesExt(extensions: string[], href: unknown): boolean {
  const ext = typeof href === "string" ? extensionOf(hrefPath(href)) : undefined;
  return ext !== undefined && extensions.some((wanted) => wanted.toLowerCase() === ext);
}

function listOf(value: string | string[]): string[] {
  return typeof value === "string" ? [value] : value;
}
