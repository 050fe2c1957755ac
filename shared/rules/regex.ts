/**
 * What a rule's regular expression may be: JavaScript's engine backtracks, so a
 * pattern like `(a+)+$` or `(a|aa)+$` on a 256-character trait can hang a worker.
 * Refused: backreferences and lookarounds (they force backtracking), and a
 * repeated group (`*`, `+`, `{n,m}`) that can match one text in more than one way
 * inside: one holding a quantifier or an alternation. `(…)?` runs at most once and
 * stays allowed. Unbounded repeats side by side backtrack polynomially (`a*a*a*a*$`
 * is n⁴ on n characters), so a pattern holds at most MAX_UNBOUNDED of them. With
 * texts cut to 256 characters, what remains runs in time bounded by the pattern and
 * the input (256³ steps at worst).
 */
export function regexProblem(source: string): string | null {
  if (/\\[1-9]|\\k</.test(source)) return "backreferences are not allowed";
  if (/\(\?<?[=!]/.test(source)) return "lookarounds are not allowed";
  // Scan groups: what does the current group hold that could backtrack if repeated?
  const stack: Ambiguity[] = [];
  let holds: Ambiguity = null;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "[") {
      // A character class: quantifier characters inside it are literals.
      for (i++; i < source.length && source[i] !== "]"; i++) if (source[i] === "\\") i++;
      continue;
    }
    if (c === "(") {
      stack.push(holds);
      holds = null;
    } else if (c === ")") {
      const inner: Ambiguity = holds;
      holds = stack.pop() ?? null;
      holds ??= inner;
      if (isQuantifier(source, i + 1) && source[i + 1] !== "?") {
        if (inner === "quantifier") return "nested quantifiers (a repeated group that repeats inside) are not allowed";
        if (inner === "alternation") return "an alternation inside a repeated group (like (a|aa)+) is not allowed: repeat a character class ([ab]+) instead";
        holds = "quantifier";
      }
    } else if (c === "|") {
      holds ??= "alternation";
    } else if (isQuantifier(source, i)) {
      holds = "quantifier";
    }
  }
  if (unboundedRepeats(source) > MAX_UNBOUNDED) {
    return `at most ${MAX_UNBOUNDED} unbounded repeats (*, + or {n,}) are allowed in one pattern`;
  }
  return null;
}

export const MAX_UNBOUNDED = 3;

/** How many `*`, `+` and `{n,}` a pattern holds, escapes and character classes aside. */
function unboundedRepeats(source: string): number {
  let count = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      i++;
    } else if (c === "[") {
      for (i++; i < source.length && source[i] !== "]"; i++) if (source[i] === "\\") i++;
    } else if (c === "*" || c === "+" || (c === "{" && /^\{\d+,\}/.test(source.slice(i)))) {
      count++;
    }
  }
  return count;
}

/** What a group holds that could match one text in more than one way, if anything. */
type Ambiguity = "quantifier" | "alternation" | null;

/** Whether a quantifier starts at `i`: `*`, `+`, `?` (not after `(`), or `{n}`, `{n,}`, `{n,m}`. */
function isQuantifier(source: string, i: number): boolean {
  const c = source[i];
  if (c === "*" || c === "+") return true;
  if (c === "?") return source[i - 1] !== "(";
  return c === "{" && /^\{\d+(,\d*)?\}/.test(source.slice(i));
}
