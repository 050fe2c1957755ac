import { describe, expect, it } from "vitest";
import {
  companyTraits, DEFAULT_ACCOUNT_THRESHOLDS, deriveTraits, leadAccount, organizationAccount, scoreAccount, scoredAccountStage,
  type AccountMember,
} from "../../../shared/rules";
import { isDataCentre, organizationWords } from "../../../shared/rules/accounts";
import { defaults, model } from "./helpers";

const lead = (profile: string, engagement: number, traits: Record<string, string> = {}, stage: AccountMember["stage"] = "lead"): AccountMember =>
  ({ profile, kind: "lead", stage, engagement, traits });

describe("the account of a lead", () => {
  it.each([
    ["ada@acme.com", "domain:acme.com"],
    ["ada@eu.acme.com", "domain:eu.acme.com"],
    ["ada@gmail.com", null],
    ["ada@outlook.com", null],
    ["ada@mailinator.com", null],
    ["ada@staff.test", null],
    ["ada@", null],
    ["nobody", null],
  ])("of %s is %s", (email, account) => {
    expect(leadAccount(deriveTraits({ email }), ["staff.test"])).toBe(account);
  });

  it("has none without an email", () => {
    expect(leadAccount({ company: "Acme" }, [])).toBeNull();
  });
});

describe("the account of an anonymous visitor (asOrganization)", () => {
  it.each([
    ["Acme, Inc.", "org:acme"],
    ["ACME INC", "org:acme"],
    ["Acme Corporation", "org:acme"],
    ["Siemens AG", "org:siemens"],
    ["Société Générale S.A.", "org:societe generale"],
    ["Goldman Sachs & Co. LLC", "org:goldman sachs"],
    ["Procter & Gamble", "org:procter gamble"],
    ["Stanford University", "org:stanford university"],
    ["Palo Alto Networks", "org:palo alto networks"],
    ["Cloudera, Inc.", "org:cloudera"],
  ])("%s names a company: %s", (name, account) => {
    expect(organizationAccount(name)).toBe(account);
  });

  it.each([
    // well-known networks
    "Google LLC", "Amazon.com, Inc.", "AMAZON-02", "Microsoft Corporation", "Cloudflare, Inc.", "DigitalOcean, LLC",
    "Hetzner Online GmbH", "OVH SAS", "Akamai Technologies, Inc.", "AT&T Services, Inc.", "Verizon Business",
    "Hurricane Electric LLC", "Zscaler, Inc.", "Vodafone GmbH",
    // by their words
    "Comcast Cable Communications, LLC", "Charter Communications Inc", "T-Mobile USA, Inc.", "Deutsche Telekom AG",
    "China Telecom", "Acme Hosting Ltd", "Acme Cloud", "Acme Data Center", "Acme Broadband", "Acme Wireless",
    "Acme Internet Service Provider", "Cellco Partnership DBA Verizon Wireless",
    // nothing to go on
    "AS13335", "12345", "", "  ,. ",
  ])("%s is no company", (name) => {
    expect(organizationAccount(name)).toBeNull();
  });

  it("has none when the edge gives no organisation", () => {
    expect(organizationAccount(undefined)).toBeNull();
  });

  it("keeps a long name to its first 64 characters, whole words", () => {
    const words = organizationWords(`Acme ${"Holdings ".repeat(20)}Inc`);
    expect(words.join(" ").length).toBeLessThanOrEqual(64);
    expect(words[0]).toBe("acme");
    expect(organizationWords("x".repeat(100))).toEqual(["x".repeat(64)]);
  });
});

describe("a data centre's network (bot traffic, lib/bots.ts) among networks", () => {
  const dataCentre = (name: string) => isDataCentre(organizationWords(name));

  it.each([
    "Google LLC", "Amazon.com, Inc.", "AMAZON-02", "Microsoft Corporation", "DigitalOcean, LLC", "Hetzner Online GmbH",
    "OVH SAS", "Akamai Connected Cloud", "Mimecast Ltd", "Proofpoint, Inc.", "Acme Hosting Ltd", "Acme Cloud", "Acme Data Center",
  ])("%s is a data centre", (name) => {
    expect(dataCentre(name)).toBe(true);
    expect(organizationAccount(name)).toBeNull();
  });

  it.each([
    // ISPs and carriers: people at home and on their phones
    "Comcast Cable Communications, LLC", "Deutsche Telekom AG", "Vodafone GmbH", "T-Mobile USA, Inc.", "AT&T Services, Inc.",
    "Acme Broadband", "Acme Internet Service Provider", "Google Fiber Inc.",
    // relays and proxies that carry people: iCloud Private Relay, WARP, a company's web proxy
    "Cloudflare, Inc.", "Akamai Technologies, Inc.", "Fastly, Inc.", "Zscaler, Inc.",
  ])("%s carries people: a network, not a data centre", (name) => {
    expect(dataCentre(name)).toBe(false);
    expect(organizationAccount(name)).toBeNull();
  });

  it("a company's own network is neither", () => {
    expect(dataCentre("Initech Corporation")).toBe(false);
    expect(organizationAccount("Initech Corporation")).toBe("org:initech");
  });
});

