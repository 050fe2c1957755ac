/**
 * The dashboard's session (docs/dashboard.md#overview, The session): the token typed once on
 * the login form is exchanged for a cookie naming who it was, never the token:
 *
 *   es_dashboard=<base64url JSON { sub: "admin" } | { sub: "key", key: <key id> }, with sid (random) and exp (unix s)>.<HMAC-SHA256, base64>
 *   HttpOnly; SameSite=Strict; Path=/dashboard; Max-Age=43200; Secure (not on http loopback)
 *
 * Signed (Hono's signed cookies) with a key derived from IDENTITY_SECRET and
 * ADMIN_TOKEN: the session key is none of the secrets themselves, and rotating
 * the admin token ends every session. A key's session re-reads the key on each
 * request (one KV read), so a revoked key stops working (in other locations
 * within KV's propagation, about 60 s). Signing out ends the session itself, not
 * only the cookie: its random `sid` is kept as ended in KV until it would have
 * expired, so a copy of the cookie replayed later is refused too.
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { decodeBase64Url, encodeBase64Url } from "hono/utils/encode";
import type { AppEnv } from "../app-env";
import type { Caller } from "../sites/keys";
import { hmacHex } from "../lib/crypto";
import { keyById } from "../sites/keys";

const COOKIE = "es_dashboard";
const PATH = "/dashboard";
const SESSION_SECONDS = 12 * 3600;

type Session = ({ sub: "admin" } | { sub: "key"; key: string }) & { sid: string; exp: number };

/** KV's key for a session signed out before it expired. */
const endedKey = (sid: string) => `session-ended:${sid}`;

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
  const sid = crypto.randomUUID();
  const session: Session = caller.kind === "admin" ? { sub: "admin", sid, exp } : { sub: "key", key: caller.id, sid, exp };
  await setSignedCookie(c, COOKIE, encode(session), await signingKey(c.env), {
    path: PATH, httpOnly: true, sameSite: "Strict", secure: secureFor(c.req.url), maxAge: SESSION_SECONDS,
  });
}

/** The request's session, signed and unexpired, or null. */
async function sessionOf(c: Context<AppEnv>, now: number): Promise<Session | null> {
  const value = await getSignedCookie(c, await signingKey(c.env), COOKIE);
  const session = value ? decode(value) : null;
  return session && typeof session.sid === "string" && session.exp * 1000 > now ? session : null;
}

/** Who the request's session is, or null: no cookie, a bad signature, expired, signed out, or a revoked key. */
export async function sessionCaller(c: Context<AppEnv>, now: number): Promise<Caller | null> {
  const session = await sessionOf(c, now);
  if (!session) return null;
  const [ended, key] = await Promise.all([
    c.env.SITES.get(endedKey(session.sid)),
    session.sub === "key" ? keyById(c.env.SITES, session.key) : null,
  ]);
  if (ended !== null) return null;
  if (session.sub === "admin") return { kind: "admin" };
  return key && { kind: "key", ...key };
}

/** Ends the request's session, if any, for good, and clears its cookie. */
export async function closeSession(c: Context<AppEnv>, now: number): Promise<void> {
  const session = await sessionOf(c, now);
  // KV keeps a key for at least 60 s: a session a minute from its end is ended a little longer than needed.
  if (session) await c.env.SITES.put(endedKey(session.sid), "", { expirationTtl: Math.max(60, session.exp - Math.floor(now / 1000)) });
  deleteCookie(c, COOKIE, { path: PATH, httpOnly: true, sameSite: "Strict", secure: secureFor(c.req.url) });
}
