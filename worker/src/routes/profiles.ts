import { Hono, type Context } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import { requireScope } from "../http/auth";
import { limitBody, readJson } from "../http/body";
import { ApiError } from "../lib/errors";
import { leadProfile, profileById } from "../lib/identity";
import { requireSite } from "../http/site";
import { profileView } from "../http/view";

/** Look-ups and erasure by email take the email in a body, never in a path (docs/api.md#profiles). */
const ByEmailSchema = v.strictObject({
  email: v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254), v.email("must be an email address")),
});

type Stub = NonNullable<ReturnType<typeof profileById>>;

async function byId(c: Context<AppEnv>): Promise<Stub> {
  const profile = profileById(c.env, c.req.param("id")!);
  if (!profile) throw new ApiError(404, "unknown_profile", "no such profile", "id");
  return profile;
}

async function showProfile(c: Context<AppEnv>, profile: Stub, path: string) {
  const site = await requireSite(c, c.req.param("site")!);
  const details = await profile.details(site.id, Date.now());
  if (!details) throw new ApiError(404, "unknown_profile", "no such profile", path);
  return c.json(profileView(details));
}

async function eraseProfile(c: Context<AppEnv>, profile: Stub, path: string) {
  const site = await requireSite(c, c.req.param("site")!);
  if (!(await profile.erase(site.id))) throw new ApiError(404, "unknown_profile", "no such profile", path);
  return c.body(null, 204);
}

/**
 * Profiles (docs/api.md#profiles, docs/api.md#erasure): one by id or email with its explanation, stages and
 * timeline (`profiles:read`); erasure of a person everywhere (`site:admin`).
 */
export const profiles = new Hono<AppEnv>()
  .get("/v1/sites/:site/profiles/:id", requireScope("profiles:read"), async (c) => showProfile(c, await byId(c), "id"))
  .post("/v1/sites/:site/profiles/lookup", requireScope("profiles:read"), limitBody(4096), async (c) => {
    const { email } = await readJson(c, ByEmailSchema);
    return showProfile(c, await leadProfile(c.env, c.req.param("site"), email), "email");
  })
  .delete("/v1/sites/:site/profiles/:id", requireScope("site:admin"), async (c) => eraseProfile(c, await byId(c), "id"))
  .post("/v1/sites/:site/profiles/erase", requireScope("site:admin"), limitBody(4096), async (c) => {
    const { email } = await readJson(c, ByEmailSchema);
    return eraseProfile(c, await leadProfile(c.env, c.req.param("site"), email), "email");
  });
