import { DISPOSABLE_EMAIL_DOMAINS, FREE_EMAIL_DOMAINS } from "./email-domains";
import { capText } from "./fields";
import { isCustomTrait, MAX_CUSTOM_TRAITS } from "../traits";
import type { TraitChanges, Traits, TraitValue } from "./types";

export type EmailType = "business" | "free" | "disposable";

/** An email as it is hashed, signed and matched: trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function emailTypeOf(domain: string): EmailType {
  if (DISPOSABLE_EMAIL_DOMAINS.has(domain)) return "disposable";
  return FREE_EMAIL_DOMAINS.has(domain) ? "free" : "business";
}

/** The traits with `emailDomain` and `emailType` derived from `email` (when it has a domain). */
export function deriveTraits(traits: Traits): Traits {
  const email = traits.email;
  const at = email?.lastIndexOf("@") ?? -1;
  if (email === undefined || at < 0) return traits;
  const domain = email.slice(at + 1);
  return { ...traits, emailDomain: domain, emailType: emailTypeOf(domain) };
}

/**
 * A value as the state keeps it: a text cut to MAX_TEXT characters, −0 as 0 (as JSON stores
 * it, so a state reads the same before and after storage), other numbers and booleans as they are.
 */
function keptValue(value: TraitValue): TraitValue {
  if (typeof value === "string") return capText(value);
  return value === 0 ? 0 : value;
}

/**
 * `current` updated by `incoming`: later values win, `null` removes a trait, derived traits
 * are recomputed. A profile holding MAX_CUSTOM_TRAITS custom traits takes no new custom key
 * but still updates the ones it has.
 */
export function mergeTraits(current: Traits, incoming: TraitChanges): Traits {
  // A Map, not an object: a `__proto__` key stays plain data.
  const merged = new Map(Object.entries(current));
  let custom = [...merged.keys()].filter(isCustomTrait).length;
  for (const [key, value] of Object.entries(incoming)) {
    const isNew = !merged.has(key) && isCustomTrait(key);
    if (value === null) {
      if (merged.delete(key) && isCustomTrait(key)) custom--;
    } else if (!isNew || custom < MAX_CUSTOM_TRAITS) {
      merged.set(key, keptValue(value));
      if (isNew) custom++;
    }
  }
  return deriveTraits(Object.fromEntries(merged));
}

/** Traits, and which of them only claims set (docs/api.md, Trust model). */
export interface ProvenTraits {
  traits: Traits;
  claimed: string[];
}

/**
 * `mergeTraits` with provenance (docs/api.md, Trust model). A trusted change (a server
 * event, a verified browser's) sets or removes any trait, which is trusted from then on. A
 * claim (`byClaim`) sets or removes only a trait no trusted source holds: one the profile
 * lacks, or one that only claims set; what it sets is listed in `claimed`.
 */
export function mergeProvenTraits(current: ProvenTraits, incoming: TraitChanges, byClaim: boolean): ProvenTraits {
  const claimed = new Set(current.claimed);
  const taken = byClaim
    ? Object.fromEntries(Object.entries(incoming).filter(([key]) => !Object.hasOwn(current.traits, key) || claimed.has(key)))
    : incoming;
  const traits = mergeTraits(current.traits, taken);
  for (const key of Object.keys(taken)) {
    if (byClaim && Object.hasOwn(traits, key)) claimed.add(key);
    else claimed.delete(key);
  }
  return { traits, claimed: [...claimed] };
}
