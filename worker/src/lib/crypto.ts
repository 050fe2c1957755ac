/** HMAC-SHA256 of `message` under `key` (a text key as its UTF-8 bytes). */
async function hmac(key: string | Uint8Array, message: string): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const raw = typeof key === "string" ? encoder.encode(key) : key;
  const cryptoKey = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
}

/** hex HMAC-SHA256 of `message` under `secret`: lead names, identity signatures, the legacy webhook signature. */
export async function hmacHex(secret: string, message: string): Promise<string> {
  return Array.from(await hmac(secret, message), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Standard base64 (with `+`, `/` and `=` padding) of some bytes. */
export const base64Of = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

/** base64 HMAC-SHA256 of `message` under the key's bytes: Standard Webhooks signatures. */
export async function hmacBase64(key: Uint8Array, message: string): Promise<string> {
  return base64Of(await hmac(key, message));
}
