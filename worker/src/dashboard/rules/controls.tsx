/** The rules page's form fields: each with its label, and its error beside it, tied to it for assistive technology. */
import type { Child } from "hono/jsx";

interface FieldProps {
  /** The element id; the form field's name unless `name` says otherwise. */
  id: string;
  name?: string;
  label: Child;
  error?: string;
  hint?: string;
}

function described(id: string, error?: string, hint?: string) {
  const ids = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  return { id, "aria-describedby": ids || undefined, "aria-invalid": error ? "true" : undefined };
}

function Wrap({ id, label, error, hint, children }: FieldProps & { children: Child }) {
  return (
    <div class={error ? "field invalid" : "field"}>
      <label for={id}>{label}</label>
      {children}
      {hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}
      {error && <span class="field-error" id={`${id}-error`}>{error}</span>}
    </div>
  );
}

export function TextField(props: FieldProps & { value: string; type?: "text" | "number"; required?: boolean; size?: number; maxLength?: number }) {
  const { id, name, value, type = "text", required, size, maxLength } = props;
  return (
    <Wrap {...props}>
      <input {...described(id, props.error, props.hint)} name={name ?? id} value={value} type={type} step={type === "number" ? "any" : undefined} required={required} size={size} maxlength={maxLength} />
    </Wrap>
  );
}

export function TextArea(props: FieldProps & { value: string; rows?: number }) {
  return (
    <Wrap {...props}>
      <textarea {...described(props.id, props.error, props.hint)} name={props.name ?? props.id} rows={props.rows ?? 3}>{props.value}</textarea>
    </Wrap>
  );
}

export function Select(props: FieldProps & { value: string; options: readonly (readonly [string, string])[] }) {
  return (
    <Wrap {...props}>
      <select {...described(props.id, props.error, props.hint)} name={props.name ?? props.id}>
        {props.options.map(([value, text]) => <option value={value} selected={value === props.value}>{text}</option>)}
      </select>
    </Wrap>
  );
}

/** An error no single field caused, at the top of its form. */
export const FormError = ({ error }: { error?: string }) => (error ? <p class="error" role="alert">{error}</p> : null);
