/**
 * HubSpot embedded forms (docs/sdk.md#what-it-captures), through the events they publish: the window event
 * `hs-form-event:on-submission:success` of forms made with the new editor (values read with
 * `HubSpotFormsV4.getFormFromEvent(e).getFormFieldValues()`, the form id at least from the
 * event's `detail.formId`), and the legacy `hsFormCallback`
 * postMessage with `eventName: "onFormSubmitted"` (accepted from this page's origin or
 * HubSpot's only, so no other frame can claim an identity for the visitor).
 */
import { traits } from "../fields.js";
import type { Add, Listen } from "./types.js";
import { fromHubSpot } from "../url.js";
import { safe } from "../util.js";

export const hubspot = (add: Add, listen: Listen): void => {
  const form = safe((id: unknown, values: unknown) =>
    add("form", { props: { form: id == null ? undefined : "" + id, fields: traits(values) } }),
  );
  listen("hs-form-event:on-submission:success", async (e: CustomEvent) => {
    // The form's values from HubSpot's API when it is there; its id at least from the event.
    let id = e.detail?.formId;
    let values: unknown = [];
    try {
      const f = (window as any).HubSpotFormsV4.getFormFromEvent(e);
      id = f.getFormId() ?? id;
      values = await f.getFormFieldValues();
    } catch {}
    form(id, values);
  });
  listen("message", (e: MessageEvent) => {
    const d = e.data;
    if (fromHubSpot(e.origin, location.origin) && d?.type == "hsFormCallback" && d.eventName == "onFormSubmitted") {
      form(d.id, d.data?.submissionValues || d.data);
    }
  });
};
