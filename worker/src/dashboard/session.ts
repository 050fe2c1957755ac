/**
 * The dashboard's session (CONTRACT §7 `GET /dashboard`): the token typed once on
 * the login form is exchanged for a cookie naming who it was, never the token:
 *
 *   es_dashboard=<base64url JSON { sub: "admin" } | { sub: "key", key: <key id> }, with exp (unix s)>.<HMAC-SHA256, base64>
 *   HttpOnly; SameSite=Strict; Path=/dashboard; Max-Age=43200; Secure (not on http loopback)
 *
 * Signed (Hono's signed cookies) with a key derived from IDENTITY_SECRET and
 * ADMIN_TOKEN: the session key is none of the secrets themselves, and rotating
 * the admin token ends every session. A key's session re-reads the key on each
 * request (one KV read), so a revoked key stops working (in other locations
 * within KV's propagation, about 60 s).
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { decodeBase64Url, encodeBase64Url } from "hono/utils/encode";
import type { AppEnv } from "../app-env";
import type { Caller } from "../lib/auth";
import { hmacHex } from "../lib/crypto";
import { keyById } from "../sites/keys";

const COOKIE = "es_dashboard";
const PATH = "/dashboard";
const SESSION_SECONDS = 12 * 3600;

type Session = ({ sub: "admin" } | { sub: "key"; key: string }) & { exp: number };

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A Secure cookie is never sent over http, which `npm start` serves on loopback. */
function secureFor(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return !(protocol === "http:" && LOOPBACK.has(hostname));
}

/** Derived, not a secret used elsewhere: a leaked session key forges sessions and nothing more. */
const signingKey = (env: Env) => hmacHex(env.IDENTITY_SECRET, `dashboard-session|${env.ADMIN_TOKEN ?? ""}`);

const encode = (session: Session) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(session)).buffer).replace(/=+$/, "");

function decode(value: string): Session | null {
  try {
    return JSON.parse(new TextDecoder().decode(decodeBase64Url(value))) as Session;
  } catch {
    return null;
  }
}

/** Starts a session for `caller` (a checked token) on the response. */
export async function openSession(c: Context<AppEnv>, caller: Caller, now: number): Promise<void> {
  const exp = Math.floor(now / 1000) + SESSION_SECONDS;
  const session: Session = caller.kind === "admin" ? { sub: "admin", exp } : { sub: "key", key: caller.id, exp };
  await setSignedCookie(c, COOKIE, encode(session), await signingKey(c.env), {
    path: PATH, httpOnly: true, sameSite: "Strict", secure: secureFor(c.req.url), maxAge: SESSION_SECONDS,
  });
}

/** Who the request's session is, or null: no cookie, a bad signature, expired, or a revoked key. */
export async function sessionCaller(c: Context<AppEnv>, now: number): Promise<Caller | null> {
  const value = await getSignedCookie(c, await signingKey(c.env), COOKIE);
  const session = value ? decode(value) : null;
  if (!session || !(session.exp * 1000 > now)) return null;
  if (session.sub === "admin") return { kind: "admin" };
  const key = await keyById(c.env.SITES, session.key);
  return key && { kind: "key", ...key };
}

export function closeSession(c: Context<AppEnv>): void {
  deleteCookie(c, COOKIE, { path: PATH, httpOnly: true, sameSite: "Strict", secure: secureFor(c.req.url) });
}
