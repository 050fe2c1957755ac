/**
 * Downloads (docs/sdk.md#what-it-captures): a left or middle click on a link whose path ends, whatever its
 * case, in one of the extensions (`data-downloads`), or that has a `download` attribute.
 * The click is never delayed or prevented. Sent at once, as such a click often leaves the page.
 * (The links clicked on a page left before its lazy chunk ran come from the next page's: lazy.ts.)
 */
import { isDownload } from "../ext.js";
import type { Add, Listen } from "./types.js";
import { clean } from "../url.js";

export const downloads = (add: Add, listen: Listen, list?: string | string[]): void => {
  for (const type of ["click", "auxclick"]) {
    listen(type, (e: MouseEvent) => {
      const a = (e.target as Element).closest<HTMLAnchorElement>("a[href]");
      if (a && e.button < 2 && (a.hasAttribute("download") || isDownload(a.pathname, list))) {
        add("download", { props: { href: clean(a.href)?.href, text: a.textContent!.trim().slice(0, 100) } });
      }
    });
  }
};
