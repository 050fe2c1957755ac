import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { siteInsights } from "../insights";
import { requireScope } from "../http/auth";
import { requireSite } from "../http/site";

/**
 * Rule insights (docs/insights.md): per rule, the SQL and customer rates of the
 * MQLs that hit it against those that did not, and suggested points. Read-only:
 * the suggestion is a model to save as a draft, never applied. `exports:read`,
 * like the metrics: it is a report over the MQL export, and names nobody.
 */
export const insights = new Hono<AppEnv>()
  .get("/v1/sites/:site/insights", requireScope("exports:read"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    return c.json(await siteInsights(c.env.SITES, site));
  });
