/**
 * Wire types of the collect API (docs/api.md#post-v1collect, docs/sdk.md#what-it-captures):
 * the one source of truth for the browser script, which sends these, and the worker,
 * which checks them.
 * The browser imports types only; the schemas are for the worker.
 */
import * as v from "valibot";
import { EVENT_TYPES } from "./rules/event-types";
import type { Stage } from "./stages";
import { isHttpUrl } from "./urls";

import {
  CUSTOM_TRAIT_KEY, DERIVED_TRAITS, MAX_CUSTOM_TRAITS, MAX_TRAIT_NUMBER, type TraitKey,
} from "./traits";

export { TRAIT_KEYS, type TraitKey } from "./traits";
/** A form's fields as the browser captures them: the allow-listed keys only, as texts (docs/rules.md#traits). */
export type FormFields = Partial<Record<TraitKey, string>>;

/** Most events one collect request may carry; the body is also capped at 64 KiB. */
export const MAX_EVENTS_PER_BATCH = 50;
export const MAX_BODY_BYTES = 64 * 1024;

const id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 letters, digits, _ or -"));
const httpUrl = v.pipe(
  v.string(),
  v.maxLength(2048, "must be at most 2048 characters"),
  v.check(isHttpUrl, "must be an http(s) URL"),
);
/** Free-form props stay small: they are kept for the profile's timeline. */
const props = v.pipe(
  v.record(v.pipe(v.string(), v.maxLength(64)), v.unknown()),
  v.check((p) => jsonLength(p) <= 4096, "must serialise to at most 4096 characters"),
);

/**
 * The length of a value written as JSON. A value nested too deep to write out is
 * over any limit: JSON.stringify throws RangeError when it must escape a key (a lone
 * surrogate) thousands of levels down, where V8 writes recursively.
 */
function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value).length;
  } catch {
    return Infinity;
  }
}
const email = v.pipe(
  v.string("must be an email address (an email is never removed)"), v.trim(), v.toLowerCase(), v.maxLength(254), v.email("must be an email address"),
);
const traitText = v.pipe(v.string(), v.trim(), v.maxLength(256, "must be at most 256 characters"));
const traitNumber = v.pipe(
  v.number(),
  v.finite("must be a finite number"),
  v.minValue(-MAX_TRAIT_NUMBER, `must be at least -${MAX_TRAIT_NUMBER}`),
  v.maxValue(MAX_TRAIT_NUMBER, `must be at most ${MAX_TRAIT_NUMBER}`),
);
/** A trait's value: its text as `text` checks it, a finite number or a boolean; `null` removes the trait. */
const traitValue = (text: v.GenericSchema<string, string>) =>
  v.nullable(v.union([text, traitNumber, v.boolean()], "must be a text, a number, a boolean or null"));

/** The named traits but the email (the events API has its own), each with its own checks. */
const NAMED_BUT_EMAIL = {
  name: v.optional(traitValue(traitText)),
  firstName: v.optional(traitValue(traitText)),
  lastName: v.optional(traitValue(traitText)),
  company: v.optional(traitValue(traitText)),
  title: v.optional(traitValue(traitText)),
  companySize: v.optional(traitValue(traitText)),
  industry: v.optional(traitValue(traitText)),
  country: v.optional(v.nullable(v.pipe(v.string(), v.toUpperCase(), v.regex(/^[A-Z]{2}$/, "must be an ISO 3166 alpha-2 code")))),
  phone: v.optional(traitValue(v.pipe(v.string(), v.trim(), v.maxLength(64, "must be at most 64 characters")))),
};
const NAMED_TRAITS = { email: v.optional(email), ...NAMED_BUT_EMAIL };

/** A form's fields: the named traits only, as the browser's allowlist keeps them. */
export const FormFieldsSchema = v.strictObject(NAMED_TRAITS);

/**
 * Traits with the site's own keys beside the `named` ones: each key a CUSTOM_TRAIT_KEY, at
 * most MAX_CUSTOM_TRAITS of them; a named key missing from `named` (the events API's email,
 * which is the event's own) and the derived ones are refused.
 */
