import { describe, expect, it } from "vitest";
import { applyEvent, decaySteps, emptyState, nextDecayAt, recycle, replay, scoreOf, settleDecay } from "../../../shared/rules";
import { DAY, defaults, linesSum, pageview, rules, T0, track } from "./helpers";

const decay = { afterDays: 30, points: -10, everyDays: 30 };

describe("decaySteps", () => {
  it("falls due after afterDays, then every everyDays, up to and including now", () => {
    expect(decaySteps(T0, T0 + 30 * DAY - 1, decay)).toEqual([]);
    expect(decaySteps(T0, T0 + 30 * DAY, decay)).toEqual([T0 + 30 * DAY]);
    expect(decaySteps(T0, T0 + 95 * DAY, decay)).toEqual([T0 + 30 * DAY, T0 + 60 * DAY, T0 + 90 * DAY]);
    expect(decaySteps(T0, T0 + 20 * DAY, { afterDays: 7, points: -1, everyDays: 5 })).toEqual([
      T0 + 7 * DAY,
      T0 + 12 * DAY,
      T0 + 17 * DAY,
    ]);
  });

  it("has nothing due before any activity, or when now is earlier", () => {
    expect(decaySteps(null, T0, decay)).toEqual([]);
    expect(decaySteps(T0, T0 - 100 * DAY, decay)).toEqual([]);
  });
});

describe("inactivity decay", () => {
  // demo_request 25 + pricing_visit 15: engagement 40, last activity T0.
  const active = replay(defaults, [track("demo_request"), pageview("https://acme.com/pricing")], T0).state;

  it.each([
    [29, 40],
    [30, 30],
    [59, 30],
    [60, 20],
    [90, 10],
    [120, 0],
    [400, 0],
  ])("after %i days engagement is %i", (days, engagement) => {
    const scored = scoreOf(defaults, active, T0 + days * DAY);
    expect(scored.engagement).toBe(engagement);
    expect(linesSum(scored, "engagement")).toBe(engagement);
  });

  it("explains each loss with its time, and stops at 0", () => {
    const lines = scoreOf(defaults, active, T0 + 400 * DAY).explanation.filter((line) => line.rule === "decay");
    expect(lines).toEqual(
      [30, 60, 90, 120].map((days) => ({ rule: "decay", dimension: "engagement", points: -10, events: [], at: T0 + days * DAY })),
    );
  });

  it("never takes engagement below 0: the last loss is cut", () => {
    const { scored } = replay(defaults, [track("demo_request")], T0 + 200 * DAY);
    expect(scored.explanation.filter((line) => line.rule === "decay").map((line) => line.points)).toEqual([-10, -10, -5]);
    expect(scored.engagement).toBe(0);
    expect(scored.explanation.some((line) => line.rule === "floor")).toBe(false);
  });

  it("takes nothing from an engagement at or below 0", () => {
    const { scored } = replay(defaults, [track("email_unsubscribe")], T0 + 200 * DAY);
    expect(scored.explanation.map((line) => line.rule)).toEqual(["unsubscribed", "floor"]);
  });

  it("restarts its clock at each activity, keeping the losses of past gaps", () => {
    const state = JSON.parse(JSON.stringify(active)) as typeof active;
    applyEvent(defaults, state, pageview("https://acme.com/", { receivedAt: T0 + 45 * DAY }));
    expect(state.decay).toEqual([{ at: T0 + 30 * DAY, points: -10 }]);
    expect(scoreOf(defaults, state, T0 + 74 * DAY).engagement).toBe(30);
    expect(scoreOf(defaults, state, T0 + 75 * DAY).engagement).toBe(20);
  });

  it("does not count unscored events as activity", () => {
    const state = JSON.parse(JSON.stringify(active)) as typeof active;
    applyEvent(defaults, state, pageview("https://acme.com/", { receivedAt: T0 + 20 * DAY, scored: false }));
    expect(state.lastActivityAt).toBe(T0);
    expect(scoreOf(defaults, state, T0 + 30 * DAY).engagement).toBe(30);
  });

  it("computes each loss on the engagement sum at its moment", () => {
    const m = rules({ id: "visit", on: "pageview", points: 12 });
    const state = emptyState();
    applyEvent(m, state, pageview("https://acme.com/"));
    applyEvent(m, state, pageview("https://acme.com/", { receivedAt: T0 + 70 * DAY })); // −10, −2 first
    expect(state.decay.map((loss) => loss.points)).toEqual([-10, -2]);
    expect(scoreOf(m, state, T0 + 70 * DAY).engagement).toBe(12);
  });

  it("leaves fit alone", () => {
    const { scored } = replay(defaults, [pageview("https://acme.com/", { traits: { title: "CEO" } })], T0 + 365 * DAY);
    expect(scored).toMatchObject({ fit: 10, engagement: 0 });
  });
});

