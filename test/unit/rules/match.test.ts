import { describe, expect, it } from "vitest";
import { listens } from "../../../shared/rules/event-types";
import { holds, matches } from "../../../shared/rules/match";
import type { Condition, Match } from "../../../shared/rules";
import { extensionOf, hrefPath, urlPath } from "../../../shared/rules/url";
import { download, event, pageview, track } from "./helpers";

describe("holds", () => {
  it.each<[Condition, unknown, boolean]>([
    ["VP", "vp", true],
    ["VP", "VP Sales", false],
    [5, "5", true],
    [true, "TRUE", true],
    [{ equals: "Acme" }, "ACME", true],
    [{ equals: "Acme" }, "Acme Inc", false],
    [{ equals: 200 }, 200, true],
    [{ in: ["de", "fr"] }, "FR", true],
    [{ in: ["de", "fr"] }, "it", false],
    [{ regex: "^head of" }, "Head of Sales", false],
    [{ regex: "^head of", flags: "i" }, "Head of Sales", true],
    [{ regex: "sales$", flags: "i" }, "Head of Sales", true],
    [{ gte: 50 }, "51-200", true],
    [{ gte: 50 }, "11-50", false],
    [{ lte: 5000 }, "1,000+", true],
    [{ lte: 5000 }, "10,001+", false],
    [{ gte: 50, lte: 5000 }, "5000", true],
    [{ gte: 50, lte: 5000 }, 5001, false],
    [{ gte: 1 }, "n/a", false],
    [{ exists: true }, "x", true],
    [{ exists: true }, 0, true],
    [{ exists: false }, "x", false],
    [{ equals: "a", in: ["a", "b"] }, "a", true],
    // Number and boolean traits: numbers read directly, text matchers read their decimal text.
    [{ gte: 10_000_000 }, 25_000_000, true],
    [{ lte: -1 }, -1e15, true],
    [{ gte: 50, lte: 5000 }, 1000, true],
    [{ equals: "1000" }, 1000, true],
    [{ in: ["10", 2.5] }, 2.5, true],
    [{ regex: "^1000$" }, 1000, true],
    [{ regex: "^-0\\.5$" }, -0.5, true],
    [{ equals: "1000000000000000" }, 1e15, true],
    [true, true, true],
    [{ equals: "true" }, true, true],
    [{ equals: false }, false, true],
    [{ in: ["false"] }, true, false],
    [{ regex: "^t" }, true, true],
    [{ exists: true }, false, true],
    [{ gte: 0 }, true, false],
    [{ equals: "a", in: ["b"] }, "a", false],
  ])("%j on %j → %s", (condition, value, expected) => {
    expect(holds(condition, value)).toBe(expected);
  });

  it.each([undefined, null, ""])("a missing value (%j) fails every operator but exists: false", (missing) => {
    const failing: Condition[] = ["", { equals: "" }, { in: [""] }, { regex: ".*" }, { gte: -1e9 }, { lte: 1e9 }, { exists: true }];
    for (const condition of failing) expect(holds(condition, missing)).toBe(false);
    expect(holds({ exists: false }, missing)).toBe(true);
  });

  it("runs a regex on the first 256 characters only", () => {
    expect(holds({ regex: "x" }, `${"a".repeat(255)}x`)).toBe(true);
    expect(holds({ regex: "x" }, `${"a".repeat(256)}x`)).toBe(false);
  });
});

describe("url parts", () => {
  it("takes the path of absolute URLs only", () => {
    expect(urlPath("https://acme.com/pricing?utm_source=x#plans")).toBe("/pricing");
    expect(urlPath("https://acme.com")).toBe("/");
    expect(urlPath("/pricing")).toBeUndefined();
    expect(urlPath("not a url")).toBeUndefined();
  });

  it("takes the path of absolute and relative links", () => {
    expect(hrefPath("https://cdn.acme.com/files/a.pdf?dl=1")).toBe("/files/a.pdf");
    expect(hrefPath("//cdn.acme.com/b.pdf")).toBe("/b.pdf");
    expect(hrefPath("../files/c.pdf#page=2")).toBe("../files/c.pdf");
  });

  it("reads the extension of the last segment, lower-cased", () => {
    expect(extensionOf("/files/Report.Q3.PDF")).toBe("pdf");
    expect(extensionOf("/files.d/readme")).toBeUndefined();
  });
});

describe("listens", () => {
  it("accepts a type or a list", () => {
    expect(listens("track", "track")).toBe(true);
    expect(listens(["pageview", "track"], "track")).toBe(true);
    expect(listens(["pageview"], "track")).toBe(false);
  });
});

describe("matches", () => {
  const noTraits = {};

  it("holds with no match at all", () => {
    expect(matches(undefined, track("x"), noTraits)).toBe(true);
  });

  it("matches globs on the path of the event's url; an unparseable or missing url never matches", () => {
    const match: Match = { path: ["/pricing", "/pricing/**"] };
    expect(matches(match, pageview("https://acme.com/pricing/?utm_source=ads"), noTraits)).toBe(true);
    expect(matches(match, pageview("https://acme.com/pricing/teams"), noTraits)).toBe(true);
    expect(matches(match, pageview("https://acme.com/blog/pricing"), noTraits)).toBe(false);
    expect(matches(match, pageview("/pricing"), noTraits)).toBe(false);
    expect(matches(match, event("pageview"), noTraits)).toBe(false);
  });

  it("matches the extension of props.href case-insensitively, relative links included", () => {
    const match: Match = { ext: ["pdf", "DOCX"] };
    expect(matches(match, download("/files/guide.PDF"), noTraits)).toBe(true);
    expect(matches(match, download("guide.docx?v=2"), noTraits)).toBe(true);
    expect(matches(match, download("https://cdn.acme.com/logo.png"), noTraits)).toBe(false);
    expect(matches(match, download("https://acme.com/pdf"), noTraits)).toBe(false);
    expect(matches(match, event("download", { props: { href: 5 } }), noTraits)).toBe(false);
  });

  it("matches the event name against one name or a list, case-insensitively", () => {
    expect(matches({ name: "demo_request" }, track("Demo_Request"), noTraits)).toBe(true);
    expect(matches({ name: ["a", "b"] }, track("b"), noTraits)).toBe(true);
    expect(matches({ name: ["a", "b"] }, track("c"), noTraits)).toBe(false);
    expect(matches({ name: "a" }, pageview("https://acme.com/"), noTraits)).toBe(false);
  });

  it("reads traits.* from the profile and other fields from the event; all conditions must hold", () => {
    const match: Match = { name: "signup", "traits.emailType": "business", "props.plan": { in: ["pro", "team"] } };
    const signup = track("signup", { props: { plan: "pro" }, traits: { emailType: "free" } });
    expect(matches(match, signup, { emailType: "business" })).toBe(true);
    expect(matches(match, signup, { emailType: "free" })).toBe(false);
    expect(matches(match, track("signup", { props: { plan: "free" } }), { emailType: "business" })).toBe(false);
    expect(matches({ sid: { exists: false } }, track("x"), noTraits)).toBe(true);
    expect(matches({ sid: { exists: false } }, track("x", { sid: "s" }), noTraits)).toBe(false);
  });
});
