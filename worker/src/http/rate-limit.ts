import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../lib/errors";

/** The limiters' period (wrangler.toml): how long a limited sender should wait. */
const PERIOD_S = 60;

/**
 * Too many requests to the public routes (a collect batch, a stage read) from one
 * visitor, or from one address, on a site (docs/api.md#public-routes-the-browser-script):
 * 429 with Retry-After. Counted by the Workers Rate Limiting binding, per location;
 * addresses in RATE_LIMIT_EXEMPT are limited per visitor only.
 */
export async function limitCollect(c: Context<AppEnv>, site: string, vid: string): Promise<void> {
  const address = c.req.header("CF-Connecting-IP");
  const exempt = address === undefined || c.env.RATE_LIMIT_EXEMPT.split(",").map((a) => a.trim()).includes(address);
  const [visitor, sender] = await Promise.all([
    c.env.VISITOR_RATE_LIMIT.limit({ key: `${site}:${vid}` }),
    exempt ? { success: true } : c.env.ADDRESS_RATE_LIMIT.limit({ key: `${site}:${address}` }),
  ]);
  if (visitor.success && sender.success) return;
  c.header("Retry-After", String(PERIOD_S));
  throw new ApiError(429, "rate_limited", `too many requests from this ${visitor.success ? "address" : "visitor"}: retry after ${PERIOD_S} s`);
}
