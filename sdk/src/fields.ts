/**
 * Which form fields may become traits (docs/sdk.md#what-it-captures, Form fields): only the
 * allow-listed keys, mapped from a field's name / id / autocomplete / `type=email` (and
 * `type=tel`: phone); never passwords, hidden inputs, files, nor any field one of whose
 * names looks like a secret, payment or identity-number field. Pure: no DOM. (In the lazy chunk: its bytes are not the core's.)
 */
import type { FormFields, TraitKey } from "../../shared/events.js";

/** Each trait key, then the other names (as words run together) that map to it: HubSpot, Marketo, autocomplete tokens. */
const ALIASES =
  "email emailaddress|name fullname yourname|firstName fname givenname forename|lastName lname surname familyname" +
  "|company companyname organization organisation org|title jobtitle organizationtitle position|companySize" +
  " numemployees employees numberofemployees employeecount|industry|country countrycode|phone tel telephone" +
  " phonenumber mobile mobilephone";

const MAP: Record<string, TraitKey> = {};
for (const group of ALIASES.split("|")) {
  const names = group.split(" ");
  for (const n of names) MAP[n.toLowerCase()] = names[0] as TraitKey;
}

/**
 * Words (see `words`) of secret, payment and identity-number fields: passwords and pass codes,
 * one-time and verification codes, card numbers (cc-number, cardnum), security codes (cvc, cvv,
 * csc), expiry (exp, cc-exp), bank details (iban, bic, swift, routing, sort code, account
 * number), social security, national and tax ids (ssn, sin, national id, tax id), dates of
 * birth, PINs. A `type=tel` input named so is none of them a phone.
 */
const DENY =
  /pass|pwd|card|secur|tax|social|expir|routing|verif|one ?time|sort ?code|account ?(number|num|no)\b|national|birth|\b(cc|cvc|cvv|csc|cvn|exp|iban|bic|swift|ssn|sin|pin|otp|dob)\b/;

/** The worker's idea of an email (valibot's `email()`), so that a form is never refused for a typo. */
const EMAIL = /^[\w+-]+(?:\.[\w+-]+)*@[\da-z]+(?:[.-][\da-z]+)*\.[a-z]{2,}$/i;

/** A name as lower-case words: "ccNumber" → "cc number", "0-1/first_name" → "first name". */
export const words = (name: unknown): string =>
  ("" + name).replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().replace(/[^a-z]+/g, " ").trim();

/**
 * The trait a field maps to, from its input `type` and its names (name, id, the last token of
 * autocomplete), or undefined. A name is matched by its words run together ("first name" →
 * firstname → firstName); a denied word in any name, or a password / hidden / file input,
 * wins over everything.
 */
export function fieldKey(type: string, ...names: unknown[]): TraitKey | undefined {
  let key: TraitKey | undefined;
  if (/^(password|hidden|file)$/.test(type)) return;
  for (const name of names) {
    const w = words(name);
    if (DENY.test(w)) return;
    key ||= MAP[w.replace(/ /g, "")];
  }
  return type == "email" ? "email" : key || (type == "tel" ? "phone" : undefined);
}

/**
 * Sets `traits[key]` to `value` as the collect API accepts it, when there is a key: trimmed,
 * not empty, an email that looks like one (lower-cased), a country only as an ISO alpha-2
 * code, within the length limits. (The worker refuses a whole event for one bad trait, so a
 * bad value is left out.) The first accepted value of a key stays.
 */
export function put(traits: FormFields, key: TraitKey | undefined, value: unknown): void {
  const s = value == null || typeof value == "object" ? "" : ("" + value).trim();
  if (
    key &&
    s &&
    !traits[key] &&
    (key != "email" || EMAIL.test(s)) &&
    (key != "country" || /^[a-z]{2}$/i.test(s))
  ) {
    traits[key] = key == "email" ? s.toLowerCase() : s.slice(0, key == "phone" ? 64 : 256);
  }
}

/**
 * Traits from named values, each name mapped as a field name: HubSpot's submission values
 * (`{ firstname: "Ada" }`) or its lists (`[{ name: "0-1/firstname", value: "Ada" }]`).
 */
export function traits(values: unknown): FormFields {
  const t: FormFields = {};
  const pairs = Array.isArray(values) ? values.map((v) => [v?.name, v?.value]) : Object.entries(values || {});
  for (const [n, v] of pairs) put(t, fieldKey("", n), v);
  return t;
}