describe("scoring an account", () => {
  const sized = { companySize: "201-500", emailDomain: "acme.com", emailType: "business" };

  it("sums its members' engagement, takes the best member's company fit, and qualifies at the default thresholds", () => {
    const members = ["a", "b", "c", "d", "e"].map((p) => lead(p, 15, p === "c" ? sized : { emailDomain: "acme.com" }));
    const scored = scoreAccount(defaults, members);
    expect(scored).toMatchObject({ fit: 10, engagement: 75, total: 85, qualifies: true });
    expect(scored.explanation).toEqual([
      ...["a", "b", "c", "d", "e"].map((member) => ({ rule: "member", dimension: "engagement", points: 15, member })),
      { rule: "company_size_icp", dimension: "fit", points: 10, member: "c" },
      { rule: "threshold", dimension: "fit", points: 0, threshold: DEFAULT_ACCOUNT_THRESHOLDS.fit },
      { rule: "threshold", dimension: "engagement", points: 0, threshold: DEFAULT_ACCOUNT_THRESHOLDS.engagement },
    ]);
    const sum = (dimension: string) => scored.explanation.filter((l) => l.dimension === dimension).reduce((s, l) => s + l.points, 0);
    expect([sum("fit"), sum("engagement")]).toEqual([scored.fit, scored.engagement]);
  });

  it("does not qualify below either threshold, and has a line only for the thresholds reached", () => {
    const four = scoreAccount(defaults, ["a", "b", "c", "d"].map((p) => lead(p, 15, sized)));
    expect(four).toMatchObject({ fit: 10, engagement: 60, qualifies: false });
    expect(four.explanation.filter((l) => l.rule === "threshold")).toEqual([{ rule: "threshold", dimension: "fit", points: 0, threshold: 10 }]);
    const unfit = scoreAccount(defaults, ["a", "b", "c", "d", "e", "f"].map((p) => lead(p, 15)));
    expect(unfit).toMatchObject({ fit: 0, engagement: 90, qualifies: false });
  });

  it("judges company rules only: a rule on the title is a person's, not a company's", () => {
    const scored = scoreAccount(defaults, [lead("a", 80, { title: "VP Marketing", companySize: "10" })]);
    expect(scored.fit).toBe(0);
    expect(scored.explanation.some((l) => l.rule === "title_icp")).toBe(false);
  });

  it("uses the model's accountThresholds, and lists the most engaged member first", () => {
    const strict = model({ ...defaults, accountThresholds: { fit: 0, engagement: 30 } });
    const scored = scoreAccount(strict, [lead("b", 10), lead("a", 20)]);
    expect(scored).toMatchObject({ fit: 0, engagement: 30, qualifies: true });
    expect(scored.explanation.map((l) => l.member ?? l.rule)).toEqual(["a", "b", "threshold", "threshold"]);
  });

  it("counts nothing of a disqualified member's engagement", () => {
    const scored = scoreAccount(defaults, [lead("a", 50, sized), lead("b", 40, sized, "disqualified")]);
    expect(scored).toMatchObject({ fit: 10, engagement: 50, qualifies: false });
  });

  it("floors a fit below 0 with a line, so the explanation still sums", () => {
    const negative = model({
      thresholds: { total: 0, fit: 0, engagement: 0 },
      rules: [{ id: "students", on: "identify", dimension: "fit", points: -15, match: { "traits.industry": "Education" } }],
    });
    const scored = scoreAccount(negative, [lead("a", 5, { industry: "education" })]);
    expect(scored.fit).toBe(0);
    expect(scored.explanation.filter((l) => l.dimension === "fit")).toEqual([
      { rule: "students", dimension: "fit", points: -15, member: "a" },
      { rule: "floor", dimension: "fit", points: 15 },
    ]);
  });

  it("has nothing of an empty account", () => {
    expect(scoreAccount(defaults, [])).toEqual({ fit: 0, engagement: 0, total: 0, explanation: [], qualifies: false });
  });

  it("moves an account forward only", () => {
    expect(scoredAccountStage("account", true)).toBe("mqa");
    expect(scoredAccountStage("account", false)).toBe("account");
    expect(scoredAccountStage("mqa", false)).toBe("mqa");
  });

  it("takes a profile's company traits only", () => {
    expect(companyTraits({ email: "ada@acme.com", title: "CTO", company: "Acme", companySize: "51-200", emailDomain: "acme.com", emailType: "business" }))
      .toEqual({ company: "Acme", companySize: "51-200", emailDomain: "acme.com", emailType: "business" });
  });
});
