import { Hono } from "hono";
import * as v from "valibot";
import {
  CollectEnvelopeSchema, EventSchema, MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH,
  type CollectResponse, type RejectedEvent,
} from "../../../shared/events";
import { parseUrl } from "../../../shared/urls";
import { check } from "../../../shared/validation";
import type { AppEnv } from "../app-env";
import { limitBody, readJson } from "../http/body";
import { isBotRequest } from "../lib/bots";
import { ApiError, rejection } from "../lib/errors";
import { limitCollect } from "../http/rate-limit";
import { isVerified, leadProfileName, visitorProfileName } from "../lib/identity";
import { toProfileEvent } from "../lib/normalise";
import { siteCors } from "../http/site-cors";
import { requireSite } from "../http/site";
import { stageView } from "../http/view";
import { recordBatch } from "../http/batch-metrics";
import type { IncomingEvent } from "../objects/profile/types";
import { scoringSite } from "../sites/config";

/**
 * Whether a batch comes from one of the site's pages. A beacon from a page with
 * `Referrer-Policy: no-referrer` carries `Origin: null`; it is taken when every
 * event names a page of the site's origins. So could a sandboxed frame on another
 * site send one, from its own visitors' browsers: such a batch is scored but names
 * nobody (normalise.ts), so it can neither identify nor link a visitor.
 */
function fromSiteOrigin(origin: string | undefined, origins: string[], events: unknown[]): boolean {
  if (origin !== "null") return origin !== undefined && origins.includes(origin);
  return events.length > 0 && events.every((e) => {
    const url = typeof (e as { url?: unknown })?.url === "string" ? parseUrl((e as { url: string }).url) : null;
    return url !== null && origins.includes(url.origin);
  });
}

const StageQuerySchema = v.pick(CollectEnvelopeSchema, ["site", "vid"]);

/**
 * The public routes the browser script calls (docs/api.md#public-routes-the-browser-script): a batch of events in,
 * the profile's stage out, in one round trip and one call to its Durable Object.
 */
export const collect = new Hono<AppEnv>()
  .use("/v1/collect", siteCors, limitBody(MAX_BODY_BYTES))
  .use("/v1/stage", siteCors)
  .post("/v1/collect", async (c) => {
    const batch = await readJson(c, CollectEnvelopeSchema);
    const site = await requireSite(c, batch.site);
    if (!fromSiteOrigin(c.req.header("Origin"), site.origins, batch.events)) {
      throw new ApiError(403, "forbidden_origin", "this origin may not send events for this site", "Origin");
    }
    if (batch.events.length > MAX_EVENTS_PER_BATCH) {
      throw new ApiError(400, "too_many_events", `a batch holds at most ${MAX_EVENTS_PER_BATCH} events`, "events");
    }
    await limitCollect(c, site.id, batch.vid);

    const now = Date.now();
    const cf = c.req.raw.cf as IncomingRequestCfProperties | undefined;
    const arrival = {
      receivedAt: now,
      sid: batch.sid,
      bot: isBotRequest(c.req.header("User-Agent"), cf),
      allowBots: site.allowBots,
      internal: site.exclude.ips.includes(c.req.header("CF-Connecting-IP") ?? ""),
      formIdentifies: !site.requireVerified,
      opaqueOrigin: c.req.header("Origin") === "null",
    };
    const events: IncomingEvent[] = [];
    const rejected: RejectedEvent[] = [];
    for (const [index, raw] of batch.events.entries()) {
      const checked = check(EventSchema, raw);
      if (!checked.ok) {
        rejected.push(rejection("events", index, checked.issues));
        continue;
      }
      const wire = checked.value;
      const verified = wire.type === "identify" && wire.traits?.email !== undefined
        && await isVerified(site.identifySecret, site.id, wire.traits.email, wire, now);
      if (wire.type === "identify" && site.requireVerified && !verified) {
        rejected.push(rejection("events", index, [{
          path: "signature",
          message: "this site takes only verified identities: sign the identify (signature and expires)",
        }], "unverified_identity"));
        continue;
      }
      const event: IncomingEvent = toProfileEvent(wire, arrival);
      // Bot traffic gives no email (normalise.ts), so it links nobody: a scanner's browser
      // opening a tagged link is not the lead, however good the link's token.
      const email = event.traits?.email;
      if (email) event.identity = { lead: await leadProfileName(c.env.IDENTITY_SECRET, site.id, email), verified };
      events.push(event);
    }

    const profile = c.env.PROFILES.getByName(visitorProfileName(site.id, batch.vid));
    const result = events.length
      ? await profile.collect({ site: scoringSite(site), events, edgeCountry: cf?.country, edgeOrganization: cf?.asOrganization, now })
      : { ...await profile.seen(now), accepted: 0, duplicates: 0 };
    if (result.activity) c.executionCtx.waitUntil(recordBatch(c.env, site.id, result, events, now));
    const body: CollectResponse = {
      vid: batch.vid,
      profile: result.state?.profile ?? profile.id.toString(),
      ...stageView(site, result.state),
      accepted: result.accepted,
      duplicates: result.duplicates,
      rejected,
      ...(result.reset && { reset: true }),
    };
    return c.json(body);
  })
  .get("/v1/stage", async (c) => {
    const query = check(StageQuerySchema, c.req.query());
    if (!query.ok) throw ApiError.invalid("invalid_query", query.issues);
    const site = await requireSite(c, query.value.site);
    // Each answer wakes a profile object: the same limits as collect's.
    await limitCollect(c, site.id, query.value.vid);
    const profile = c.env.PROFILES.getByName(visitorProfileName(site.id, query.value.vid));
    const { state } = await profile.seen(Date.now());
    return c.json(stageView(site, state));
  });
