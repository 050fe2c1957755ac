/**
 * Sales feedback (docs/api.md `POST /v1/sites/:site/feedback`): a person moved to any
 * stage, with why. The feedback API and the dashboard's sales actions both come here.
 */
import * as v from "valibot";
import { STAGES, type Stage } from "../../../shared/rules";
import { leadProfile, profileById } from "../lib/identity";
import { scoringSite, type Site } from "./config";

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));

export const FeedbackSchema = v.pipe(
  v.strictObject({
    email: v.optional(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254), v.email("must be an email address"))),
    profile: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "must be a profile id"))),
    stage: v.picklist(STAGES, `must be one of ${STAGES.join(", ")}`),
    reasonCode: v.optional(v.pipe(text(64), v.regex(/^[A-Za-z0-9_.:-]+$/, "must be a code: letters, digits, _ . : -"))),
    reason: v.optional(text(1000)),
    crmId: v.optional(text(128)),
    at: v.optional(v.pipe(v.string(), v.isoTimestamp("must be an ISO 8601 time"), v.transform((s) => Date.parse(s)))),
  }),
  v.forward(
    v.partialCheck([["email"], ["profile"]], (f) => (f.email === undefined) !== (f.profile === undefined), "give email or profile, one of them"),
    ["email"],
  ),
);

export type FeedbackItem = v.InferOutput<typeof FeedbackSchema>;

export type PersonStub = NonNullable<ReturnType<typeof profileById>>;

/** The profile an item names, by email or id; null for an id that is none. */
export async function feedbackProfile(env: Env, site: string, item: FeedbackItem): Promise<PersonStub | null> {
  return item.email ? leadProfile(env, site, item.email) : profileById(env, item.profile!);
}

/** Moves the person's stage as the item says; null when the profile holds nothing of the site. */
export function giveFeedback(site: Site, profile: PersonStub, item: FeedbackItem, now: number): Promise<{ from: Stage; to: Stage } | null> {
  return profile.feedback(scoringSite(site), {
    stage: item.stage, at: item.at, reasonCode: item.reasonCode, reason: item.reason, crmId: item.crmId,
  }, now);
}
