import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import { requireScope } from "../http/auth";
import { limitBody, readJson } from "../http/body";
import { ApiError } from "../lib/errors";
import { requireSite } from "../http/site";
import { getSpend, putSpend } from "../metrics/spend";

/**
 * A site's marketing spend per source and month (docs/api.md#spend),
 * which the metrics divide by MQLs as cost per MQL. `site:admin`: spend is the site's
 * own business figures, entered by whoever runs its configuration.
 */
export const spend = new Hono<AppEnv>()
  .get("/v1/sites/:site/spend", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    return c.json(await getSpend(c.env.SITES, site.id) ?? { currency: null, entries: [], updatedAt: null });
  })
  .put("/v1/sites/:site/spend", requireScope("site:admin"), limitBody(512 * 1024), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    const saved = await putSpend(c.env.SITES, site.id, await readJson(c, v.unknown()), Date.now());
    if (!saved.ok) throw ApiError.invalid("invalid_spend", saved.issues);
    return c.json(saved.value);
  });
