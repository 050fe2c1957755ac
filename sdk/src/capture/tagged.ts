/**
 * `data-es-event="name"` (docs/sdk.md#what-it-captures): a `track` event on a left or middle click on a
 * tagged element (not a form), or on the submit of a tagged form.
 */
import type { Add, Listen } from "./types.js";

export const tagged = (add: Add, listen: Listen): void => {
  for (const type of ["click", "auxclick", "submit"]) {
    listen(type, (e: MouseEvent) => {
      const el = (e.target as Element).closest<HTMLElement>("[data-es-event]");
      if (el && !(e.button > 1) && (type == "submit") == (el.tagName == "FORM")) add("track", { name: el.dataset.esEvent });
    });
  }
};
