import { describe, expect, it } from "vitest";
import { applyEvent, emptyState, qualifies, recycle, replay, scoreEvent, scoreOf } from "../../../shared/rules";
import { DAY, defaults, event, identify, lineOf, linesSum, model, pageview, rules, T0, track } from "./helpers";

describe("identify rules", () => {
  it("give their points while the traits match and take them back when they stop", () => {
    const state = emptyState();
    const first = identify({ email: "ada@acme.com", title: "VP Marketing" });
    expect(applyEvent(defaults, state, first)).toBe(10);
    expect(lineOf(scoreOf(defaults, state, T0), "title_icp")).toEqual({
      rule: "title_icp",
      dimension: "fit",
      points: 10,
      events: [first.id],
    });

    expect(applyEvent(defaults, state, identify({ title: "Engineer" }))).toBe(-10);
    expect(lineOf(scoreOf(defaults, state, T0), "title_icp")).toBeUndefined();
    expect(scoreOf(defaults, state, T0).fit).toBe(0);

    const again = identify({ title: "Director of Sales" });
    expect(applyEvent(defaults, state, again)).toBe(10);
    expect(lineOf(scoreOf(defaults, state, T0), "title_icp")?.events).toEqual([again.id]);
  });

  it("are judged after each change, a form's traits included, and give their points once", () => {
    const state = emptyState();
    expect(applyEvent(defaults, state, event("form", { traits: { email: "a@acme.com", companySize: "51-200" } }))).toBe(10);
    expect(applyEvent(defaults, state, identify({ companySize: "201-500" }))).toBe(0);
    expect(applyEvent(defaults, state, pageview("https://acme.com/"))).toBe(0);
    expect(applyEvent(defaults, state, identify({ companySize: "10,001+" }))).toBe(-10);
  });

  it("sum one event's gains and losses", () => {
    const state = emptyState();
    applyEvent(defaults, state, identify({ title: "CEO", companySize: "1-10" }));
    expect(applyEvent(defaults, state, identify({ title: "Analyst", companySize: "1,000" }))).toBe(0);
    expect(scoreOf(defaults, state, T0).explanation.map((line) => line.rule)).toEqual(["company_size_icp"]);
  });
});

describe("unscored events", () => {
  it("update the traits but score nothing; the next scored event is judged on them", () => {
    const state = emptyState();
    const bot = identify({ title: "VP Sales" }, { scored: false });
    expect(applyEvent(defaults, state, bot)).toBe(0);
    expect(applyEvent(defaults, state, track("demo_request", { scored: false }))).toBe(0);
    expect(state.traits.title).toBe("VP Sales");
    expect(state.lastActivityAt).toBeNull();
    expect(scoreOf(defaults, state, T0).total).toBe(0);

    const human = pageview("https://acme.com/");
    expect(applyEvent(defaults, state, human)).toBe(10);
    expect(lineOf(scoreOf(defaults, state, T0), "title_icp")?.events).toEqual([human.id]);
  });
});

describe("the floor", () => {
  const m = rules(
    { id: "unsub", on: "track", match: { name: "unsubscribe" }, points: -20, per: "ever" },
    { id: "demo", on: "track", match: { name: "demo" }, points: 25, per: "ever" },
  );

  it("applies to the sum, not along the way: −20 then +25 shows 5", () => {
    const { scored } = replay(m, [track("unsubscribe"), track("demo")], T0);
    expect(scored).toMatchObject({ fit: 0, engagement: 5, total: 5 });
    expect(lineOf(scored, "floor")).toBeUndefined();
    expect(linesSum(scored, "engagement")).toBe(5);
  });

  it("shows −20 alone as 0, with a +20 floor line", () => {
    const { scored } = replay(m, [track("unsubscribe")], T0);
    expect(scored).toMatchObject({ engagement: 0, total: 0 });
    expect(scored.explanation).toEqual([
      { rule: "unsub", dimension: "engagement", points: -20, events: [expect.any(String)] },
      { rule: "floor", dimension: "engagement", points: 20, events: [] },
    ]);
  });

  it("floors each dimension on its own", () => {
    const both = rules(
      { id: "junior", on: "identify", dimension: "fit", points: -15, match: { "traits.title": { regex: "intern", flags: "i" } } },
      { id: "visit", on: "pageview", points: 5 },
    );
    const { scored } = replay(both, [identify({ title: "Intern" }), pageview("https://acme.com/")], T0);
    expect(scored).toMatchObject({ fit: 0, engagement: 5, total: 5 });
    expect(lineOf(scored, "floor")).toEqual({ rule: "floor", dimension: "fit", points: 15, events: [] });
  });
});

