import { describe, expect, it } from "vitest";
import { deriveTraits, normaliseEmail } from "../../../shared/rules";
import { mergeTraits } from "../../../shared/rules/traits";

describe("traits", () => {
  it("normalises emails: trimmed and lower-cased", () => {
    expect(normaliseEmail("  Ada@ACME.com \n")).toBe("ada@acme.com");
  });

  it.each([
    ["ada@acme.com", "acme.com", "business"],
    ["ada@gmail.com", "gmail.com", "free"],
    ["ada@outlook.com", "outlook.com", "free"],
    ["ada@mailinator.com", "mailinator.com", "disposable"],
    ["ada@yopmail.com", "yopmail.com", "disposable"],
  ])("derives the domain and type of %s", (email, emailDomain, emailType) => {
    expect(deriveTraits({ email, title: "CTO" })).toEqual({ email, title: "CTO", emailDomain, emailType });
  });

  it("derives nothing without an email with a domain", () => {
    expect(deriveTraits({ title: "CTO" })).toEqual({ title: "CTO" });
    expect(deriveTraits({ email: "nobody" })).toEqual({ email: "nobody" });
  });

  it("merges later values over earlier ones, recomputes derived traits and caps values", () => {
    const first = mergeTraits({}, { email: "ada@gmail.com", title: "Engineer" });
    const merged = mergeTraits(first, { email: "ada@acme.com", company: "x".repeat(300) });
    expect(merged).toEqual({
      email: "ada@acme.com",
      title: "Engineer",
      company: "x".repeat(256),
      emailDomain: "acme.com",
      emailType: "business",
    });
  });

  it("keeps a __proto__ trait as plain data", () => {
    const merged = mergeTraits({}, JSON.parse('{"__proto__": "x", "title": "CEO"}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(merged))).toEqual(JSON.parse('{"__proto__": "x", "title": "CEO"}'));
  });
});
