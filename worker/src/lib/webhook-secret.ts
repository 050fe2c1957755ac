/**
 * A webhook's signing secret and the HMAC key it gives (docs/api.md#signatures). A Standard
 * Webhooks secret, `whsec_` and the base64 of 24 to 64 random bytes, is keyed by those
 * bytes, as every Standard Webhooks library decodes it. Any other secret (the only kind
 * before) is keyed by its UTF-8 bytes, so sites keep theirs; a receiver hands it to a
 * library as `"whsec_" + base64(secret)`.
 */
import { base64Of } from "./crypto";

const PREFIX = "whsec_";
const KEY_BYTES = { min: 24, max: 64 };
/** Standard base64, padded: what every library decodes (url-safe text they refuse, unpadded text some of them). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why a `whsec_` secret is not one the libraries can use; null when it is, or when it is another kind of secret. */
export function standardSecretProblem(secret: string): string | null {
  if (!secret.startsWith(PREFIX)) return null;
  const encoded = secret.slice(PREFIX.length);
  if (!BASE64.test(encoded)) return "after whsec_ must come standard base64 (A-Z, a-z, 0-9, + and /, padded with =)";
  const bytes = atob(encoded).length;
  if (bytes < KEY_BYTES.min || bytes > KEY_BYTES.max) return `after whsec_ must come the base64 of ${KEY_BYTES.min} to ${KEY_BYTES.max} bytes (this is ${bytes})`;
  return null;
}

/**
 * The key a secret signs with. A `whsec_` secret the check would refuse can only be one
 * saved before the check existed: it keeps the key it had, its UTF-8 bytes.
 */
export function signingKey(secret: string): Uint8Array {
  if (!secret.startsWith(PREFIX) || standardSecretProblem(secret)) return new TextEncoder().encode(secret);
  return Uint8Array.from(atob(secret.slice(PREFIX.length)), (c) => c.charCodeAt(0));
}

/** A new Standard Webhooks secret: 32 random bytes. */
export function newStandardSecret(): string {
  return PREFIX + base64Of(crypto.getRandomValues(new Uint8Array(32)));
}
