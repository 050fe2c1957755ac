import { memo } from "./cache";

/**
 * Whether a URL path matches a glob: `*` matches within one segment, `**` any number of
 * whole segments (zero included: `/pricing/**` matches `/pricing`), and a trailing `/` is
 * optional on either side. Matching is case-sensitive, as URL paths are.
 */
export function globMatches(pattern: string, path: string): boolean {
  return compile(pattern).test(withoutTrailingSlash(path));
}

/**
 * Why a glob cannot be taken, or null. Globs compile to regular expressions, where
 * wildcards side by side backtrack polynomially on a long path (`/*a*a*a*b` is n⁴):
 * at most two `*` in one segment and two `**` in a glob.
 */
export function globProblem(pattern: string): string | null {
  const segments = pattern.split("/");
  if (segments.filter((s) => s === "**").length > 2) return "at most two ** in a glob";
  if (segments.some((s) => s !== "**" && s.split("*").length - 1 > 2)) return "at most two * in one segment of a glob";
  return null;
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
