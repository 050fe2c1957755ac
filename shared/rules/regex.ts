import { RE2JS } from "re2js";
import { memo } from "./cache";

/**
 * A rule's regular expression, matched by RE2 (docs/rules.md#regular-expressions): an
 * automaton that reads each character once, so no pattern a site saves can make a match
 * slow, whatever the text (JavaScript's own engine backtracks: `(a|aa)+$` or
 * `a{0,256}a{0,256}a{0,256}$` take seconds on a short value). Its syntax is
 * JavaScript's without backreferences and lookarounds, which need backtracking.
 */
export interface Pattern {
  test(text: string): boolean;
}

/** The flags a rule may give, as RE2 spells them; `u` is RE2's only mode (it reads code points). */
const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };

function compile(source: string, flags: string): Pattern {
  let bits = 0;
  for (const flag of flags) bits |= FLAGS[flag] ?? 0;
  return RE2JS.compile(source, bits);
}

/**
 * Why a pattern cannot be a rule's, or null when it can. Backreferences and lookarounds
 * are named, since RE2's own words for them ("invalid escape sequence") do not say why.
 */
export function regexProblem(source: string, flags = ""): string | null {
  if (/\\[1-9]|\\k</.test(source)) return "backreferences are not allowed";
  if (/\(\?<?[=!]/.test(source)) return "lookarounds are not allowed";
  try {
    compile(source, flags);
    return null;
  } catch (error) {
    return String((error as Error).message).replace(/^error parsing regexp: /, "");
  }
}

/**
 * The pattern ready to test, compiled once per isolate. One that RE2 refuses (validation
 * keeps such patterns out of a site's rules) matches nothing rather than failing a batch.
 */
export const rulePattern = memo((source: string, flags: string): Pattern => {
  try {
    return compile(source, flags);
  } catch {
    return { test: () => false };
  }
});
