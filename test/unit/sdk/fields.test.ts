import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { FormFieldsSchema, type FormFields } from "../../../shared/events";
import { fieldKey, put, traits, words } from "../../../sdk/src/lazy/fields";

describe("fieldKey: which trait a form field gives", () => {
  it("maps names, ids and autocomplete tokens, whatever their case and separators", () => {
    const cases: [string, string[], string][] = [
      ["text", ["email"], "email"],
      ["text", ["E-mail"], "email"],
      ["text", ["first_name"], "firstName"],
      ["text", ["FirstName"], "firstName"],
      ["text", ["fname"], "firstName"],
      ["text", ["x", "", "given-name"], "firstName"],
      ["text", ["lastname"], "lastName"],
      ["text", ["", "", "family-name"], "lastName"],
      ["text", ["name"], "name"],
      ["text", ["full_name"], "name"],
      ["text", ["company"], "company"],
      ["text", ["", "", "organization"], "company"],
      ["text", ["jobtitle"], "title"],
      ["text", ["", "", "organization-title"], "title"],
      ["text", ["title"], "title"],
      ["select-one", ["numemployees"], "companySize"],
      ["select-one", ["NumberOfEmployees"], "companySize"],
      ["text", ["companySize"], "companySize"],
      ["select-one", ["industry"], "industry"],
      ["select-one", ["country"], "country"],
      ["text", ["mobilephone"], "phone"],
      ["text", ["", "", "tel"], "phone"],
      ["text", ["0-1/email"], "email"],
      ["text", ["0-1/firstname"], "firstName"],
      ["text", ["unknown", "phone"], "phone"],
    ];
    for (const [type, names, key] of cases) expect(fieldKey(type, ...names), `${type} ${names}`).toBe(key);
  });

  it("maps type=email and type=tel inputs whatever their names, but a code, an account or an identity number", () => {
    expect(fieldKey("email", "work_email", "em")).toBe("email");
    expect(fieldKey("tel", "mobile_no")).toBe("phone");
    expect(fieldKey("tel", "company")).toBe("company");
    for (const n of ["one-time-code", "verification_code", "account_number", "national_id", "dob", "sortcode"]) {
      expect(fieldKey("tel", n), n).toBeUndefined();
      expect(fieldKey("tel", "", "", n), `autocomplete ${n}`).toBeUndefined();
    }
  });

  it("gives nothing for other fields", () => {
    for (const n of ["message", "comments", "utm_source", "newsletter", "null", "undefined"]) expect(fieldKey("text", n)).toBeUndefined();
    expect(fieldKey("text", null, undefined, "")).toBeUndefined();
  });

  it("never passwords, hidden inputs or files, whatever their names", () => {
    expect(fieldKey("password", "email")).toBeUndefined();
    expect(fieldKey("hidden", "email")).toBeUndefined();
    expect(fieldKey("hidden", "name")).toBeUndefined();
    expect(fieldKey("file", "phone")).toBeUndefined();
  });

  it("never payment or identity-number fields: a denied name wins over an allowed one", () => {
    const denied = [
      "cc", "cc-number", "cc_name", "ccNumber", "cardnum", "card_number", "cardholderName", "cvc", "cvv", "csc", "cc-csc",
      "exp", "cc-exp", "exp_month", "expiry", "expiration_date", "iban", "bic", "swift", "routing_number", "ssn", "userSSN",
      "social_security_number", "sin", "tax_id", "pass", "password", "new-password", "passcode", "pwd", "pin", "otp",
      "security_code", "one-time-code", "verification_code", "verificationCode", "account_number", "accountNo", "national_id",
      "nationalInsuranceNumber", "dob", "date_of_birth", "birthdate", "sortcode", "sort_code",
    ];
    for (const n of denied) {
      expect(fieldKey("text", n), n).toBeUndefined();
      // A denied autocomplete or id wins over an allowed name, and over type=email.
      expect(fieldKey("text", "name", n), `name + ${n}`).toBeUndefined();
      expect(fieldKey("email", "email", "", n), `email + ${n}`).toBeUndefined();
    }
  });

  it("does not deny names that only contain a denied word's letters", () => {
    expect(fieldKey("text", "business_name", "company")).toBe("company");
    expect(fieldKey("text", "company", "org_since")).toBe("company");
    expect(fieldKey("text", "expert", "title")).toBe("title");
    expect(fieldKey("text", "country_code")).toBe("country");
    expect(fieldKey("text", "account_name", "company")).toBe("company");
  });

  it("reads names as words", () => {
    expect(words("ccNumber")).toBe("cc number");
    expect(words("0-1/first_name")).toBe("first name");
    expect(words("  E-Mail ")).toBe("e mail");
    expect(words(undefined)).toBe("undefined");
  });
});

describe("put: a trait's value as the worker takes it", () => {
  const one = (key: Parameters<typeof put>[1], value: unknown) => {
    const t: FormFields = {};
    put(t, key, value);
    return t;
  };

  it("trims, and leaves out empty values and missing keys", () => {
    expect(one("company", "  Acme  ")).toEqual({ company: "Acme" });
    expect(one("company", "   ")).toEqual({});
    expect(one("company", null)).toEqual({});
    expect(one("company", { toString: () => "x" })).toEqual({});
    expect(one(undefined, "Acme")).toEqual({});
  });

  it("lower-cases emails and leaves out what is no email", () => {
    expect(one("email", " Ada@Acme.COM ")).toEqual({ email: "ada@acme.com" });
    for (const bad of ["ada", "ada@acme", "ada@@acme.com", "a da@acme.com", ".ada@acme.com", "ada@acme.c"]) expect(one("email", bad)).toEqual({});
  });

  it("keeps a country only as an ISO alpha-2 code", () => {
    expect(one("country", "de")).toEqual({ country: "de" });
    expect(one("country", "Germany")).toEqual({});
  });

  it("cuts text at the worker's limits", () => {
    expect(one("title", "x".repeat(300)).title).toHaveLength(256);
    expect(one("phone", "1".repeat(100)).phone).toHaveLength(64);
  });

  it("keeps the first value of a key", () => {
    const t: FormFields = {};
    put(t, "email", "first@acme.com");
    put(t, "email", "second@acme.com");
    expect(t).toEqual({ email: "first@acme.com" });
  });

  it("gives only what the worker's FormFieldsSchema accepts", () => {
    const keys = ["email", "name", "firstName", "lastName", "company", "title", "companySize", "industry", "country", "phone"] as const;
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.oneof(fc.string(), fc.emailAddress(), fc.string({ minLength: 200, maxLength: 400 })), (key, value) => {
        const t: FormFields = {};
        put(t, key, value);
        expect(v.safeParse(FormFieldsSchema, t).success).toBe(true);
      }),
    );
  });
});

describe("traits: HubSpot's submitted values", () => {
  it("maps an object of values, dropping what is not allow-listed", () => {
    expect(traits({ email: "Legacy@Acme.com", jobtitle: "Director", firstname: "Ada", hs_context: "{}", password: "x", cc_num: "4242" })).toEqual({
      email: "legacy@acme.com",
      title: "Director",
      firstName: "Ada",
    });
  });

  it("maps a list of { name, value }", () => {
    expect(traits([{ name: "0-1/email", value: "ada@acme.com" }, { name: "0-1/number_of_employees", value: "51-200" }, { name: "0-1/lifecyclestage" }, null])).toEqual({
      email: "ada@acme.com",
      companySize: "51-200",
    });
  });

  it("gives nothing for nothing", () => {
    expect(traits(undefined)).toEqual({});
    expect(traits("x")).toEqual({});
  });
});
