import { Hono } from "hono";
import * as v from "valibot";
import {
  CollectEnvelopeSchema, EventSchema, MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH,
  type CollectResponse, type RejectedEvent,
} from "../../../shared/events";
import type { ProfileEvent } from "../../../shared/rules";
import { parseUrl } from "../../../shared/urls";
import { check } from "../../../shared/validation";
import type { AppEnv } from "../app-env";
import { limitBody, readJson } from "../lib/body";
import { isBotRequest } from "../lib/bots";
import { ApiError, joinPath } from "../lib/errors";
import { visitorProfileName } from "../lib/identity";
import { toProfileEvent } from "../lib/normalise";
import { siteCors } from "../lib/site-cors";
import { requireSite } from "../lib/site";
import { stageView } from "../lib/view";
import { scoringSite } from "../sites/config";

/**
 * Whether a batch comes from one of the site's pages. A beacon from a page with
 * `Referrer-Policy: no-referrer` carries `Origin: null`; it is taken when every
 * event names a page of the site's origins, which is all the header proves anyway.
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
 * The public routes the browser script calls (CONTRACT §5): a batch of events in,
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

    const arrival = {
      receivedAt: Date.now(),
      sid: batch.sid,
      bot: isBotRequest(c.req.header("User-Agent"), c.req.raw.cf as IncomingRequestCfProperties | undefined),
      allowBots: site.allowBots,
    };
    const events: ProfileEvent[] = [];
    const rejected: RejectedEvent[] = [];
    batch.events.forEach((raw, index) => {
      const checked = check(EventSchema, raw);
      if (checked.ok) return void events.push(toProfileEvent(checked.value, arrival));
      const issues = checked.issues.map((i) => ({ ...i, path: joinPath(`events[${index}]`, i.path) }));
      rejected.push({
        index,
        code: "invalid_event",
        message: issues.map((i) => `${i.path}: ${i.message}`).join("; "),
        path: issues[0]!.path,
      });
    });

    const profile = c.env.PROFILES.getByName(visitorProfileName(site.id, batch.vid));
    const now = arrival.receivedAt;
    const edgeCountry = c.req.raw.cf?.country as string | undefined;
    const result = events.length
      ? await profile.collect({ site: scoringSite(site), events, edgeCountry, now })
      : { state: await profile.state(now), accepted: 0, duplicates: 0 };
    const body: CollectResponse = {
      vid: batch.vid,
      profile: result.state?.profile ?? profile.id.toString(),
      ...stageView(site, result.state),
      accepted: result.accepted,
      duplicates: result.duplicates,
      rejected,
    };
    return c.json(body);
  })
  .get("/v1/stage", async (c) => {
    const query = check(StageQuerySchema, c.req.query());
    if (!query.ok) throw ApiError.invalid("invalid_query", query.issues);
    const site = await requireSite(c, query.value.site);
    const profile = c.env.PROFILES.getByName(visitorProfileName(site.id, query.value.vid));
    return c.json(stageView(site, await profile.state(Date.now())));
  });
