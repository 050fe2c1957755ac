import type { ProfileEvent, Traits } from "./types";

/** Longest text a matcher reads or the state keeps from a value: bounds work and storage. */
export const MAX_TEXT = 256;

/**
 * Reads a field path: `traits.*` from the profile's current traits, anything else
 * (`props.href`, `name`, `url`, `type`, `sid`) from the event. Only own properties are
 * read, so `props.constructor` is missing rather than a function.
 */
export function readField(path: string, event: ProfileEvent, traits: Traits): unknown {
  const keys = path.split(".");
  return keys[0] === "traits" ? dig(traits, keys.slice(1)) : dig(event, keys);
}

function dig(value: unknown, keys: string[]): unknown {
  for (const key of keys) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The text of a plain value; undefined when the value is missing (absent, null, ``) or not plain. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "boolean") return String(value);
  return undefined;
}

/** Cuts a text to MAX_TEXT characters. */
export function capText(text: string): string {
  return text.slice(0, MAX_TEXT);
}

const FIRST_NUMBER = /-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?/;

/**
 * A value read as a number: a number itself, or the first number in its text, thousands
 * separators allowed (`51-200` → 51, `1,000+` → 1000, `$2.5m` → 2.5). Reading at most
 * MAX_TEXT characters also keeps the result finite.
 */
export function readNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  const text = typeof value === "string" ? FIRST_NUMBER.exec(capText(value))?.[0] : undefined;
  return text === undefined ? undefined : Number(text.replaceAll(",", ""));
}
