import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { Site } from "../sites/config";
import { getSite } from "../sites/store";
import { ApiError } from "../lib/errors";

/**
 * The site a request names, set on the context for CORS; unknown → 404. From the
 * isolate's cache unless `fresh` (a management change reads what is stored).
 */
export async function requireSite(c: Context<AppEnv>, id: string, { fresh = false } = {}): Promise<Site> {
  const site = await getSite(c.env.SITES, id, { fresh });
  if (!site) throw new ApiError(404, "unknown_site", `no site "${id}"`, "site");
  c.set("site", site);
  return site;
}
