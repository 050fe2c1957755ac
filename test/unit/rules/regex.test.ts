import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL, validateModel } from "../../../shared/rules";
import { regexProblem, rulePattern } from "../../../shared/rules/regex";

/** Patterns a backtracking engine takes seconds on, with the kind of text that costs it most. */
const BACKTRACKERS = [
  "(a+)+$", "(a*)*$", "(a|aa)+$", "(?:a|b)*c", "^(a|a?)+$", "a*a*a*a*a*a*a*a*$", "(.*a){12}",
  "^a{0,256}a{0,256}a{0,256}a{0,256}a{0,256}$", "(x+x+)+y",
];

describe("rule regular expressions", () => {
  it.each([
    "\\b(vp|vice president|director|head|chief|c[emt]o|founder)\\b",
    "^(?:cto|ceo)$",
    "[a+]+",
    "a{2,5}b*",
    "(?<role>cto|ceo)",
    "\\/pricing\\/",
    ...BACKTRACKERS,
  ])("takes %s", (source) => {
    expect(regexProblem(source)).toBeNull();
  });

  it.each([
    ["(a)\\1", /backreferences/],
    ["(?<n>a)\\k<n>", /backreferences/],
    ["foo(?=bar)", /lookarounds/],
    ["(?<!x)y", /lookarounds/],
    ["(vp", /missing closing \)/],
    ["\\u00e9", /invalid escape sequence/],
    ["a{1001}", /invalid repeat count/],
  ])("refuses %s", (source, problem) => {
    expect(regexProblem(source)).toMatch(problem);
  });

  it("answers as JavaScript's engine does, flags included", () => {
    const title = rulePattern("\\b(vp|vice president|director|head|chief|c[emt]o|founder)\\b", "i");
    expect(["VP Marketing", "Chief of Staff", "CTO", "Co-Founder"].map((t) => title.test(t))).toEqual([true, true, true, true]);
    expect(["Intern", "Developer", "Vpn admin", "ctor"].map((t) => title.test(t))).toEqual([false, false, false, false]);
    expect(rulePattern("^b$", "m").test("a\nb\nc")).toBe(true);
    expect(rulePattern("^b$", "").test("a\nb\nc")).toBe(false);
    expect(rulePattern("a.c", "s").test("a\nc")).toBe(true);
    expect(rulePattern("a.c", "").test("a\nc")).toBe(false);
    expect(rulePattern("^.$", "u").test("😀")).toBe(true);
  });

  it("matches what a JavaScript RegExp matches, on any text", () => {
    const patterns = [...BACKTRACKERS, "^(?:cto|ceo)$", "[ab]+c?", "a{2,5}b*", "^\\d+$", "b|c$", "(ab)+c"];
    fc.assert(fc.property(
      fc.constantFrom(...patterns),
      fc.constantFrom("", "i", "m", "s"),
      fc.string({ unit: fc.constantFrom("a", "b", "c", "x", "y", "1", "\n", "A"), maxLength: 14 }),
      (source, flags, text) => rulePattern(source, flags).test(text) === new RegExp(source, flags).test(text),
    ));
  });

  it("matches nothing with a pattern it refuses, rather than failing the batch", () => {
    expect(rulePattern("(a)\\1", "").test("aa")).toBe(false);
  });

  it("names the rule's field when a site's model holds a pattern it refuses", () => {
    const model = structuredClone(DEFAULT_MODEL) as { rules: Array<Record<string, unknown>> };
    model.rules[5] = { ...model.rules[5], match: { "traits.title": { regex: "(a)\\1" } } };
    const checked = validateModel(model);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.issues).toEqual([expect.objectContaining({ path: "rules[5].match.traits.title.regex", message: "regex: backreferences are not allowed" })]);
    }
  });
});
