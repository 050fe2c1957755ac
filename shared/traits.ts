/**
 * The trait vocabulary (docs/rules.md, Traits): the named keys, the derived ones, and the
 * bounds on the site's own. Shared by the wire schemas and scoring; no imports, so the
 * browser's type check can follow it.
 */

/** The named traits: what a form may give (its allowlist), with their own checks in identify too. */
export const TRAIT_KEYS = [
  "email", "name", "firstName", "lastName", "company", "title",
  "companySize", "industry", "country", "phone",
] as const;
export type TraitKey = (typeof TRAIT_KEYS)[number];

/** Traits the server derives from `email`: never set by a client. */
export const DERIVED_TRAITS = ["emailDomain", "emailType"] as const;

/**
 * A key of the site's own (docs/rules.md, Traits): a letter, then letters, digits or `_`,
 * 64 in all. No dots, since rules address `traits.<key>`; no `__proto__`-like keys.
 */
export const CUSTOM_TRAIT_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Most custom traits an event may give and a profile may hold: they bound its stored state. */
export const MAX_CUSTOM_TRAITS = 50;

/**
 * Largest magnitude of a number trait: every integer up to it is exact (below 2^53) and
 * written without an exponent, so text matchers and the CSV read it as it was sent.
 */
export const MAX_TRAIT_NUMBER = 1e15;

const NAMED: ReadonlySet<string> = new Set<string>([...TRAIT_KEYS, ...DERIVED_TRAITS]);

/** Whether a trait key is the site's own rather than a named or derived trait. */
export function isCustomTrait(key: string): boolean {
  return !NAMED.has(key);
}
