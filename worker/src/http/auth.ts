import type { Context, MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import type { AppEnv } from "../app-env";
import { findKey, markUsed, type Caller, type Scope } from "../sites/keys";
import { ApiError } from "../lib/errors";
import { ExpiringMap } from "../lib/expiring-map";

/** The bearer token of a request, or null. */
function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

/**
 * Who `token` names (docs/api.md#management-routes): the admin token, compared in constant time, or
 * a site key, which costs one KV read; null when it is neither. Without a Hono
 * context, so the dashboard's login checks a token by the same rules.
 */
export async function callerOf(env: Env, token: string): Promise<Caller | null> {
  if (env.ADMIN_TOKEN && (await timingSafeEqual(token, env.ADMIN_TOKEN))) return { kind: "admin" };
  const key = await findKey(env.SITES, token);
  return key && { kind: "key", ...key };
}

/**
 * Why `caller` may not use `scope` on `site`, or null when it may: the admin
 * token may do anything, a key only on its own site and with the scope.
 */
export function refusalOf(caller: Caller, site: string, scope: Scope): string | null {
  if (caller.kind === "admin") return null;
  if (caller.site !== site) return "this key belongs to another site";
  if (!caller.scopes.includes(scope)) return `this key lacks the scope ${scope}`;
  return null;
}

/** The period of AUTH_RATE_LIMIT (wrangler.toml): how long an address that guessed too often waits. */
export const GUESS_PERIOD_S = 60;
/**
 * Addresses over the limit, refused before any token is checked until their period ends.
 * Per isolate: elsewhere the shared limiter catches the next wrong token.
 */
const guessing = new ExpiringMap<string, true>(GUESS_PERIOD_S * 1000, 10_000);

/**
 * Who `token` names, as `callerOf`, or "throttled": an address that presented more wrong
 * tokens this period than AUTH_RATE_LIMIT allows is refused before its tokens are checked,
 * so guessing the admin token or a key goes no faster than that. Requests without a client
 * address (local runs) are not counted.
 */
export async function checkedCaller(c: Context<AppEnv>, token: string, now: number): Promise<Caller | null | "throttled"> {
  const address = c.req.header("CF-Connecting-IP");
  if (address !== undefined && guessing.get(address, now)) return "throttled";
  const caller = await callerOf(c.env, token);
  if (caller || address === undefined || (await c.env.AUTH_RATE_LIMIT.limit({ key: address })).success) return caller;
  guessing.set(address, true, now);
  return "throttled";
}

/**
 * Who the request's `Authorization: Bearer <token>` names, set on the context as
 * `caller`: missing or wrong → 401, too many wrong ones from the address → 429. A
 * key's use is recorded after the answer.
 */
async function authenticate(c: Context<AppEnv>): Promise<Caller> {
  const token = bearer(c.req.header("Authorization"));
  if (!token) throw new ApiError(401, "unauthorized", "send Authorization: Bearer <token>");
  const caller = await checkedCaller(c, token, Date.now());
  if (caller === "throttled") {
    c.header("Retry-After", String(GUESS_PERIOD_S));
    throw new ApiError(429, "too_many_attempts", `too many wrong tokens from this address: retry after ${GUESS_PERIOD_S} s`);
  }
  if (!caller) throw new ApiError(401, "unauthorized", "the token is not valid");
  if (caller.kind === "key") c.executionCtx.waitUntil(markUsed(c.env.SITES, caller, Date.now()));
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
    const refusal = refusalOf(await authenticate(c), c.req.param("site") ?? "", scope);
    if (refusal) throw new ApiError(403, "forbidden", refusal);
    await next();
  };
}
