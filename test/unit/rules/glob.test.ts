import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL, validateModel } from "../../../shared/rules";
import { globMatches, globProblem } from "../../../shared/rules/glob";

describe("globMatches", () => {
  it.each([
    ["/pricing", "/pricing", true],
    ["/pricing", "/pricing/", true],
    ["/pricing/", "/pricing", true],
    ["/pricing", "/pricing/team", false],
    ["/pricing", "/pricingx", false],
    ["/pricing", "/Pricing", false],
    ["/pricing/**", "/pricing", true],
    ["/pricing/**", "/pricing/", true],
    ["/pricing/**", "/pricing/team", true],
    ["/pricing/**", "/pricing/team/eu/", true],
    ["/pricing/**", "/pricingx", false],
    ["/pricing/**", "/plans/pricing", false],
    ["/a/**/b", "/a/b", true],
    ["/a/**/b", "/a/x/y/b", true],
    ["/a/**/b", "/a/xb", false],
    ["/a/**/b", "/a/x/b/c", false],
    ["/**", "/", true],
    ["/**", "/anything/at/all", true],
    ["/**/pricing", "/pricing", true],
    ["/**/pricing", "/de/pricing", true],
    ["/blog/*", "/blog/post", true],
    ["/blog/*", "/blog/", false],
    ["/blog/*", "/blog/2026/post", false],
    ["/blog/*-guide", "/blog/seo-guide", true],
    ["/blog/*-guide", "/blog/a/seo-guide", false],
    ["/*/pricing", "/de/pricing", true],
    ["/*/pricing", "/pricing", false],
    ["/", "/", true],
    ["/", "/home", false],
    ["/docs/v1.0", "/docs/v1x0", false],
    ["/docs/(beta)", "/docs/(beta)", true],
  ])("%s against %s → %s", (pattern, path, expected) => {
    expect(globMatches(pattern, path)).toBe(expected);
  });
});

describe("globProblem", () => {
  it.each(["/pricing", "/pricing/**", "/**/pricing/**", "/blog/*/*/comments", "/*a*b", "/files/*.pdf"])("takes %s", (glob) => {
    expect(globProblem(glob)).toBeNull();
  });

  it.each([
    ["/*a*a*b", /two \* in one segment/],
    ["/x/a**b*", /two \* in one segment/],
    ["/**/**/**/x", /two \*\* in a glob/],
  ])("refuses %s", (glob, problem) => {
    expect(globProblem(glob)).toMatch(problem);
  });

  it("names the rule's field when a site's model holds such a glob", () => {
    const checked = validateModel({ ...DEFAULT_MODEL, rules: [{ id: "r", on: "pageview", match: { path: ["/ok", "/*a*a*a*b"] }, points: 1 }] });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.issues).toEqual([expect.objectContaining({ path: "rules[0].match.path[1]", message: "at most two * in one segment of a glob" })]);
  });
});
