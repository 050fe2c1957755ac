import { memo } from "./cache";

/**
 * Whether a URL path matches a glob: `*` matches within one segment, `**` any number of
 * whole segments (zero included: `/pricing/**` matches `/pricing`), and a trailing `/` is
 * optional on either side. Matching is case-sensitive, as URL paths are.
 */
export function globMatches(pattern: string, path: string): boolean {
  return compile(pattern).test(withoutTrailingSlash(path));
}

const compile = memo((pattern: string) => {
  const source = withoutTrailingSlash(pattern)
    .split("/")
    .map((segment, i) => {
      if (segment === "**") return "(?:/.*)?"; // carries its own slash, so it can match nothing
      const prefix = i === 0 ? "" : "/";
      return prefix + segment.split("*").map(escape).join("[^/]*");
    })
    .join("");
  return new RegExp(`^${source}$`, "s");
});

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
