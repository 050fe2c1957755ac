import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import { requireScope } from "../http/auth";
import { limitBody, readJson } from "../http/body";
import { ApiError } from "../lib/errors";
import { requireSite } from "../http/site";
import { getRescore, rescoreLater, startRescore } from "../sites/rescore";

/** The body of a POST that rescores the site's leads: their stage changes reach the webhook only when it says `notify`. */
export const RescoreSchema = v.optional(v.strictObject({ notify: v.optional(v.boolean(), false) }), {});

/**
 * `POST /v1/sites/:site/rescore` rescores every lead of the site with its current
 * rules and answers at once (202) with the job; `GET` polls its progress.
 */
export const rescore = new Hono<AppEnv>()
  .post("/v1/sites/:site/rescore", requireScope("site:admin"), limitBody(1024), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    const { notify } = await readJson(c, RescoreSchema);
    const job = startRescore(site, notify ?? false, Date.now());
    rescoreLater(c.executionCtx, c.env, site, job);
    return c.json(job, 202);
  })
  .get("/v1/sites/:site/rescore", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const job = await getRescore(c.env.SITES, site.id);
    if (!job) throw new ApiError(404, "no_rescore", "this site has not been rescored", "site");
    return c.json(job);
  });
