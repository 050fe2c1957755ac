import { describe, expect, it } from "vitest";
import { emptyState, replay, scoreEvent } from "../../../shared/rules";
import { identify, pageview, rules, T0, track } from "./helpers";

describe("why an event gave no points", () => {
  it("says no rule matched, a cap was reached, or another limit held", () => {
    const m = rules(
      { id: "pricing", on: "pageview", match: { path: "/pricing" }, points: 10, cap: 10 },
      { id: "demo", on: "track", match: { name: "demo" }, points: 5, per: "ever" },
      { id: "trial", on: "track", match: { name: "trial" }, points: 5, minCount: 2 },
    );
    const events = [
      pageview("https://acme.com/pricing"), pageview("https://acme.com/pricing"), pageview("https://acme.com/blog"),
      track("demo"), track("demo"), track("trial"), track("trial"),
    ];
    expect(replay(m, events, T0).reasons).toEqual([null, "cap", "no_rule", null, "limit", "limit", null]);
  });

  it("passes on why an event was recorded without scoring, and `unknown` when that was not kept", () => {
    const m = rules({ id: "any", on: "pageview", points: 1 });
    const state = emptyState();
    expect(scoreEvent(m, state, pageview("https://acme.com/", { scored: false, notScored: "bot" }))).toEqual({ points: 0, reason: "bot" });
    expect(scoreEvent(m, state, pageview("https://acme.com/", { scored: false, notScored: "staff" }))).toEqual({ points: 0, reason: "staff" });
    expect(scoreEvent(m, state, pageview("https://acme.com/", { scored: false }))).toEqual({ points: 0, reason: "unknown" });
    expect(scoreEvent(m, state, pageview("https://acme.com/"))).toEqual({ points: 1 });
  });

  it("counts an identify rule already given as a limit, and a page view after it as matching no rule", () => {
    const m = rules({ id: "vp", on: "identify", match: { "traits.title": { regex: "^VP" } }, points: 10 });
    // A server event carries the email as a trait: still no identify event.
    const later = pageview("https://acme.com/", { traits: { email: "ada@acme.com" } });
    const { reasons, points } = replay(m, [identify({ title: "VP Sales" }), identify({ title: "VP Marketing" }), later], T0);
    expect(points).toEqual([10, 0, 0]);
    expect(reasons).toEqual([null, "limit", "no_rule"]);
  });

  it("gives no reason when rules did score the event, their points cancelling out", () => {
    const m = rules(
      { id: "plus", on: "track", points: 5 },
      { id: "minus", on: "track", points: -5 },
    );
    expect(scoreEvent(m, emptyState(), track("x"))).toEqual({ points: 0 });
  });
});
