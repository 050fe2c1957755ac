/**
 * What a rule's regular expression may be: JavaScript's engine backtracks, so a
 * pattern like `(a+)+$` on a 256-character trait can hang a worker. Refused:
 * backreferences and lookarounds (they force backtracking) and nested
 * quantifiers (a quantified group holding a quantifier). With trait values cut to
 * 256 characters, what remains runs in time bounded by the pattern and the input.
 */
export function regexProblem(source: string): string | null {
  if (/\\[1-9]|\\k</.test(source)) return "backreferences are not allowed";
  if (/\(\?<?[=!]/.test(source)) return "lookarounds are not allowed";
  // Scan groups: does a quantified group contain a quantifier?
  const stack: boolean[] = [];
  let quantified = false; // the current group holds a quantifier
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
      stack.push(quantified);
      quantified = false;
    } else if (c === ")") {
      const inner = quantified;
      quantified = stack.pop() ?? false;
      if (isQuantifier(source, i + 1)) {
        if (inner) return "nested quantifiers (a repeated group that repeats inside) are not allowed";
        quantified = true;
      }
    } else if (isQuantifier(source, i)) {
      quantified = true;
    }
  }
  return null;
}

/** Whether a quantifier starts at `i`: `*`, `+`, `?` (not after `(`), or `{n}`, `{n,}`, `{n,m}`. */
function isQuantifier(source: string, i: number): boolean {
  const c = source[i];
  if (c === "*" || c === "+") return true;
  if (c === "?") return source[i - 1] !== "(";
  return c === "{" && /^\{\d+(,\d*)?\}/.test(source.slice(i));
}
