import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { ensureAdmin, requireAdmin, requireScope } from "../lib/auth";
import { ApiError } from "../lib/errors";
import { limitBody } from "../lib/body";
import { webhookRefusal } from "../lib/webhook-host";
import { buildSite, publicSite, SITE_ID } from "../sites/config";
import { getSite, listSites, putSite } from "../sites/store";
import { publishVersion } from "../sites/versions";

/**
 * Site configuration (CONTRACT §7): list, create or replace, and read back (the
 * rules' versions and draft: rules.ts). Only the admin token creates a site; a
 * key with `site:admin` may change its own.
 */
export const sites = new Hono<AppEnv>()
  .get("/v1/sites", requireAdmin, async (c) => c.json({ items: await listSites(c.env.SITES) }))
  .put("/v1/sites/:site", requireScope("site:admin"), limitBody(256 * 1024), async (c) => {
    const id = c.req.param("site");
    if (!SITE_ID.test(id)) throw new ApiError(400, "invalid_site", "site id must be 1–63 lower-case letters, digits or -", "site");
    let input: unknown;
    try {
      input = await c.req.json();
    } catch {
      throw new ApiError(400, "invalid_json", "body must be JSON", "");
    }
    const previous = await getSite(c.env.SITES, id, { fresh: true });
    if (!previous) ensureAdmin(c, "create a site");
    const built = buildSite(id, input, previous, Date.now());
    if (!built.ok) throw ApiError.invalid("invalid_site", built.issues);
    const site = built.value;
    const refusal = site.webhook && webhookRefusal(site.webhook.url, c.req.url, c.env.LOCAL_WEBHOOKS);
    if (refusal) throw new ApiError(400, "invalid_site", `webhook.url ${refusal}`, "webhook.url");
    // New rules are a new version, kept (GET …/rules) before the config names it.
    if (site.rulesVersion !== previous?.rulesVersion) await publishVersion(c.env.SITES, site, { origin: "site" });
    else await putSite(c.env.SITES, site);
    return c.json(publicSite(site), previous ? 200 : 201);
  })
  .get("/v1/sites/:site", requireScope("site:admin"), async (c) => {
    const site = await getSite(c.env.SITES, c.req.param("site"), { fresh: true });
    if (!site) throw new ApiError(404, "unknown_site", "no such site", "site");
    return c.json(publicSite(site));
  });
