import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import { requireAdmin, requireScope } from "../lib/auth";
import { limitBody, readJson } from "../lib/body";
import { ApiError } from "../lib/errors";
import { requireSite } from "../lib/site";
import { createKey, DEFAULT_SCOPES, listKeys, revokeKey, SCOPES } from "../sites/keys";

const CreateKeySchema = v.optional(v.strictObject({
  scopes: v.optional(
    v.pipe(
      v.array(v.picklist(SCOPES, `must be one of ${SCOPES.join(", ")}`)),
      v.minLength(1, "must name at least one scope"),
      v.transform((scopes) => [...new Set(scopes)]),
    ),
    DEFAULT_SCOPES,
  ),
}), {});

/**
 * A site's keys (CONTRACT §7): only the admin token creates one; the admin token
 * or a `site:admin` key of the site lists and revokes them.
 */
export const keys = new Hono<AppEnv>()
  .post("/v1/sites/:site/keys", requireAdmin, limitBody(4096), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const { scopes } = await readJson(c, CreateKeySchema);
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
