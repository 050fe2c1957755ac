/**
 * Form submits (docs/sdk.md#what-it-captures): `props: { form, action, fields }`, `fields` only the
 * allow-listed traits (fields.ts). Skipped: forms inside `[data-es-ignore]`, and HubSpot's
 * own forms (`.hs-form`), counted once through their events (hubspot.ts); inputs inside
 * `[data-es-ignore]`, unchecked radios and checkboxes.
 */
import type { FormFields } from "../../../shared/events.js";
import { fieldKey, put } from "../fields.js";
import type { Add, Listen } from "./types.js";
import { clean } from "../url.js";

export const forms = (add: Add, listen: Listen): void => {
  listen("submit", (e: SubmitEvent) => {
    const f = e.target as HTMLFormElement;
    // Attributes, not properties: an input named "id" or "action" shadows the form's.
    const attr = (n: string) => f.getAttribute(n);
    if (f.closest("[data-es-ignore],.hs-form")) return;
    const fields: FormFields = {};
    for (const el of f.querySelectorAll<HTMLInputElement>("input,select,textarea")) {
      if (!el.closest("[data-es-ignore]") && !(/^(radio|checkbox)$/.test(el.type) && !el.checked)) {
        put(fields, fieldKey(el.type, el.name, el.id, el.autocomplete.split(" ").pop()), el.value);
      }
    }
    add("form", { props: { form: attr("id") || attr("name") || undefined, action: clean(attr("action") || "", location.href)?.href, fields } });
  });
};
