import * as v from "valibot";
import { check, type Checked } from "../validation";
import { EVENT_TYPES, listens } from "./event-types";
import { globProblem } from "./glob";
import { regexProblem } from "./regex";

/** Inactivity decay when a model names none: −10 engagement after 30 days, again every 30. */
export const DEFAULT_DECAY = { afterDays: 30, points: -10, everyDays: 30 };

export const EventTypeSchema = v.picklist(EVENT_TYPES);

const MAX_STRING = 256;
const MAX_LIST = 100;
const MAX_RULES = 200;
const RULE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const NESTED_FIELD = /^(props|traits)\.[A-Za-z0-9_.-]{1,64}$/;
const FIELD_PATH = new RegExp(`${NESTED_FIELD.source}|^(name|url|type|sid)$`);
/** The explanation's own line names, and the one key a plain object cannot hold (state is keyed by rule id). */
const RESERVED_IDS = ["floor", "decay", "__proto__"];

const text = v.pipe(v.string(), v.maxLength(MAX_STRING));
const finite = v.pipe(v.number(), v.finite());
const threshold = v.pipe(v.number(), v.finite(), v.minValue(0));
const days = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650));
const fieldPath = v.pipe(
  v.string(),
  v.regex(FIELD_PATH, "must be a field path: props.*, traits.*, name, url, type or sid"),
);

/** One value or a non-empty list of them. */
function oneOrMany<S extends v.GenericSchema>(item: S) {
  const list = v.pipe(v.array(item), v.minLength(1), v.maxLength(MAX_LIST));
  // Chosen by shape, so an issue names the bad item rather than "expected string | Array".
  return v.lazy((input) => (Array.isArray(input) ? list : item));
}

/** The schema of an object with `entries` (and `Rest`), typed without the index signature valibot would add. */
type Closed<E extends v.ObjectEntries, Rest = unknown> = v.GenericSchema<
  v.InferInput<v.ObjectSchema<E, undefined>> & Rest,
  v.InferOutput<v.ObjectSchema<E, undefined>> & Rest
>;

/** An object that refuses unknown keys, naming each one (v.strictObject names only the first). */
function closed<const E extends v.ObjectEntries>(entries: E): Closed<E> {
  return v.pipe(v.looseObject(entries), refuseUnknownKeys(entries));
}

/** Names every key that is not one of `known` (nor, when allowed, a `props.*` or `traits.*` field). */
function refuseUnknownKeys<T>(known: v.ObjectEntries, nestedFields = false): v.RawCheckAction<T> {
  const expected = [...Object.keys(known), ...(nestedFields ? ["props.*", "traits.*"] : [])].join(", ");
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    const value = dataset.value;
    if (!isRecord(value)) return;
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(known, key) || (nestedFields && NESTED_FIELD.test(key))) continue;
      addIssue({ message: `unknown key "${key}" (expected ${expected})`, path: [step(value, key)] });
    }
  });
}

const scalar = v.union([text, finite, v.boolean()]);
const OPERATORS = ["equals", "in", "regex", "gte", "lte", "exists"] as const;
const operators = v.pipe(
  closed({
    equals: v.optional(scalar),
    in: v.optional(v.pipe(v.array(scalar), v.minLength(1), v.maxLength(MAX_LIST))),
    regex: v.optional(text),
    flags: v.optional(v.pipe(v.string(), v.regex(/^[imsu]*$/, "flags may only be i, m, s and u"))),
    gte: v.optional(finite),
    lte: v.optional(finite),
    exists: v.optional(v.boolean()),
  }),
  v.check((op) => OPERATORS.some((key) => op[key] !== undefined), `needs one of ${OPERATORS.join(", ")}`),
  v.forward(
    v.rawCheck(({ dataset, addIssue }) => {
      const problem = dataset.typed && dataset.value.regex !== undefined ? regexProblem(dataset.value.regex, dataset.value.flags) : null;
      if (problem) addIssue({ message: `regex: ${problem}` });
    }),
    ["regex"],
  ),
);
/** What a field must hold: a plain value (equals) or an operator object. */
export const ConditionSchema = v.lazy((input) => (isRecord(input) ? operators : scalar));

