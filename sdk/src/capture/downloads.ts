/**
 * Downloads (CONTRACT §3): a left or middle click on a link whose path ends, whatever its
 * case, in one of the extensions (`data-downloads`), or that has a `download` attribute.
 * The click is never delayed or prevented. Sent at once, as such a click often leaves the page.
 *
 * A page left before its lazy chunk ran kept the links clicked on it (core.ts, `es_h`): the next
 * page's chunk sends their downloads, as of the page and time they were clicked.
 */
import { isDownload } from "../ext.js";
import type { Add, Listen } from "../lazy.js";
import { clean } from "../url.js";

/** What a page left before its lazy chunk ran kept (core.ts): its address, when, and each held event's button and link. */
export type Left = [string, number, [number, string | undefined][]];

export const downloads = (add: Add, listen: Listen, list?: string | string[], left?: Left | null): void => {
  /** Adds the download of a click with `button` on link `a`, if it is one; `at`: the page and time of a click on a page left. */
  const download = (a: HTMLAnchorElement | null | undefined, button: number, at?: object) => {
    if (a && button < 2 && (a.hasAttribute("download") || isDownload(a.pathname, list))) {
      add("download", { ...at, props: { href: clean(a.href)?.href, text: a.textContent!.trim().slice(0, 100) } });
    }
  };
  for (const type of ["click", "auxclick"]) {
    listen(type, (e: MouseEvent) => download((e.target as Element).closest<HTMLAnchorElement>("a[href]"), e.button));
  }
  if (left) {
    const [url, ts, clicks] = left;
    for (const [button, html] of clicks) {
      if (html) {
        // Parsed inert (nothing loads or runs), its links resolved against the page it was on.
        const doc = new DOMParser().parseFromString(html, "text/html");
        doc.head.append(Object.assign(doc.createElement("base"), { href: url }));
        download(doc.querySelector<HTMLAnchorElement>("a[href]"), button, { ts, url: clean(url)?.href });
      }
    }
  }
};
