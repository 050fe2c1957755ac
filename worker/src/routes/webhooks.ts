import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { requireScope } from "../lib/auth";
import { ApiError } from "../lib/errors";
import { accountObject, profileById } from "../lib/identity";
import { requireSite } from "../lib/site";
import { send } from "../webhooks/deliver";
import { getFailure, listFailures } from "../webhooks/failed";

/**
 * A site's webhook (CONTRACT §8): deliveries that gave up, retrying one, and a
 * signed `ping` to check a receiver. Needs `site:admin`.
 */
export const webhooks = new Hono<AppEnv>()
  .get("/v1/sites/:site/webhooks/failed", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    return c.json({ items: await listFailures(c.env.SITES, site.id) });
  })
  .post("/v1/sites/:site/webhooks/failed/:id/retry", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const failure = await getFailure(c.env.SITES, site.id, c.req.param("id"));
    // The object whose outbox holds it: an account's, or a profile's.
    const owner = failure && (failure.account ? accountObject(c.env, site.id, failure.account) : profileById(c.env, failure.profile));
    if (!failure || !owner) throw new ApiError(404, "unknown_delivery", "no failed delivery with this id", "id");
    const delivered = await owner.retryDelivery(failure.id, Date.now());
    // Not delivered: it is retried again with backoff, and listed as failed if it gives up again.
    return c.json({ id: failure.id, delivered }, delivered ? 200 : 202);
  })
  .post("/v1/sites/:site/webhooks/test", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    if (!site.webhook) throw new ApiError(400, "no_webhook", "this site has no webhook", "webhook");
    const now = Date.now();
    const id = `ping.${crypto.randomUUID()}`;
    const body = JSON.stringify({ id, type: "ping", site: site.id, at: new Date(now).toISOString() });
    const error = await send(site.webhook.url, site.webhook.secret, id, body, now, c.env.LOCAL_WEBHOOKS);
    return c.json({ id, delivered: error === null, ...(error && { error }) });
  });
