import { describe, expect, it } from "vitest";
import { FormFieldsSchema, TraitsSchema } from "../../shared/events";
import { check } from "../../shared/validation";

const refused = (schema: Parameters<typeof check>[0], traits: unknown) => {
  const checked = check(schema, traits);
  return checked.ok ? [] : checked.issues.map((i) => i.path);
};

describe("the traits an identify may give", () => {
  it("takes texts, finite numbers within 1e15 either side of 0, booleans and null, under the named keys and the site's own", () => {
    const checked = check(TraitsSchema, {
      email: " Ada@Acme.com ", companySize: 1000, title: " CTO ", phone: 4155550100, country: "gb", industry: null,
      annualRevenue: 1e15, debt: -1e15, ratio: 0.5, trial: true, plan: "pro", Stack_2: false,
    });
    expect(checked).toEqual({
      ok: true,
      value: {
        email: "ada@acme.com", companySize: 1000, title: "CTO", phone: 4155550100, country: "GB", industry: null,
        annualRevenue: 1e15, debt: -1e15, ratio: 0.5, trial: true, plan: "pro", Stack_2: false,
      },
    });
  });

  it.each([
    [{ revenue: Number.NaN }, "revenue"],
    [{ revenue: Infinity }, "revenue"],
    [{ revenue: -Infinity }, "revenue"],
    [{ revenue: 1e15 + 1 }, "revenue"],
    [{ companySize: -1e16 }, "companySize"],
    [{ email: null }, "email"],
    [{ email: 42 }, "email"],
    [{ country: 44 }, "country"],
    [{ stack: { tier: 1 } }, "stack"],
    [{ plan: "x".repeat(257) }, "plan"],
    [{ phone: "1".repeat(65) }, "phone"],
    [{ "plan.tier": 1 }, "plan.tier"],
    [{ "1st": 1 }, "1st"],
    [{ ["k".repeat(65)]: 1 }, "k".repeat(65)],
    [{ constructor_: 1, __proto__x: 1 }, "__proto__x"],
    [{ emailType: "business" }, "emailType"],
  ])("refuses %o, naming the field", (traits, path) => {
    expect(new Set(refused(TraitsSchema, traits))).toEqual(new Set([path]));
  });

  it("takes at most 50 of the site's own keys, besides the named ones", () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(refused(TraitsSchema, { ...keys(50), email: "ada@acme.com", title: "CTO" })).toEqual([]);
    expect(refused(TraitsSchema, keys(52))).toEqual(["k50"]);
  });

  it("keeps a form to the named keys", () => {
    expect(refused(FormFieldsSchema, { email: "ada@acme.com", companySize: "1000" })).toEqual([]);
    expect(refused(FormFieldsSchema, { email: "ada@acme.com", plan: "pro" })).toEqual(["plan"]);
  });
});
