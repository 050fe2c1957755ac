import { Hono } from "hono";
import * as v from "valibot";
import { STAGES } from "../../../shared/rules";
import { check } from "../../../shared/validation";
import type { AppEnv } from "../app-env";
import { requireScope } from "../lib/auth";
import { limitBody, readJson } from "../lib/body";
import { boundedEach } from "../lib/concurrency";
import { rejection } from "../lib/errors";
import { leadProfile, profileById } from "../lib/identity";
import { requireSite } from "../lib/site";
import { scoringSite } from "../sites/config";

const MAX_ITEMS = 500;
const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));

const FeedbackSchema = v.pipe(
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

const FeedbackBatchSchema = v.pipe(
  v.union([v.array(v.unknown()), v.looseObject({})]),
  v.transform((body) => (Array.isArray(body) ? body : [body])),
  v.array(v.unknown()),
  v.maxLength(MAX_ITEMS, `must hold at most ${MAX_ITEMS} items`),
);

type FeedbackItem = v.InferOutput<typeof FeedbackSchema>;

type Result =
  | { index: number; ok: true; profile: string; from: string; to: string }
  | { index: number; ok: false; code: string; message: string; path?: string };

const unknown = (index: number, item: FeedbackItem): Result => ({
  index, ok: false, code: "unknown_profile", message: "no such profile on this site", path: `[${index}].${item.email ? "email" : "profile"}`,
});

/**
 * Sales feedback (CONTRACT §6, §7): one item or many, each moving a profile (by
 * email or id) to any stage; `lead` recycles it to nurture. Answers per item.
 */
export const feedback = new Hono<AppEnv>()
  .post("/v1/sites/:site/feedback", requireScope("feedback:write"), limitBody(512 * 1024), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const items = await readJson(c, FeedbackBatchSchema);
    const now = Date.now();
    const results: Result[] = new Array(items.length);
    // One person's items apply in the order given (by email or id alike); different people's at once.
    type Stub = NonNullable<ReturnType<typeof profileById>>;
    const byPerson = new Map<string, { index: number; item: FeedbackItem; profile: Stub }[]>();
    for (const [index, raw] of items.entries()) {
      const checked = check(FeedbackSchema, raw);
      if (!checked.ok) {
        results[index] = { ok: false, ...rejection("", index, checked.issues, "invalid_feedback") };
        continue;
      }
      const item = checked.value;
      const profile = item.email ? await leadProfile(c.env, site.id, item.email) : profileById(c.env, item.profile!);
      if (!profile) {
        results[index] = unknown(index, item);
        continue;
      }
      const person = profile.id.toString();
      byPerson.set(person, [...(byPerson.get(person) ?? []), { index, item, profile }]);
    }
    await boundedEach([...byPerson.values()], 8, async (list) => {
      for (const { index, item, profile } of list) {
        const moved = await profile.feedback(scoringSite(site), {
          stage: item.stage, at: item.at, reasonCode: item.reasonCode, reason: item.reason, crmId: item.crmId,
        }, now);
        results[index] = moved ? { index, ok: true, profile: profile.id.toString(), ...moved } : unknown(index, item);
      }
    });
    return c.json({ results });
  });
