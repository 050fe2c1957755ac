import type { Context, MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import type { AppEnv } from "../app-env";
import { findKey, markUsed, type Scope, type SiteKey } from "../sites/keys";
import { ApiError } from "./errors";

/** Who called a management route: the admin token, or a site key. */
export type Caller = { kind: "admin" } | ({ kind: "key" } & SiteKey);

/** The bearer token of a request, or null. */
function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

/**
 * Who the request's `Authorization: Bearer <token>` names (CONTRACT §7), set on
 * the context as `caller`: missing or wrong → 401. The admin token is compared
 * in constant time; anything else costs one KV read.
 */
async function authenticate(c: Context<AppEnv>): Promise<Caller> {
  const token = bearer(c.req.header("Authorization"));
  if (!token) throw new ApiError(401, "unauthorized", "send Authorization: Bearer <token>");
  let caller: Caller;
  if (c.env.ADMIN_TOKEN && (await timingSafeEqual(token, c.env.ADMIN_TOKEN))) {
    caller = { kind: "admin" };
  } else {
    const key = await findKey(c.env.SITES, token);
    if (!key) throw new ApiError(401, "unauthorized", "the token is not valid");
    c.executionCtx.waitUntil(markUsed(c.env.SITES, key, Date.now()));
    caller = { kind: "key", ...key };
  }
  c.set("caller", caller);
  return caller;
}

/** 403 unless the caller (set by `requireAdmin` or `requireScope`) is the admin token. */
export function ensureAdmin(c: Context<AppEnv>, action: string): void {
  if (c.get("caller").kind !== "admin") throw new ApiError(403, "forbidden", `only the admin token may ${action}`);
}

/** Routes only the admin token may call; a valid site key gets 403. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  await authenticate(c);
  ensureAdmin(c, "do this");
  await next();
};

/**
 * Routes under `/v1/sites/:site/…`: the admin token, or a key of that site
 * holding `scope`. A key of another site, or without the scope → 403.
 */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = await authenticate(c);
    if (caller.kind === "key") {
      if (caller.site !== c.req.param("site")) throw new ApiError(403, "forbidden", "this key belongs to another site");
      if (!caller.scopes.includes(scope)) throw new ApiError(403, "forbidden", `this key lacks the scope ${scope}`);
    }
    await next();
  };
}
