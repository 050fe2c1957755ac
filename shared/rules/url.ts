// URLs are taken apart by hand: the engine imports no runtime, and `URL` is a runtime global.

const ORIGIN = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i;
const ORIGIN_OR_NETWORK_PATH = /^(?:[a-z][a-z\d+.-]*:)?\/\/[^/?#]*/i;

/** The path of an absolute URL (`/` when it has none); undefined when `url` is not absolute. */
export function urlPath(url: string): string | undefined {
  const origin = ORIGIN.exec(url)?.[0];
  return origin === undefined ? undefined : withoutQuery(url.slice(origin.length)) || "/";
}

/** The path of a link target, absolute (`https://cdn/x.pdf`, `//cdn/x.pdf`) or relative (`x.pdf`). */
export function hrefPath(href: string): string {
  const origin = ORIGIN_OR_NETWORK_PATH.exec(href)?.[0] ?? "";
  return withoutQuery(href.slice(origin.length));
}

/** The lower-cased extension of a path's last segment (`/a/B.PDF` → `pdf`), if it has one. */
export function extensionOf(path: string): string | undefined {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot < 0 ? undefined : name.slice(dot + 1).toLowerCase();
}

function withoutQuery(rest: string): string {
  return rest.replace(/[?#].*$/s, "");
}
