import { Hono } from "hono";
import * as v from "valibot";
import { MAX_SERVER_EVENTS, ServerEventSchema, type RejectedEvent } from "../../../shared/events";
import type { ProfileEvent } from "../../../shared/rules";
import { check } from "../../../shared/validation";
import type { AppEnv } from "../app-env";
import { requireScope } from "../http/auth";
import { limitBody, readJson } from "../http/body";
import { recordBatch } from "../http/batch-metrics";
import { boundedEach } from "../lib/concurrency";
import { rejection } from "../lib/errors";
import { leadProfile } from "../lib/identity";
import { serverProfileEvent } from "../lib/normalise";
import { requireSite } from "../http/site";
import { scoringSite } from "../sites/config";

const ServerBatchSchema = v.pipe(
  v.array(v.unknown()),
  v.maxLength(MAX_SERVER_EVENTS, `must hold at most ${MAX_SERVER_EVENTS} events`),
);

/** Leads written at once: bounds a request's fan-out of object calls. */
const LEADS_AT_ONCE = 8;

/**
 * Server-side events by email (docs/api.md#post-v1sitessiteevents): from an email tool, a webinar
 * platform, a CRM. Each person's events go to their lead in one call, scored like
 * the browser's; invalid events are listed in `rejected`, the valid ones kept.
 */
export const events = new Hono<AppEnv>()
  .post("/v1/sites/:site/events", requireScope("events:write"), limitBody(1024 * 1024), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const batch = await readJson(c, ServerBatchSchema);
    const now = Date.now();
    const rejected: RejectedEvent[] = [];
    const byEmail = new Map<string, ProfileEvent[]>();
    batch.forEach((raw, index) => {
      const checked = check(ServerEventSchema, raw);
      if (!checked.ok) return void rejected.push(rejection("", index, checked.issues));
      const list = byEmail.get(checked.value.email) ?? [];
      list.push(serverProfileEvent(checked.value, now));
      byEmail.set(checked.value.email, list);
    });
    let accepted = 0;
    let duplicates = 0;
    await boundedEach([...byEmail], LEADS_AT_ONCE, async ([email, list]) => {
      const lead = await leadProfile(c.env, site.id, email);
      const result = await lead.record({ site: scoringSite(site), events: list, now });
      // A server event is no visit: it gives points, never a visitor.
      if (result.activity) c.executionCtx.waitUntil(recordBatch(c.env, site.id, { ...result, activity: { ...result.activity, firstSeen: false } }, list, now));
      accepted += result.accepted;
      duplicates += result.duplicates;
    });
    return c.json({ accepted, duplicates, rejected });
  });
