import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import { requireScope } from "../lib/auth";
import { limitBody, readJson } from "../lib/body";
import { ApiError } from "../lib/errors";
import { requireSite } from "../lib/site";
import { getRescore, runRescore, startRescore } from "../sites/rescore";
import { getSite } from "../sites/store";

const RescoreSchema = v.optional(v.strictObject({ notify: v.optional(v.boolean(), false) }), {});

/**
 * `POST /v1/sites/:site/rescore` rescores every lead of the site with its current
 * rules and answers at once (202) with the job; `GET` polls its progress.
 */
export const rescore = new Hono<AppEnv>()
  .post("/v1/sites/:site/rescore", requireScope("site:admin"), limitBody(1024), async (c) => {
    await requireSite(c, c.req.param("site"));
    const site = (await getSite(c.env.SITES, c.req.param("site"), { fresh: true }))!;
    const { notify } = await readJson(c, RescoreSchema);
    const job = startRescore(site, notify ?? false, Date.now());
    c.executionCtx.waitUntil(runRescore(c.env, site, job).catch((err) => console.error(`rescore of ${site.id} stopped: ${err}`)));
    return c.json(job, 202);
  })
  .get("/v1/sites/:site/rescore", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const job = await getRescore(c.env.SITES, site.id);
    if (!job) throw new ApiError(404, "no_rescore", "this site has not been rescored", "site");
    return c.json(job);
  });
