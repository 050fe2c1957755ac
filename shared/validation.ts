import * as v from "valibot";

/** One reason an input was refused, with the field it concerns (`rules[3].points`). */
export interface FieldIssue {
  path: string;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

/** Formats a valibot path as people write it: `events[2].props.href`. */
function pathOf(issue: v.BaseIssue<unknown>): string {
  let out = "";
  for (const item of issue.path ?? []) {
    const key = item.key as string | number;
    out += typeof key === "number" ? `[${key}]` : out ? `.${key}` : String(key);
  }
  return out;
}

/** Validates `input` against `schema`, answering every bad field rather than the first. */
export function check<S extends v.GenericSchema>(schema: S, input: unknown): Checked<v.InferOutput<S>> {
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, issues: result.issues.map((i) => ({ path: pathOf(i), message: i.message })) };
}
