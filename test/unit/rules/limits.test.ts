import { describe, expect, it } from "vitest";
import { applyEvent, emptyState, replay, scoreOf } from "../../../shared/rules";
import { DAY, event, lineOf, rules, T0, track } from "./helpers";

describe("rule limits", () => {
  it("gives points on every match when no limit is set", () => {
    const m = rules({ id: "ping", on: "track", match: { name: "ping" }, points: 2 });
    expect(replay(m, [track("ping"), track("ping"), track("other"), track("ping")], T0).points).toEqual([2, 2, 0, 2]);
  });

  it("cuts the last award to fit the cap", () => {
    const m = rules({ id: "big", on: "track", points: 25, cap: 30 });
    const { points, scored } = replay(m, [track("a"), track("b"), track("c")], T0);
    expect(points).toEqual([25, 5, 0]);
    expect(lineOf(scored, "big")?.points).toBe(30);
    expect(lineOf(scored, "big")?.events).toHaveLength(2);
  });

  it("caps negative rules in absolute value", () => {
    const m = rules({ id: "neg", on: "track", points: -20, cap: 30 });
    const { points, scored } = replay(m, [track("a"), track("b"), track("c")], T0);
    expect(points).toEqual([-20, -10, 0]);
    expect(lineOf(scored, "neg")?.points).toBe(-30);
  });

  it("gives points once per unique value, a missing value being one value", () => {
    const m = rules({ id: "plan", on: "track", points: 1, unique: "props.plan" });
    const events = [
      track("x", { props: { plan: "pro" } }),
      track("x", { props: { plan: "pro" } }),
      track("x", { props: { plan: "team" } }),
      track("x"),
      track("x", { props: { plan: "" } }),
    ];
    expect(replay(m, events, T0).points).toEqual([1, 0, 1, 1, 0]);
  });

  it("gives points once per UTC day of the receive time, across midnight", () => {
    const m = rules({ id: "daily", on: "pageview", points: 3, per: "day" });
    const midnight = Date.UTC(2026, 10, 21);
    const events = [
      event("pageview", { receivedAt: midnight - 3_600_000 }),
      event("pageview", { receivedAt: midnight - 1 }),
      event("pageview", { receivedAt: midnight, ts: midnight - 5 * DAY }),
      event("pageview", { receivedAt: midnight + 20 * 3_600_000 }),
      event("pageview", { receivedAt: midnight + DAY }),
    ];
    expect(replay(m, events, midnight + DAY).points).toEqual([3, 0, 3, 0, 3]);
  });

  it("gives points once per session; an event without one is its own session", () => {
    const m = rules({ id: "visit", on: "pageview", points: 1, per: "session" });
    const events = [
      event("pageview", { sid: "s1" }),
      event("pageview", { sid: "s1" }),
      event("pageview", { sid: "s2" }),
      event("pageview"),
      event("pageview"),
    ];
    expect(replay(m, events, T0).points).toEqual([1, 0, 1, 1, 1]);
  });

  it("gives points once ever", () => {
    const m = rules({ id: "once", on: "track", points: 7, per: "ever" });
    expect(replay(m, [track("a"), track("b")], T0).points).toEqual([7, 0]);
  });

  it("gives nothing before minCount matches, then every match when no period is set", () => {
    const m = rules({ id: "third", on: "track", match: { name: "open" }, points: 1, minCount: 3 });
    const events = [track("open"), track("other"), track("open"), track("open"), track("open")];
    expect(replay(m, events, T0).points).toEqual([0, 0, 0, 1, 1]);
  });

  it("uses up a unique value or a period only when it gives points", () => {
    const m = rules({ id: "dl", on: "track", points: 1, unique: "props.file", minCount: 2 });
    expect(replay(m, [track("x", { props: { file: "a" } }), track("x", { props: { file: "a" } })], T0).points).toEqual([0, 1]);
  });

  it("reads traits.* of the profile after the event's own traits are merged", () => {
    const m = rules({ id: "biz", on: ["form", "pageview"], points: 4, match: { "traits.emailType": "business" }, per: "ever" });
    const state = emptyState();
    expect(applyEvent(m, state, event("pageview"))).toBe(0);
    expect(applyEvent(m, state, event("form", { traits: { email: "ada@acme.com" } }))).toBe(4);
    expect(scoreOf(m, state, T0).engagement).toBe(4);
  });

  it("keeps rule ids that are also Object.prototype names apart from it", () => {
    const m = rules(
      { id: "constructor", on: "track", points: 1 },
      { id: "toString", on: "identify", points: 2, match: { "traits.title": { exists: true } } },
    );
    const { state, scored } = replay(m, [track("a"), event("identify", { traits: { title: "CEO" } })], T0);
    expect(scored.explanation.map((line) => [line.rule, line.points])).toEqual([
      ["constructor", 1],
      ["toString", 2],
    ]);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});