describe("settling decay (the profile's alarm)", () => {
  const events = [track("demo_request"), pageview("https://acme.com/pricing")];
  const fresh = () => replay(defaults, events, T0).state;

  it("writes the losses due into the state once: settling again, or scoring, adds nothing", () => {
    const state = fresh();
    expect(settleDecay(defaults, state, T0 + 30 * DAY)).toEqual([{ at: T0 + 30 * DAY, points: -10 }]);
    expect(settleDecay(defaults, state, T0 + 30 * DAY)).toEqual([]);
    expect(settleDecay(defaults, state, T0 + 59 * DAY)).toEqual([]);
    expect(settleDecay(defaults, state, T0 + 60 * DAY)).toEqual([{ at: T0 + 60 * DAY, points: -10 }]);
    expect(scoreOf(defaults, state, T0 + 60 * DAY).engagement).toBe(20);
    // The same figures as never settling at all.
    expect(scoreOf(defaults, state, T0 + 200 * DAY)).toEqual(scoreOf(defaults, fresh(), T0 + 200 * DAY));
  });

  it("keeps settled losses when activity resumes, and computes the next gap afresh", () => {
    const state = fresh();
    settleDecay(defaults, state, T0 + 30 * DAY);
    applyEvent(defaults, state, pageview("https://acme.com/", { receivedAt: T0 + 45 * DAY }));
    expect(state.decay).toEqual([{ at: T0 + 30 * DAY, points: -10 }]);
    expect(scoreOf(defaults, state, T0 + 75 * DAY).engagement).toBe(20);
  });

  it("names when the next loss falls due, and none once engagement is gone", () => {
    const state = fresh();
    expect(nextDecayAt(defaults, state, T0)).toBe(T0 + 30 * DAY);
    settleDecay(defaults, state, T0 + 30 * DAY);
    expect(nextDecayAt(defaults, state, T0 + 30 * DAY)).toBe(T0 + 60 * DAY);
    settleDecay(defaults, state, T0 + 400 * DAY);
    expect(nextDecayAt(defaults, state, T0 + 400 * DAY)).toBeNull();
    expect(nextDecayAt(defaults, emptyState(), T0)).toBeNull();
  });
});

describe("replay with recycling", () => {
  it("recycles where sales did, so a replay keeps engagement at what followed", () => {
    const events = [track("demo_request"), pageview("https://acme.com/pricing", { receivedAt: T0 + 2 * DAY })];
    const state = emptyState();
    applyEvent(defaults, state, events[0]!);
    recycle(defaults, state);
    applyEvent(defaults, state, events[1]!);
    const replayed = replay(defaults, events, T0 + 2 * DAY, [T0 + DAY]);
    expect(replayed.state).toEqual(state);
    expect(replayed.scored.engagement).toBe(15);
    expect(replay(defaults, events, T0 + 3 * DAY, [T0 + 3 * DAY]).scored.engagement).toBe(0);
  });
});
