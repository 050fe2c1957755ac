import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { requireScope } from "../http/auth";
import { ApiError } from "../lib/errors";
import { requireSite } from "../http/site";
import { pingWebhook } from "../webhooks/deliver";
import { listFailures, retryFailure } from "../webhooks/failed";

/**
 * A site's webhook (docs/api.md#webhooks): deliveries that gave up, retrying one, and a
 * signed `ping` to check a receiver. Needs `site:admin`.
 */
export const webhooks = new Hono<AppEnv>()
  .get("/v1/sites/:site/webhooks/failed", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    return c.json({ items: await listFailures(c.env.SITES, site.id) });
  })
  .post("/v1/sites/:site/webhooks/failed/:id/retry", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const retried = await retryFailure(c.env, site.id, c.req.param("id"), Date.now());
    if (!retried) throw new ApiError(404, "unknown_delivery", "no failed delivery with this id", "id");
    return c.json(retried, retried.delivered ? 200 : 202);
  })
  .post("/v1/sites/:site/webhooks/test", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const ping = await pingWebhook(c.env, site, Date.now());
    if (!ping) throw new ApiError(400, "no_webhook", "this site has no webhook", "webhook");
    return c.json(ping);
  });
