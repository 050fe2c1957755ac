import { type Context, Hono } from "hono";
import type { Checked } from "../../../shared/validation";
import type { AppEnv } from "../app-env";
import { ensureAdmin, requireAdmin, requireScope } from "../http/auth";
import { ApiError } from "../lib/errors";
import { limitBody } from "../http/body";
import { publicSite, SITE_ID, type Site } from "../sites/config";
import { patchSite, saveSite } from "../sites/save";
import { getSite, listSites } from "../sites/store";

/**
 * Site configuration (docs/api.md#put-v1sitessite): list, create or replace, change in
 * part, and read back (the rules' versions and draft: rules.ts). Only the admin token
 * creates a site; a key with `site:admin` may change its own.
 */
export const sites = new Hono<AppEnv>()
  .get("/v1/sites", requireAdmin, async (c) => c.json({ items: await listSites(c.env.SITES) }))
  .put("/v1/sites/:site", requireScope("site:admin"), limitBody(256 * 1024), async (c) => {
    const id = c.req.param("site");
    if (!SITE_ID.test(id)) throw new ApiError(400, "invalid_site", "site id must be 1–63 lower-case letters, digits or -", "site");
    const input = await readBody(c);
    const previous = await getSite(c.env.SITES, id, { fresh: true });
    if (!previous) ensureAdmin(c, "create a site");
    return c.json(shown(await saveSite(c.env, id, input, previous, c.req.url, Date.now())), previous ? 200 : 201);
  })
  // A JSON Merge Patch (RFC 7396) of the config GET shows: what the body names changes, the rest stays.
  .patch("/v1/sites/:site", requireScope("site:admin"), limitBody(256 * 1024), async (c) => {
    const id = c.req.param("site");
    const patch = await readBody(c);
    const previous = await getSite(c.env.SITES, id, { fresh: true });
    if (!previous) throw new ApiError(404, "unknown_site", "no such site", "site");
    return c.json(shown(await patchSite(c.env, previous, patch, c.req.url, Date.now())), 200);
  })
  .get("/v1/sites/:site", requireScope("site:admin"), async (c) => {
    const site = await getSite(c.env.SITES, c.req.param("site"), { fresh: true });
    if (!site) throw new ApiError(404, "unknown_site", "no such site", "site");
    return c.json(publicSite(site));
  });

async function readBody(c: Context<AppEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ApiError(400, "invalid_json", "body must be JSON", "");
  }
}

/** The site as kept (sites/save.ts), or a 400 naming every bad field. */
function shown(saved: Checked<Site>) {
  if (!saved.ok) throw ApiError.invalid("invalid_site", saved.issues);
  return publicSite(saved.value);
}
