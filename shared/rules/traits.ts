import { DISPOSABLE_EMAIL_DOMAINS, FREE_EMAIL_DOMAINS } from "./email-domains";
import { capText } from "./fields";
import type { Traits } from "./types";

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

/** The traits each cut to MAX_TEXT characters. */
function capTraits(traits: Traits): Traits {
  return Object.fromEntries(Object.entries(traits).map(([key, value]) => [key, capText(value)]));
}

/** `current` updated by `incoming` (later values win), derived traits recomputed. */
export function mergeTraits(current: Traits, incoming: Traits): Traits {
  return deriveTraits({ ...current, ...capTraits(incoming) });
}
