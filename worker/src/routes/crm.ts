import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { hubspotOf } from "../crm/deliver";
import { hubspotOutcomes, verifyHubSpot } from "../crm/hubspot-events";
import { crmStatuses, testConnection } from "../crm/connection";
import { CRMS, type CrmName } from "../domain/crm";
import { requireScope } from "../http/auth";
import { limitBody } from "../http/body";
import { requireSite } from "../http/site";
import { ApiError } from "../lib/errors";
import { profileById } from "../lib/identity";
import { giveFeedback } from "../sites/feedback";
import { getSite } from "../sites/store";

const crmName = (name: string): CrmName => {
  if (!(CRMS as readonly string[]).includes(name)) throw new ApiError(404, "unknown_crm", `no such CRM: one of ${CRMS.join(", ")}`, "crm");
  return name as CrmName;
};

/**
 * A site's CRM connections (docs/crm.md): each connection's status, a test of one
 * (which also creates HubSpot's properties), a lead synced now (`site:admin`); and
 * HubSpot's webhooks, signed by the app's secret, bringing sales' outcomes back.
 */
export const crm = new Hono<AppEnv>()
  .get("/v1/sites/:site/crm", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    return c.json(await crmStatuses(c.env.SITES, site));
  })
  .post("/v1/sites/:site/crm/:crm/test", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    const name = crmName(c.req.param("crm"));
    const tested = await testConnection(c.env.SITES, site, name, Date.now());
    if (!tested) throw new ApiError(400, "not_connected", `this site has no ${name} connection`, `crm.${name}`);
    return c.json(tested);
  })
  .post("/v1/sites/:site/profiles/:id/sync", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const synced = await profileById(c.env, c.req.param("id"))?.syncCrm(site.id, Date.now());
    if (!synced) throw new ApiError(404, "unknown_profile", "no such lead", "id");
    return c.json({ crm: synced });
  })
  // HubSpot calls this; it signs the request with the app's secret, which is the only proof needed.
  .post("/v1/sites/:site/crm/hubspot/events", limitBody(1024 * 1024), async (c) => {
    const site = await getSite(c.env.SITES, c.req.param("site"));
    const hubspot = site?.crm?.hubspot;
    const body = await c.req.text();
    const request = {
      method: c.req.method, uri: c.req.url, body,
      signature: c.req.header("X-HubSpot-Signature-v3") ?? null, timestamp: c.req.header("X-HubSpot-Request-Timestamp") ?? null,
    };
    const verified = hubspot?.appSecret ? await verifyHubSpot(request, hubspot.appSecret, Date.now()) : { ok: false as const, error: "no app secret is set for this site's HubSpot connection" };
    if (!site || !hubspot || !verified.ok) {
      throw new ApiError(401, "bad_signature", `not accepted: ${verified.ok ? "no such site" : verified.error}`, "X-HubSpot-Signature-v3");
    }
    const outcomes = hubspotOutcomes(body, hubspot.lifecycle);
    if (!outcomes) throw new ApiError(400, "invalid_events", "the body must be a JSON array of HubSpot events");
    if (!outcomes.length) return c.json({ moved: 0 });
    const read = await hubspotOf(hubspot).readContacts([...new Set(outcomes.map((o) => o.contactId))]);
    // HubSpot retries a webhook it got no 2xx for: the outcomes are not lost.
    if (!read.ok) throw new ApiError(503, "crm_unavailable", `HubSpot's contacts could not be read: ${read.error}`);
    const profiles = new Map(read.contacts.map((contact) => [contact.id, contact.profile]));
    let moved = 0;
    for (const outcome of outcomes) {
      const profile = profiles.get(outcome.contactId);
      const stub = profile ? profileById(c.env, profile) : null;
      const item = { stage: outcome.stage, reasonCode: outcome.reasonCode, at: Date.parse(outcome.at), crmId: outcome.contactId };
      if (stub && (await giveFeedback(site, stub, item, Date.now()))) moved++;
    }
    return c.json({ moved });
  });
