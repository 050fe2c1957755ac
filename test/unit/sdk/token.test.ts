import { describe, expect, it } from "vitest";
import { readToken } from "../../../sdk/src/lazy/token";

const sig = "a".repeat(40) + "0123456789abcdef01234567";
const base64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("readToken: the es_t link token", () => {
  it("decodes base64url(email|expires|signature) into an identify's fields", () => {
    expect(readToken(base64url(`ada@acme.com|1798761600|${sig}`))).toEqual({
      traits: { email: "ada@acme.com" },
      expires: 1798761600,
      signature: sig,
    });
  });

  it("reads tokens whose base64 has - and _ (and no padding)", () => {
    const email = "a>b?c~@acme.com";
    const token = base64url(`${email}|1|${sig}`);
    expect(token).toMatch(/[-_]/);
    expect(readToken(token).traits.email).toBe(email);
  });

  it("leaves judging a malformed token to the worker", () => {
    expect(readToken(base64url("ada@acme.com"))).toEqual({ traits: { email: "ada@acme.com" }, expires: NaN, signature: undefined });
  });

  it("throws on what is no base64", () => {
    expect(() => readToken("not base64!")).toThrow();
  });
});
