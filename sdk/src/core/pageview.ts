/**
 * Page views (docs/sdk.md#what-it-captures): on load, and on every SPA navigation (pushState / replaceState /
 * popstate) that changes the path; a change of the query alone (utm tags) is no new page
 * view. Navigations are watched by the lazy chunk (lazy/navigations.ts, as back/forward-cache
 * restores are: lazy/restored.ts), through the function this answers; the core's bytes go to
 * the first page view. `ref` is the referrer's origin; a session's first page (`first`) also
 * carries its utm tags and `landing`. `page` is the address the script found, less its es_t token.
 */
import { add } from "./send.js";
import { clean } from "./url.js";

/** Sends this page's page view; answers the check that sends another when the path has changed since. */
export const pageviews = (first: boolean, page: URL): (() => unknown) => {
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
  view();
  return () => path != (path = location.pathname) && view();
};