describe("recycle", () => {
  it("sets engagement to 0 and restarts every engagement limit; fit stays", () => {
    const state = emptyState();
    const history = [
      identify({ email: "ada@acme.com", title: "VP", companySize: "200" }),
      track("demo_request"),
      pageview("https://acme.com/pricing"),
      pageview("https://acme.com/pricing", { receivedAt: T0 + DAY }),
      ...Array.from({ length: 5 }, () => track("email_open", { receivedAt: T0 + DAY })),
    ];
    for (const e of history) applyEvent(defaults, state, e);
    expect(scoreOf(defaults, state, T0 + DAY)).toMatchObject({ fit: 20, engagement: 60 });

    // Inactivity first, so a decay line exists to be cleared.
    applyEvent(defaults, state, pageview("https://acme.com/", { receivedAt: T0 + 40 * DAY }));
    recycle(defaults, state);
    const after = scoreOf(defaults, state, T0 + 40 * DAY);
    expect(after).toMatchObject({ fit: 20, engagement: 0, total: 20 });
    expect(after.explanation.map((line) => line.rule)).toEqual(["title_icp", "company_size_icp"]);

    const now = T0 + 41 * DAY;
    expect(applyEvent(defaults, state, track("demo_request", { receivedAt: now }))).toBe(25);
    expect(applyEvent(defaults, state, pageview("https://acme.com/pricing", { receivedAt: now }))).toBe(15);
    for (let i = 0; i < 4; i++) expect(applyEvent(defaults, state, track("email_open", { receivedAt: now }))).toBe(0);
    expect(applyEvent(defaults, state, track("email_open", { receivedAt: now }))).toBe(5);
  });

  it("clears engagement identify rules, given again at the next scored event", () => {
    const m = rules({ id: "subscriber", on: "identify", points: 5, match: { "traits.newsletter": "yes" } });
    const state = emptyState();
    applyEvent(m, state, identify({ newsletter: "yes" }));
    recycle(m, state);
    expect(scoreOf(m, state, T0).engagement).toBe(0);
    expect(applyEvent(m, state, pageview("https://acme.com/"))).toBe(5);
  });
});

describe("qualifies", () => {
  const m = model({
    thresholds: { total: 50, fit: 10, engagement: 20 },
    countries: { NG: { total: 40 }, JP: { fit: 0, engagement: 40 } },
    rules: [],
  });

  it("needs total, fit and engagement all at their thresholds", () => {
    expect(qualifies(m, { fit: 10, engagement: 40, total: 50 })).toBe(true);
    expect(qualifies(m, { fit: 9, engagement: 41, total: 50 })).toBe(false);
    expect(qualifies(m, { fit: 30, engagement: 19, total: 49 })).toBe(false);
    expect(qualifies(m, { fit: 25, engagement: 24, total: 49 })).toBe(false);
  });

  it("lets a country override any threshold, the others kept", () => {
    const score = { fit: 10, engagement: 30, total: 40 };
    expect(qualifies(m, score)).toBe(false);
    expect(qualifies(m, score, "NG")).toBe(true);
    expect(qualifies(m, score, "ng")).toBe(true);
    expect(qualifies(m, score, "DE")).toBe(false);
    expect(qualifies(m, { fit: 0, engagement: 40, total: 40 }, "NG")).toBe(false);
    expect(qualifies(m, { fit: 0, engagement: 50, total: 50 }, "JP")).toBe(true);
    expect(qualifies(m, score, "constructor")).toBe(false);
  });
});

describe("replay", () => {
  it("equals applying the events one by one, and scoreOf does not change the state", () => {
    const events = [identify({ email: "a@acme.com", title: "CTO" }), track("demo_request"), pageview("https://acme.com/plans")];
    const state = emptyState();
    const earned = events.map((e) => scoreEvent(defaults, state, e));
    const [points, reasons] = [earned.map((e) => e.points), earned.map((e) => e.reason ?? null)];
    const before = JSON.stringify(state);
    const scored = scoreOf(defaults, state, T0 + 100 * DAY);
    expect(JSON.stringify(state)).toBe(before);
    expect(replay(defaults, events, T0 + 100 * DAY)).toEqual({ state, points, reasons, scored });
  });
});