function openTraits<const E extends v.ObjectEntries>(named: E, refused: Readonly<Record<string, string>>) {
  const keys = new Set(Object.keys(named));
  const refusals = new Map(Object.entries(refused));
  return v.pipe(
    v.objectWithRest(named, traitValue(traitText)),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const traits = dataset.value as Record<string, unknown>;
      const issue = (key: string, message: string) => addIssue({
        message, path: [{ type: "object", origin: "key", input: traits, key, value: traits[key] }],
      });
      let custom = 0;
      for (const key of Object.keys(traits)) {
        if (keys.has(key)) continue;
        const refusal = refusals.get(key);
        if (refusal !== undefined) issue(key, refusal);
        else if (!CUSTOM_TRAIT_KEY.test(key)) issue(key, "must be a trait key: a letter, then at most 63 letters, digits or _");
        else if (++custom === MAX_CUSTOM_TRAITS + 1) issue(key, `an event gives at most ${MAX_CUSTOM_TRAITS} traits of the site's own`);
      }
    }),
  );
}

const DERIVED_REFUSED = Object.fromEntries(DERIVED_TRAITS.map((key) => [key, "is derived from the email: it cannot be set"]));

export const TraitsSchema = openTraits(NAMED_TRAITS, DERIVED_REFUSED);
/**
 * Traits an `identify` gives (docs/rules.md, Traits): the named keys and the site's own,
 * each a text, a finite number or a boolean; `null` removes it.
 */
export type Traits = v.InferInput<typeof TraitsSchema>;

const ServerTraitsSchema = openTraits(NAMED_BUT_EMAIL, { ...DERIVED_REFUSED, email: "is the event's own email field" });

const common = {
  id,
  ts: v.pipe(v.number(), v.finite(), v.minValue(0)),
  url: httpUrl,
  props: v.optional(props),
  bot: v.optional(v.boolean()),
};

export const EventSchema = v.variant("type", [
  v.object({ ...common, type: v.picklist(["pageview", "download", "engagement", "vitals"]) }),
  v.object({
    ...common,
    type: v.literal("form"),
    props: v.optional(v.object({ form: v.optional(v.string()), action: v.optional(v.string()), fields: v.optional(FormFieldsSchema) })),
  }),
  v.object({ ...common, type: v.literal("track"), name: v.pipe(v.string(), v.minLength(1), v.maxLength(128)) }),
  v.object({
    ...common,
    type: v.literal("identify"),
    traits: TraitsSchema,
    signature: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/i, "must be a hex HMAC-SHA256"))),
    expires: v.optional(v.pipe(v.number(), v.integer())),
  }),
], "must be one of " + EVENT_TYPES.join(", "));

export type CollectEvent = v.InferOutput<typeof EventSchema>;

const serverCommon = {
  id,
  email,
  ts: common.ts,
  url: v.optional(httpUrl),
  props: v.optional(props),
};

/**
 * A server-side event about a person known by email (docs/api.md#post-v1sitessiteevents `POST
 * /v1/sites/:site/events`): an email open, a webinar attended, an unsubscribe, or
 * traits from a CRM or enrichment tool. Trusted: the caller holds a site key.
 */
export const ServerEventSchema = v.variant("type", [
  v.object({ ...serverCommon, type: v.literal("track"), name: v.pipe(v.string(), v.minLength(1), v.maxLength(128)) }),
  v.object({ ...serverCommon, type: v.literal("identify"), traits: ServerTraitsSchema }),
  v.object({ ...serverCommon, type: v.picklist(["pageview", "download"]) }),
], "must be one of track, identify, pageview, download");

export type ServerEvent = v.InferOutput<typeof ServerEventSchema>;

/** Most events one server request may carry. */
export const MAX_SERVER_EVENTS = 500;

/** The envelope is checked whole; its events one by one, so one bad event loses nothing else. */
export const CollectEnvelopeSchema = v.object({
  site: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a site id")),
  vid: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8–64 letters, digits, _ or -")),
  sid: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 letters, digits, _ or -"))),
  events: v.array(v.unknown()),
});

export type CollectRequest = Omit<v.InferInput<typeof CollectEnvelopeSchema>, "events"> & {
  events: v.InferInput<typeof EventSchema>[];
};

export interface ScoreView {
  fit: number;
  engagement: number;
  total: number;
}

export interface RejectedEvent {
  index: number;
  code: string;
  message: string;
  path?: string;
}

/** What the browser may see of its profile: never traits (docs/api.md#post-v1collect). */
export interface StageView {
  stage: Stage;
  mql: boolean;
  score: ScoreView;
}

export interface CollectResponse extends StageView {
  vid: string;
  profile: string;
  accepted: number;
  duplicates: number;
  rejected: RejectedEvent[];
  reset?: true;
}
