import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { requireAdmin, requireScope } from "../http/auth";
import { limitBody, readJson } from "../http/body";
import { ApiError } from "../lib/errors";
import { requireSite } from "../http/site";
import { createKey, KeyRequestSchema, listKeys, revokeKey } from "../sites/keys";

/**
 * A site's keys (docs/api.md#post-v1sitessitekeys): only the admin token creates one; the admin token
 * or a `site:admin` key of the site lists and revokes them.
 */
export const keys = new Hono<AppEnv>()
  .post("/v1/sites/:site/keys", requireAdmin, limitBody(4096), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const { scopes } = await readJson(c, KeyRequestSchema);
    const { key, token } = await createKey(c.env.SITES, site.id, scopes, Date.now());
    return c.json({ id: key.id, key: token, scopes: key.scopes, createdAt: key.createdAt }, 201);
  })
  .get("/v1/sites/:site/keys", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    return c.json({ items: await listKeys(c.env.SITES, site.id) });
  })
  .delete("/v1/sites/:site/keys/:id", requireScope("site:admin"), async (c) => {
    if (!(await revokeKey(c.env.SITES, c.req.param("site"), c.req.param("id")))) {
      throw new ApiError(404, "unknown_key", "this site has no such key", "id");
    }
    return c.body(null, 204);
  });
