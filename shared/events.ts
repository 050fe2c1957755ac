/**
 * Wire types of the collect API (CONTRACT §3, §5): the one source of truth for the
 * browser script, which sends these, and the worker, which checks them.
 * The browser imports types only; the schemas are for the worker.
 */
import * as v from "valibot";
import { isHttpUrl } from "./urls";

/** Fields a form or `identify` may give as traits; nothing else is ever kept. */
export const TRAIT_KEYS = [
  "email", "name", "firstName", "lastName", "company", "title",
  "companySize", "industry", "country", "phone",
] as const;
export type TraitKey = (typeof TRAIT_KEYS)[number];
export type Traits = Partial<Record<TraitKey, string>>;

export const EVENT_TYPES = [
  "pageview", "download", "form", "track", "identify", "engagement", "vitals",
] as const;

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
const email = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254), v.email("must be an email address"));
const traitText = v.pipe(v.string(), v.trim(), v.maxLength(256, "must be at most 256 characters"));

export const TraitsSchema = v.strictObject({
  email: v.optional(email),
  name: v.optional(traitText),
  firstName: v.optional(traitText),
  lastName: v.optional(traitText),
  company: v.optional(traitText),
  title: v.optional(traitText),
  companySize: v.optional(traitText),
  industry: v.optional(traitText),
  country: v.optional(v.pipe(v.string(), v.toUpperCase(), v.regex(/^[A-Z]{2}$/, "must be an ISO 3166 alpha-2 code"))),
  phone: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(64))),
});

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
    props: v.optional(v.object({ form: v.optional(v.string()), action: v.optional(v.string()), fields: v.optional(TraitsSchema) })),
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
 * A server-side event about a person known by email (CONTRACT §7 `POST
 * /v1/sites/:site/events`): an email open, a webinar attended, an unsubscribe, or
 * traits from a CRM or enrichment tool. Trusted: the caller holds a site key.
 */
export const ServerEventSchema = v.variant("type", [
  v.object({ ...serverCommon, type: v.literal("track"), name: v.pipe(v.string(), v.minLength(1), v.maxLength(128)) }),
  v.object({ ...serverCommon, type: v.literal("identify"), traits: v.omit(TraitsSchema, ["email"]) }),
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

export type Stage = "visitor" | "lead" | "mql" | "sql" | "opportunity" | "customer" | "disqualified";

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

/** What the browser may see of its profile: never traits (CONTRACT §5). */
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
