import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";

/**
 * CORS for the public routes: an answer may be read by a page of the site's own
 * origins only, errors included, and `Retry-After` is readable so the script can
 * back off. Which site is known only once the route has read it, so this runs after.
 * A preflight cannot name its site; it is answered for any origin, and the
 * request that follows is still refused unless its origin is the site's.
 */
export const siteCors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header("Origin");
  if (c.req.method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: {
        ...(origin && { "Access-Control-Allow-Origin": origin }),
        "Access-Control-Allow-Methods": "GET, POST",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": "86400",
        Vary: "Origin",
      },
    });
  }
  await next();
  c.res.headers.append("Vary", "Origin");
  const site = c.get("site");
  if (origin && site?.origins.includes(origin)) {
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.set("Access-Control-Expose-Headers", "Retry-After");
  }
};
