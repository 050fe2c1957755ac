import type { MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import type { AppEnv } from "../app-env";
import { ApiError } from "./errors";

/** The bearer token of a request, or null. */
function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

/**
 * Management routes need `Authorization: Bearer <ADMIN_TOKEN>` (CONTRACT §7):
 * missing or wrong → 401. Compared in constant time.
 */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearer(c.req.header("Authorization"));
  if (!token) throw new ApiError(401, "unauthorized", "send Authorization: Bearer <token>");
  if (!c.env.ADMIN_TOKEN || !(await timingSafeEqual(token, c.env.ADMIN_TOKEN))) {
    throw new ApiError(401, "unauthorized", "the token is not valid");
  }
  await next();
};
