import { type Context, Hono } from "hono";
import type { AppEnv } from "../app-env";
import { ensureAdmin, requireAdmin, requireScope } from "../lib/auth";
import { ApiError } from "../lib/errors";
import { limitBody } from "../lib/body";
import { webhookRefusal } from "../lib/webhook-host";
import { buildSite, publicSite, SITE_ID, type Site } from "../sites/config";
import { getSite, listSites, putSite } from "../sites/store";
import { publishVersion } from "../sites/versions";

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
    return c.json(await saveSite(c, id, input, previous), previous ? 200 : 201);
  })
  // A JSON Merge Patch (RFC 7396) of the config GET shows: what the body names changes, the rest stays.
  .patch("/v1/sites/:site", requireScope("site:admin"), limitBody(256 * 1024), async (c) => {
    const id = c.req.param("site");
    const patch = await readBody(c);
    const previous = await getSite(c.env.SITES, id, { fresh: true });
    if (!previous) throw new ApiError(404, "unknown_site", "no such site", "site");
    return c.json(await saveSite(c, id, mergePatch(publicSite(previous), patch), previous), 200);
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

/** Checks `input` as a whole config, refuses a webhook it may not call, and keeps it: a new rules version when the rules changed. */
async function saveSite(c: Context<AppEnv>, id: string, input: unknown, previous: Site | null) {
  const built = buildSite(id, input, previous, Date.now());
  if (!built.ok) throw ApiError.invalid("invalid_site", built.issues);
  const site = built.value;
  const refusal = site.webhook && webhookRefusal(site.webhook.url, c.req.url, c.env.LOCAL_WEBHOOKS);
  if (refusal) throw new ApiError(400, "invalid_site", `webhook.url ${refusal}`, "webhook.url");
  // New rules are a new version, kept (GET …/rules) before the config names it.
  if (site.rulesVersion !== previous?.rulesVersion) await publishVersion(c.env.SITES, site, { origin: "site" });
  else await putSite(c.env.SITES, site);
  return publicSite(site);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * RFC 7396: objects merge key by key, `null` removes a key, anything else (arrays too)
 * replaces. Keys are defined as own properties, so a `__proto__` key is a key like any
 * other (and refused by the config's check), never the object's prototype.
 */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const merged: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else Object.defineProperty(merged, key, { value: mergePatch(Object.hasOwn(merged, key) ? merged[key] : undefined, value), enumerable: true, writable: true, configurable: true });
  }
  return merged;
}
