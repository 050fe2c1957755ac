import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

/** The repository's own files, as git knows them (what a clone holds). */
const files = execFileSync("git", ["ls-files", "-z"], { encoding: "utf8" })
  .split("\0")
  .filter((f) => f && existsSync(f) && !/\.(png|pdf|ico)$/.test(f) && f !== "package-lock.json");

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");

/** The anchors of a Markdown file's headings. */
function anchors(file: string): Set<string> {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => slug(heading!)));
}

/** Every pointer into docs/ a file makes: a docs path with an optional anchor anywhere, and a Markdown file's own links. */
function pointers(file: string): { target: string; anchor?: string }[] {
  const text = readFileSync(file, "utf8");
  const found = [...text.matchAll(/\b(docs\/[\w-]+\.md)(?:#([\w-]+))?/g)].map(([, target, anchor]) => ({ target: target!, anchor }));
  if (file.endsWith(".md")) {
    for (const [, path, anchor] of text.matchAll(/\]\(([\w./-]*?\.md)?(?:#([\w-]+))?\)/g)) {
      if (path === undefined && anchor === undefined) continue;
      found.push({ target: path === undefined ? file : normalize(join(dirname(file), path)), anchor });
    }
  }
  return found;
}

describe("the repository explains itself", () => {
  it("cites only documents it holds, by sections they have", () => {
    const broken = files.flatMap((file) =>
      pointers(file)
        .filter(({ target, anchor }) => !existsSync(target) || (anchor !== undefined && !anchors(target).has(anchor)))
        .map(({ target, anchor }) => `${file}: ${target}${anchor === undefined ? "" : `#${anchor}`}`),
    );
    expect(broken).toEqual([]);
  });

  it("cites no document outside it", () => {
    // The name of the document that was never in the repository, spelt in halves so that this file passes too.
    const outsider = new RegExp(`\\b${"con"}${"tract"}\\b`, "i");
    const outside = files.filter((file) => outsider.test(readFileSync(file, "utf8")));
    expect(outside).toEqual([]);
  });
});
