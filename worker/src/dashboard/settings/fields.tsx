/**
 * Form fields: a label for each, an optional hint, and the check's messages beside the
 * field they concern (aria-invalid, and read out with the field through aria-describedby).
 */
import type { Child } from "hono/jsx";

/** An id for a field named by its config path (`webhook.url` → `f-webhook-url`). */
export const fieldId = (name: string) => `f-${name.replace(/[^a-zA-Z0-9]+/g, "-")}`;

interface FieldProps {
  name: string;
  label: string;
  hint?: Child;
  errors?: string[];
}

/** The ids that describe a field: its hint and its error. */
export const describedBy = (id: string, hint: boolean, error: boolean) =>
  [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;

function Hint({ id, hint }: { id: string; hint?: Child }) {
  return hint ? <p class="hint" id={`${id}-hint`}>{hint}</p> : null;
}

export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  return errors?.length ? <p class="field-error" id={`${id}-error`}>{errors.join("; ")}</p> : null;
}

export function TextField({ name, label, hint, errors, value, type = "text", autocomplete, inputmode }: FieldProps & {
  value: string; type?: "text" | "url" | "password" | "number"; autocomplete?: string; inputmode?: "numeric";
}) {
  const id = fieldId(name);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <Hint id={id} hint={hint} />
      <input id={id} name={name} type={type} value={value} autocomplete={autocomplete ?? "off"} inputmode={inputmode}
        aria-invalid={errors?.length ? "true" : undefined} aria-describedby={describedBy(id, !!hint, !!errors?.length)} />
      <FieldError id={id} errors={errors} />
    </div>
  );
}

export function TextArea({ name, label, hint, errors, value, rows = 4, readonly = false }: FieldProps & { value: string; rows?: number; readonly?: boolean }) {
  const id = fieldId(name);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <Hint id={id} hint={hint} />
      <textarea id={id} name={readonly ? undefined : name} rows={rows} readonly={readonly} class={readonly ? "code" : undefined} spellcheck={false}
        aria-invalid={errors?.length ? "true" : undefined} aria-describedby={describedBy(id, !!hint, !!errors?.length)}>{value}</textarea>
      <FieldError id={id} errors={errors} />
    </div>
  );
}

/** A lone check box, posted as "true" when ticked. */
export function CheckField({ name, label, hint, errors, checked }: FieldProps & { checked: boolean }) {
  const id = fieldId(name);
  return (
    <div class="field">
      <label class="check" for={id}>
        <input id={id} name={name} type="checkbox" value="true" checked={checked}
          aria-invalid={errors?.length ? "true" : undefined} aria-describedby={describedBy(id, !!hint, !!errors?.length)} />
        {label}
      </label>
      <Hint id={id} hint={hint} />
      <FieldError id={id} errors={errors} />
    </div>
  );
}

/** A group of check boxes under a legend, each posted as its value. */
export function CheckGroup({ name, label, hint, errors, options, checked }: FieldProps & { options: readonly string[]; checked: readonly string[] }) {
  const id = fieldId(name);
  return (
    <fieldset aria-describedby={describedBy(id, !!hint, !!errors?.length)}>
      <legend>{label}</legend>
      <Hint id={id} hint={hint} />
      <div class="checks">
        {options.map((option) => (
          <label class="check" for={fieldId(`${name}-${option}`)}>
            <input id={fieldId(`${name}-${option}`)} name={name} type="checkbox" value={option} checked={checked.includes(option)} />
            {option}
          </label>
        ))}
      </div>
      <FieldError id={id} errors={errors} />
    </fieldset>
  );
}
