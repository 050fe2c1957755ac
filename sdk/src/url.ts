/**
 * URL cleaning for everything that leaves the page (docs/sdk.md#what-it-captures). Pure: no DOM.
 *
 * A smaller equivalent of `keptUrl()` in shared/urls.ts (the worker strips again and
 * trusts nothing): it keeps every `utm_*` tag, where the worker keeps the five standard ones.
 */

/** Query parameters that may leave the page: campaign tags and ad click ids. */
const KEEP = /^(utm_\w+|gclid|fbclid|li_fat_id|msclkid)$/;

/**
 * `u`, resolved against `base`, as an http(s) URL without its fragment and any query
 * parameter but `utm_*` and ad click ids; undefined when it is no http(s) URL.
 * (Credentials in a URL, which no page or link of a marketing site has, are left to the worker.)
 */
export const clean = (u: string, base?: string): URL | undefined => {
  // No address (an empty referrer): checked, not thrown over, as exceptions are dear.
  if (u || base)
    try {
      const x = new URL(u, base);
      if (/^https?:$/.test(x.protocol)) {
        x.hash = "";
        (x as any).search = new URLSearchParams([...x.searchParams].filter((p) => KEEP.test(p[0])));
        return x;
      }
    } catch {}
};

/**
 * Whether a postMessage from `origin` may be a HubSpot form's: from the page itself (`own`,
 * its origin: forms rendered in it) or from an https origin of HubSpot's forms domains,
 * hsforms.com and hsforms.net, which serve HubSpot's forms only. Not hubspot.com or
 * hubspot.net: HubSpot's customers publish their own pages and files there.
 */
export const fromHubSpot = (origin: string, own: string): boolean =>
  origin == own || /^https:\/\/([\w-]+\.)*hsforms\.(com|net)$/.test(origin);