const MATCH_KEYS = {
  path: v.optional(oneOrMany(v.pipe(
    text,
    v.startsWith("/", "a path glob starts with /"),
    v.rawCheck(({ dataset, addIssue }) => {
      const problem = dataset.typed ? globProblem(dataset.value) : null;
      if (problem) addIssue({ message: problem });
    }),
  ))),
  ext: v.optional(
    oneOrMany(v.pipe(v.string(), v.regex(/^[A-Za-z0-9]{1,16}$/, "an extension is 1 to 16 letters or digits"))),
  ),
  name: v.optional(oneOrMany(text)),
  url: v.optional(ConditionSchema),
  type: v.optional(ConditionSchema),
  sid: v.optional(ConditionSchema),
};
type NestedFieldConditions = { [field: `props.${string}` | `traits.${string}`]: v.InferOutput<typeof ConditionSchema> };
const MatchSchema: Closed<typeof MATCH_KEYS, NestedFieldConditions> = v.pipe(
  v.objectWithRest(MATCH_KEYS, ConditionSchema),
  refuseUnknownKeys(MATCH_KEYS, true),
);

const RuleSchema = v.pipe(
  closed({
    id: v.pipe(
      v.string(),
      v.regex(RULE_ID, "an id is 1 to 64 letters, digits, _ or -"),
      v.check((id) => !RESERVED_IDS.includes(id), "this id is reserved"),
    ),
    on: oneOrMany(EventTypeSchema),
    match: v.optional(MatchSchema),
    points: v.pipe(
      v.number(),
      v.finite(),
      v.minValue(-1000),
      v.maxValue(1000),
      v.notValue(0, "points must not be 0"),
    ),
    dimension: v.optional(v.picklist(["fit", "engagement"]), "engagement"),
    per: v.optional(v.picklist(["ever", "day", "session"])),
    unique: v.optional(fieldPath),
    cap: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0))),
    minCount: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  }),
  // An identify rule is judged on the profile's traits, whatever event is being scored.
  v.rawCheck(({ dataset, addIssue }) => {
    const rule = dataset.value;
    if (!isRecord(rule) || !listens(rule.on, "identify") || !isRecord(rule.match)) return;
    for (const key of Object.keys(rule.match)) {
      if (key.startsWith("traits.")) continue;
      addIssue({
        message: "an identify rule matches traits.* fields only",
        path: [step(rule, "match"), step(rule.match, key)],
      });
    }
  }),
);

const thresholdsOverride = closed({
  total: v.optional(threshold),
  fit: v.optional(threshold),
  engagement: v.optional(threshold),
});

export const ModelSchema = closed({
  thresholds: closed({ total: threshold, fit: threshold, engagement: threshold }),
  // Absent: accounts.ts's DEFAULT_ACCOUNT_THRESHOLDS (not filled in, so models saved before it stay as they were).
  accountThresholds: v.optional(closed({ fit: threshold, engagement: threshold })),
  countries: v.optional(
    v.record(v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, "a country is an ISO 3166 alpha-2 code, upper case")), thresholdsOverride),
    () => ({}),
  ),
  decay: v.optional(
    closed({ afterDays: days, points: v.pipe(v.number(), v.finite(), v.minValue(-1000), v.maxValue(0)), everyDays: days }),
    () => ({ ...DEFAULT_DECAY }),
  ),
  rules: v.pipe(
    v.array(RuleSchema),
    v.maxLength(MAX_RULES),
    v.rawCheck(({ dataset, addIssue }) => {
      const rules = dataset.value;
      if (!Array.isArray(rules)) return;
      const seen = new Set<string>();
      rules.forEach((rule: unknown, index) => {
        if (!isRecord(rule) || typeof rule.id !== "string") return;
        if (seen.has(rule.id)) {
          const item: v.ArrayPathItem = { type: "array", origin: "value", input: rules, key: index, value: rule };
          addIssue({ message: `duplicate rule id "${rule.id}"`, path: [item, step(rule, "id")] });
        }
        seen.add(rule.id);
      });
    }),
  ),
});

/** Checks a scoring model, answering one issue per bad field, and fills its defaults. Never throws. */
export function validateModel(input: unknown): Checked<v.InferOutput<typeof ModelSchema>> {
  const checked = check(ModelSchema, input);
  if (checked.ok) return checked;
  // A field can fail several checks at once (0.5 is neither whole nor ≥ 1): its first says enough.
  const issues = checked.issues.filter((issue, i, all) => all.findIndex((other) => other.path === issue.path) === i);
  return { ok: false, issues };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A path step for an issue a raw check reports below the value it checks. */
function step(input: Record<string, unknown>, key: string): v.ObjectPathItem {
  return { type: "object", origin: "value", input, key, value: input[key] };
}

