import { describe, expect, it } from "vitest";
import { newStandardSecret, signingKey, standardSecretProblem } from "../../worker/src/lib/webhook-secret";

const bytes = (text: string) => Array.from(new TextEncoder().encode(text));

describe("a webhook's signing key", () => {
  it("is a whsec_ secret's decoded bytes, and any other secret's UTF-8 bytes", () => {
    const key = Array.from({ length: 32 }, (_, i) => i * 7);
    expect(Array.from(signingKey(`whsec_${btoa(String.fromCharCode(...key))}`))).toEqual(key);
    expect(Array.from(signingKey("plain-secret-ünïcode-0123"))).toEqual(bytes("plain-secret-ünïcode-0123"));
  });

  it("keeps a whsec_ secret saved before the check, which the libraries could not decode, keyed by its text", () => {
    const old = "whsec_not-base64-at-all!";
    expect(standardSecretProblem(old)).toMatch(/standard base64/);
    expect(Array.from(signingKey(old))).toEqual(bytes(old));
  });

  it("makes new secrets of 32 random bytes that pass the check", () => {
    const [a, b] = [newStandardSecret(), newStandardSecret()];
    expect(a).not.toBe(b);
    expect(standardSecretProblem(a)).toBeNull();
    expect(signingKey(a)).toHaveLength(32);
  });
});
