import { describe, expect, it } from "vitest";
import { deriveTraits, normaliseEmail } from "../../../shared/rules";
import { mergeProvenTraits, mergeTraits, type ProvenTraits } from "../../../shared/rules/traits";
import { isCustomTrait, MAX_CUSTOM_TRAITS } from "../../../shared/traits";

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

  it("keeps numbers and booleans as they are, and removes a trait sent as null", () => {
    const first = mergeTraits({}, { email: "ada@acme.com", companySize: 1000, trial: true, plan: "pro" });
    const merged = mergeTraits(first, { companySize: null, trial: false, missing: null, revenue: -2.5 });
    expect(merged).toEqual({
      email: "ada@acme.com", trial: false, plan: "pro", revenue: -2.5, emailDomain: "acme.com", emailType: "business",
    });
    expect(Object.is(mergeTraits({}, { balance: -0 }).balance, 0)).toBe(true); // as JSON stores it
  });

  it("recomputes the derived traits from the email whatever an event says of them", () => {
    expect(mergeTraits({}, { email: "ada@acme.com", emailDomain: "evil.test", emailType: "free" })).toMatchObject({
      emailDomain: "acme.com", emailType: "business",
    });
  });

  it("holds at most MAX_CUSTOM_TRAITS of the site's own: a full profile updates them, takes none new, and has room again after a removal", () => {
    const keys = (from: number, to: number, value: number) => Object.fromEntries(Array.from({ length: to - from }, (_, i) => [`k${from + i}`, value]));
    const full = mergeTraits({}, { ...keys(0, 60, 1), title: "CTO" });
    expect(Object.keys(full).filter(isCustomTrait)).toHaveLength(MAX_CUSTOM_TRAITS);
    expect(full).toMatchObject({ k49: 1, title: "CTO" });
    expect(full).not.toHaveProperty("k50");

    const updated = mergeTraits(full, { k0: 2, k50: 2, company: "Acme" });
    expect(updated).toMatchObject({ k0: 2, company: "Acme" });
    expect(updated).not.toHaveProperty("k50");

    const freed = mergeTraits(updated, { k51: 3, k1: null, k52: 3 });
    expect(freed).not.toHaveProperty("k1");
    expect(freed).not.toHaveProperty("k51");
    expect(freed).toMatchObject({ k52: 3 });
    expect(Object.keys(freed).filter(isCustomTrait)).toHaveLength(MAX_CUSTOM_TRAITS);
  });

  it("keeps a __proto__ trait as plain data", () => {
    const merged = mergeTraits({}, JSON.parse('{"__proto__": "x", "title": "CEO"}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(merged))).toEqual(JSON.parse('{"__proto__": "x", "title": "CEO"}'));
  });
});

describe("traits by provenance (docs/api.md, Trust model)", () => {
  const trusted = (current: ProvenTraits, incoming: Record<string, unknown>) => mergeProvenTraits(current, incoming as never, false);
  const claim = (current: ProvenTraits, incoming: Record<string, unknown>) => mergeProvenTraits(current, incoming as never, true);
  const server = trusted({ traits: {}, claimed: [] }, { email: "victim@corp.com", title: "CTO" });

  it("never lets a claim replace or remove a trait a trusted source set", () => {
    const claimed = claim(server, { email: "victim@corp.com", title: "Intern", name: "Mallory", phone: "+1 555" });
    expect(claimed.traits).toMatchObject({ email: "victim@corp.com", title: "CTO", name: "Mallory", phone: "+1 555", emailDomain: "corp.com" });
    expect(claimed.claimed).toEqual(["name", "phone"]);
    expect(claim(claimed, { title: null, email: null }).traits).toMatchObject({ title: "CTO", email: "victim@corp.com" });
  });

  it("lets a claim update or remove a trait only claims set", () => {
    const first = claim(server, { name: "Mallory", company: "Evil" });
    const second = claim(first, { name: "Mal", company: null });
    expect(second.traits).toMatchObject({ name: "Mal", title: "CTO" });
    expect(second.traits).not.toHaveProperty("company");
    expect(second.claimed).toEqual(["name"]);
  });

  it("lets a trusted source replace anything, and its value is trusted from then on", () => {
    const claimed = claim(server, { name: "Mallory" });
    const fixed = trusted(claimed, { name: "Victor", title: "CEO" });
    expect(fixed).toEqual({ traits: expect.objectContaining({ name: "Victor", title: "CEO" }), claimed: [] });
    expect(claim(fixed, { name: "Mallory" }).traits.name).toBe("Victor");
    expect(trusted(claimed, { name: null })).toEqual({ traits: server.traits, claimed: [] });
  });

  it("lists a claim's email as claimed when no trusted source gave it", () => {
    const claimed = claim({ traits: {}, claimed: [] }, { email: "ada@acme.com", title: "CTO" });
    expect(claimed.claimed).toEqual(["email", "title"]);
    expect(claimed.traits).toMatchObject({ emailDomain: "acme.com", emailType: "business" });
  });

  it("does not list a claim's custom trait refused by the cap", () => {
    const full = trusted({ traits: {}, claimed: [] }, Object.fromEntries(Array.from({ length: MAX_CUSTOM_TRAITS }, (_, i) => [`k${i}`, i])));
    expect(claim(full, { extra: 1 })).toEqual(full);
  });
});
