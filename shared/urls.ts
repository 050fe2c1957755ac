/**
 * What of a URL may be kept (docs/api.md#post-v1collect, what the server keeps): scheme, host and path, plus campaign
 * tags and ad click ids. Every other query parameter and the fragment go: they
 * carry tokens, emails and session ids that must never reach storage. The browser
 * strips before sending; the worker strips again, trusting nothing.
 */
const KEPT_PARAMS = /^(utm_(source|medium|campaign|term|content)|gclid|fbclid|li_fat_id|msclkid)$/;

/** `url` parsed, or null when it is no URL (URL.canParse is not in every runtime we target). */
export function parseUrl(url: string, base?: string): URL | null {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
}

/** Whether `url` is an absolute http(s) URL. */
export function isHttpUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && (parsed.protocol === "http:" || parsed.protocol === "https:");
}

/** Whether a query parameter (or a page view's prop of the same name) may be kept: a standard campaign tag or an ad click id. */
export function isKeptParam(name: string): boolean {
  return KEPT_PARAMS.test(name);
}

/** `url` without the parameters that may not be kept, or null when it is no http(s) URL. */
export function keptUrl(url: string, base?: string): string | null {
  const parsed = parseUrl(url, base);
  if (!parsed) return null;
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  // Most URLs hold nothing to drop; each change below re-serialises the URL.
  if (parsed.username || parsed.password || parsed.href.includes("#")) parsed.username = parsed.password = parsed.hash = "";
  if (parsed.search) {
    for (const name of [...parsed.searchParams.keys()]) {
      if (!isKeptParam(name)) parsed.searchParams.delete(name);
    }
  }
  return parsed.href;
}

/** A referrer is kept only as its origin. */
export function keptOrigin(url: string): string | null {
  const origin = parseUrl(url)?.origin;
  return origin && origin !== "null" ? origin : null;
}
