import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL, validateModel } from "../../../shared/rules";
import { regexProblem } from "../../../shared/rules/regex";

describe("rule regular expressions", () => {
  it.each([
    "\\b(vp|vice president|director|head|chief|c[emt]o|founder)\\b",
    "^(?:cto|ceo)$",
    "[a+]+",
    "a{2,5}b*",
    "(ab)+c",
    "\\(a+\\)+",
    "(foo|bar)?-x",
    ".*pricing.*plans.*",
    "\\d+[a-z+*]+\\*\\+x+",
    "(a+)?b",
    "[ab|c]+",
  ])("takes %s", (source) => {
    expect(regexProblem(source)).toBeNull();
  });

  it.each([
    ["(a+)+$", /nested quantifiers/],
    ["(a*)*", /nested quantifiers/],
    ["(?:x|y+){2,}", /nested quantifiers/],
    ["((a)+)*", /nested quantifiers/],
    ["((a+))+", /nested quantifiers/],
    ["(a|aa)+$", /alternation inside a repeated group/],
    ["(?:a|b)*c", /alternation inside a repeated group/],
    ["((x|y))+", /alternation inside a repeated group/],
    ["(a|b){2,40}", /alternation inside a repeated group/],
    ["a*a*a*a*a*a*a*a*$", /at most 3 unbounded repeats/],
    ["\\d+\\w+[a-z]*.{2,}", /at most 3 unbounded repeats/],
    ["(a)\\1", /backreferences/],
    ["(?<n>a)\\k<n>", /backreferences/],
    ["foo(?=bar)", /lookarounds/],
    ["(?<!x)y", /lookarounds/],
  ])("refuses %s", (source, problem) => {
    expect(regexProblem(source)).toMatch(problem);
  });

  it("names the rule's field when a site's model holds a catastrophic pattern", () => {
    const model = structuredClone(DEFAULT_MODEL) as { rules: Array<Record<string, unknown>> };
    model.rules[5] = { ...model.rules[5], match: { "traits.title": { regex: "(a+)+$" } } };
    const checked = validateModel(model);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.issues).toEqual([expect.objectContaining({ path: "rules[5].match.traits.title.regex", message: expect.stringMatching(/nested quantifiers/) })]);
    }
  });
});
