/**
 * Page views (docs/sdk.md#what-it-captures): on load, and on every SPA navigation (pushState / replaceState /
 * popstate) that changes the path; a change of the query alone (utm tags) is no new page
 * view. (A back/forward-cache restore's is the lazy chunk's: restored.ts.) `ref` is the
 * referrer's origin; a session's first page (`first`) also carries its utm tags and
 * `landing`. `page` is the address the script found, less its es_t token.
 */
import { add } from "../send.js";
import { clean } from "../url.js";
import { on } from "../util.js";

export const pageviews = (first: boolean, page: URL): void => {
  let path = location.pathname;
  const ref = clean(document.referrer)?.origin;
  const view = () => {
    const props: Record<string, unknown> = { title: document.title, ref };
    if (first) {
      first = false;
      page.searchParams.forEach((v, k) => /^utm_/.test(k) && (props[k] = v));
      props.landing = clean(page as any)?.href;
    }
    add("pageview", { props });
  };
  // Checked a task later, once routers have also set the new title.
  const navigated = () => setTimeout(() => path != (path = location.pathname) && view());
  view();
  on(window, "popstate", navigated);
  for (const k of ["pushState", "replaceState"] as const) {
    const f = history[k];
    history[k] = function (this: History) {
      f.apply(this, arguments as any);
      navigated();
    };
  }
};
