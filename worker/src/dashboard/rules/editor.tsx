/**
 * The draft's forms (docs/dashboard.md, Scoring rules): a rule's every part, and the
 * model's settings. A refused form comes back as typed, each error beside its field.
 */
import { EVENT_TYPES } from "../../../../shared/rules";
import { pageUrl } from "../layout";
import { FormError, Select, TextArea, TextField } from "./controls";
import { BLANK_ROWS, OPERATORS, type ConditionFields, type FieldErrors, type ModelFields, type RuleFields } from "./fields";

const OPERATOR_NAMES: Record<(typeof OPERATORS)[number], string> = {
  equals: "equals", in: "is one of", regex: "matches the regex", range: "is in the range", exists: "exists", absent: "does not exist",
};
const BLANK_CONDITION: ConditionFields = { field: "", op: "equals", value: "", flags: "", min: "", max: "" };

function ConditionRow({ row, i, error }: { row: ConditionFields; i: number; error?: string }) {
  const id = (part: string) => `cond-${i}-${part}`;
  return (
    <fieldset class={error ? "condition invalid" : "condition"}>
      <legend>{`Condition ${i + 1}`}</legend>
      <TextField id={id("field")} label="Field" value={row.field} hint="traits.*, props.*, url, type or sid" error={error} />
      <Select id={id("op")} label="Operator" value={row.op} options={OPERATORS.map((op) => [op, OPERATOR_NAMES[op]] as const)} />
      <TextField id={id("value")} label="Value" value={row.value} hint="for equals, a list (separated by commas), or a regex" />
      <TextField id={id("flags")} label="Regex flags" value={row.flags} size={4} hint="i, m, s, u" />
      <TextField id={id("min")} label="At least" value={row.min} type="number" />
      <TextField id={id("max")} label="At most" value={row.max} type="number" />
    </fieldset>
  );
}

export function RuleEditor({ site, fields, errors }: { site: string; fields: RuleFields; errors: FieldErrors }) {
  const isNew = !fields.original;
  const conditions = [...fields.conditions, ...Array<ConditionFields>(BLANK_ROWS).fill(BLANK_CONDITION)];
  return (
    <form class="rule-form" method="post" action={pageUrl("/dashboard/rules/draft/rule", site)} id="rule-editor">
      <h3>{isNew ? "Add a rule" : `Change rule ${fields.original}`}</h3>
      <FormError error={errors.form} />
      <input type="hidden" name="original" value={fields.original} />
      <div class="fields">
        <TextField id="id" label="Id" value={fields.id} error={errors.id} hint="letters, digits, _ or -" required />
        <TextField id="points" label="Points" value={fields.points} type="number" error={errors.points} hint="negative takes points away" required />
        <Select id="dimension" label="Dimension" value={fields.dimension} error={errors.dimension} options={[["engagement", "engagement"], ["fit", "fit"]]} />
      </div>
      <fieldset class={errors.on ? "events invalid" : "events"} aria-describedby={errors.on ? "on-error" : undefined}>
        <legend>Event types it listens to</legend>
        {EVENT_TYPES.map((type) => (
          <label class="check" for={`on-${type}`}>
            <input type="checkbox" id={`on-${type}`} name="on" value={type} checked={fields.on.includes(type)} /> {type}
          </label>
        ))}
        {errors.on && <span class="field-error" id="on-error">{errors.on}</span>}
      </fieldset>
      <div class="fields">
        <TextArea id="path" label="Page paths" value={fields.path} error={errors.path} hint="globs, one a line: /pricing, /docs/**" />
        <TextArea id="name" label="Event names" value={fields.name} error={errors.name} hint="track names, one a line" />
        <TextField id="ext" label="Link extensions" value={fields.ext} error={errors.ext} hint="downloads: pdf, docx" />
      </div>
      <p class="note">Conditions on fields: all must hold. Leave a row's field empty to drop it; two rows on one field both apply.</p>
      {conditions.map((row, i) => <ConditionRow row={row} i={i} error={errors[`cond-${i}`]} />)}
      <div class="fields">
        <Select id="per" label="At most once per" value={fields.per} error={errors.per} options={[["", "no limit"], ["ever", "ever"], ["day", "day"], ["session", "session"]]} />
        <TextField id="unique" label="Once per distinct" value={fields.unique} error={errors.unique} hint="a field: props.href" />
        <TextField id="cap" label="Cap (points at most)" value={fields.cap} type="number" error={errors.cap} />
        <TextField id="minCount" label="Points from match number" value={fields.minCount} type="number" error={errors.minCount} />
      </div>
      <div class="buttons">
        <button type="submit">{isNew ? "Add the rule to the draft" : "Save the rule in the draft"}</button>
        <a href={pageUrl("/dashboard/rules", site, {}, "#draft")}>Cancel</a>
      </div>
    </form>
  );
}

export function ModelEditor({ site, fields, errors }: { site: string; fields: ModelFields; errors: FieldErrors }) {
  const countries = [...fields.countries, ...Array(BLANK_ROWS).fill({ country: "", total: "", fit: "", engagement: "" })];
  const dims = ["total", "fit", "engagement"] as const;
  return (
    <form class="model-form" method="post" action={pageUrl("/dashboard/rules/draft/model", site)} id="model-editor">
      <h3>Thresholds and decay</h3>
      <FormError error={errors.form ?? errors.countries} />
      <fieldset>
        <legend>A lead is an MQL at</legend>
        <div class="fields">
          {dims.map((d) => <TextField id={`thresholds-${d}`} label={`${d} at least`} value={fields.thresholds[d]} type="number" error={errors[`thresholds-${d}`]} required />)}
        </div>
      </fieldset>
      <fieldset>
        <legend>Per-country thresholds</legend>
        <p class="note">Replace only the thresholds given, for leads of that country; empty the code to drop a row.</p>
        {countries.map((c, i) => (
          <div class={errors[`country-${i}`] ? "fields invalid" : "fields"}>
            <TextField id={`country-${i}-country`} label="Country code" value={c.country} size={3} error={errors[`country-${i}`]} hint="DE, IN" />
            {dims.map((d) => <TextField id={`country-${i}-${d}`} label={`${d} at least`} value={c[d]} type="number" />)}
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>Inactivity decay</legend>
        <div class="fields">
          <TextField id="decay-afterDays" label="After days without activity" value={fields.decay.afterDays} type="number" error={errors["decay-afterDays"]} required />
          <TextField id="decay-points" label="Engagement points" value={fields.decay.points} type="number" error={errors["decay-points"]} hint="0 or less; 0 turns decay off" required />
          <TextField id="decay-everyDays" label="Again every days" value={fields.decay.everyDays} type="number" error={errors["decay-everyDays"]} required />
        </div>
      </fieldset>
      <fieldset>
        <legend>An account is an MQA at</legend>
        <div class="fields">
          <TextField id="account-fit" label="fit at least" value={fields.accountThresholds.fit} type="number" error={errors["account-fit"]} hint="both empty: the default" />
          <TextField id="account-engagement" label="engagement at least" value={fields.accountThresholds.engagement} type="number" error={errors["account-engagement"]} />
        </div>
      </fieldset>
      <button type="submit">Save thresholds and decay in the draft</button>
    </form>
  );
}
