import { Hono } from "hono";
import * as v from "valibot";
import { check } from "../../../shared/validation";
import type { AppEnv } from "../app-env";
import { requireScope } from "../http/auth";
import { limitBody, readJson } from "../http/body";
import { boundedEach } from "../lib/concurrency";
import { rejection } from "../lib/errors";
import { requireSite } from "../http/site";
import { FeedbackSchema, feedbackProfile, giveFeedback, type FeedbackItem, type PersonStub } from "../sites/feedback";

const MAX_ITEMS = 500;

const FeedbackBatchSchema = v.pipe(
  v.union([v.array(v.unknown()), v.looseObject({})]),
  v.transform((body) => (Array.isArray(body) ? body : [body])),
  v.array(v.unknown()),
  v.maxLength(MAX_ITEMS, `must hold at most ${MAX_ITEMS} items`),
);

type Result =
  | { index: number; ok: true; profile: string; from: string; to: string }
  | { index: number; ok: false; code: string; message: string; path?: string };

const unknown = (index: number, item: FeedbackItem): Result => ({
  index, ok: false, code: "unknown_profile", message: "no such profile on this site", path: `[${index}].${item.email ? "email" : "profile"}`,
});

/**
 * Sales feedback (docs/api.md#post-v1sitessitefeedback, docs/rules.md#recycling): one item
 * or many, each moving a profile (by email or id) to any stage; `lead` recycles it to
 * nurture. Answers per item.
 */
export const feedback = new Hono<AppEnv>()
  .post("/v1/sites/:site/feedback", requireScope("feedback:write"), limitBody(512 * 1024), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const items = await readJson(c, FeedbackBatchSchema);
    const now = Date.now();
    const results: Result[] = new Array(items.length);
    // One person's items apply in the order given (by email or id alike); different people's at once.
    const byPerson = new Map<string, { index: number; item: FeedbackItem; profile: PersonStub }[]>();
    for (const [index, raw] of items.entries()) {
      const checked = check(FeedbackSchema, raw);
      if (!checked.ok) {
        results[index] = { ok: false, ...rejection("", index, checked.issues, "invalid_feedback") };
        continue;
      }
      const item = checked.value;
      const profile = await feedbackProfile(c.env, site.id, item);
      if (!profile) {
        results[index] = unknown(index, item);
        continue;
      }
      const person = profile.id.toString();
      byPerson.set(person, [...(byPerson.get(person) ?? []), { index, item, profile }]);
    }
    await boundedEach([...byPerson.values()], 8, async (list) => {
      for (const { index, item, profile } of list) {
        const moved = await giveFeedback(site, profile, item, now);
        results[index] = moved ? { index, ok: true, profile: profile.id.toString(), ...moved } : unknown(index, item);
      }
    });
    return c.json({ results });
  });
