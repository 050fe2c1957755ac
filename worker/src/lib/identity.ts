/**
 * Who a profile is (docs/architecture.md#decisions, one Durable Object per profile).
 * An anonymous browser is one object per (site, visitor id); a lead is one per (site, keyed hash of its normalised email), keyed
 * with IDENTITY_SECRET so that neither object names nor profile ids reveal an
 * email, and nobody without the secret can find a lead's object from an email.
 * An account (a company) is one object per (site, account key).
 */
import { timingSafeEqual } from "hono/utils/buffer";
import { normaliseEmail } from "../../../shared/rules";
import { hmacHex } from "./crypto";

export function visitorProfileName(site: string, vid: string): string {
  return `visitor:${site}:${vid}`;
}

export async function leadProfileName(secret: string, site: string, email: string): Promise<string> {
  return `lead:${site}:${await hmacHex(secret, `${site}|${normaliseEmail(email)}`)}`;
}

/** An account's object: one per (site, account key), the key naming a company, never a person. */
export function accountObjectName(site: string, key: string): string {
  return `account:${site}:${key}`;
}

/** The account object of a key on a site. */
export function accountObject(env: Env, site: string, key: string) {
  return env.ACCOUNTS.getByName(accountObjectName(site, key));
}

/** The lead object of an email on a site. */
export async function leadProfile(env: Env, site: string, email: string) {
  return env.PROFILES.getByName(await leadProfileName(env.IDENTITY_SECRET, site, email));
}

/** Proof that the site vouches for an email: `signature` over site, email and `expires`. */
export interface IdentityProof {
  signature?: string;
  /** Unix seconds. */
  expires?: number;
}

/**
 * The longest a proof may be valid for from now: a link token forwarded or leaked from an
 * old email stops vouching for its reader after this, whatever `expires` it was signed with.
 */
export const MAX_PROOF_MS = 30 * 86_400_000;

/**
 * Whether an identity is verified: signed with the site's `identifySecret` as
 * hex HMAC-SHA256(site + "|" + email + "|" + expires), not expired at `now` (ms), and
 * expiring within MAX_PROOF_MS. Anything else (no secret, no signature, expired, too
 * long-lived, wrong) is a claim.
 */
export async function isVerified(identifySecret: string | undefined, site: string, email: string, proof: IdentityProof, now: number): Promise<boolean> {
  const { signature, expires } = proof;
  if (!identifySecret || !signature || expires === undefined || expires * 1000 <= now || expires * 1000 > now + MAX_PROOF_MS) return false;
  const expected = await hmacHex(identifySecret, `${site}|${normaliseEmail(email)}|${expires}`);
  return timingSafeEqual(expected, signature.toLowerCase());
}

/** The profile object of an id the API showed (64 hex digits), or null for anything else. */
export function profileById(env: Env, id: string) {
  if (!/^[0-9a-f]{64}$/.test(id)) return null;
  try {
    return env.PROFILES.get(env.PROFILES.idFromString(id));
  } catch {
    return null; // well-formed, but not an id of this namespace
  }
}
