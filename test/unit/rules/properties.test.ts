import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEvent, EVENT_TYPES, emptyState, replay, scoreOf, validateModel } from "../../../shared/rules";
import type { ProfileEvent, Replayed, ScoringModel, ScoringState } from "../../../shared/rules";
import { isCustomTrait, MAX_CUSTOM_TRAITS, MAX_TRAIT_NUMBER } from "../../../shared/traits";
import { DAY, defaults, linesSum, T0 } from "./helpers";

// Small vocabularies, so random events keep hitting the rules.
const URLS = ["https://acme.com/", "https://acme.com/pricing", "https://acme.com/plans/teams/", "https://acme.com/blog/a", "/pricing", "nonsense"];
const NAMES = ["demo_request", "email_open", "webinar_attended", "email_unsubscribe", "signup"];
const HREFS = ["/a.pdf", "/b.PDF", "https://cdn.acme.com/c.epub", "/d.docx?x=1", "/logo.png", "e.pptx"];
const TITLES = ["VP Marketing", "Engineer", "Head of Growth", "CTO", "Intern", ""];
const SIZES = ["1-10", "51-200", "201-500", "1,000+", "10,001+", "unknown"];
const EMAILS = ["ada@acme.com", "ada@gmail.com", "x@mailinator.com"];

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** A trait value as the wire takes it: text, a number (negative, fractional, at the bound), a boolean, or null (a removal). */
const traitValueArb = fc.oneof(
  fc.constantFrom(...TITLES, ...SIZES),
  fc.constantFrom(0, -0, 1000, 10_000_000, -5, 0.5, MAX_TRAIT_NUMBER, -MAX_TRAIT_NUMBER),
  fc.integer({ min: -MAX_TRAIT_NUMBER, max: MAX_TRAIT_NUMBER }),
  fc.double({ min: -MAX_TRAIT_NUMBER, max: MAX_TRAIT_NUMBER, noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
/** Keys of the site's own: more than a profile may hold, so the cap is reached. */
const CUSTOM_KEYS = ["annualRevenue", "trial", "constructor", ...Array.from({ length: 70 }, (_, i) => `k${i}`)];

const eventArb = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  gap: fc.oneof(fc.integer({ min: 0, max: 3_600_000 }), fc.integer({ min: 0, max: 70 * DAY })),
  url: maybe(fc.constantFrom(...URLS)),
  name: maybe(fc.constantFrom(...NAMES)),
  sid: maybe(fc.constantFrom("s1", "s2", "s3")),
  props: maybe(
    fc.record(
      { href: fc.constantFrom(...HREFS), webinar: fc.constantFrom("w1", "w2", "w3", "w4"), plan: fc.constantFrom("pro", "team", 3) },
      { requiredKeys: [] },
    ),
  ),
  traits: maybe(
    fc.record(
      {
        email: fc.constantFrom(...EMAILS),
        title: fc.oneof(fc.constantFrom(...TITLES), traitValueArb),
        companySize: fc.oneof(fc.constantFrom(...SIZES), traitValueArb),
        custom: fc.dictionary(fc.constantFrom(...CUSTOM_KEYS), traitValueArb, { maxKeys: 20 }),
      },
      { requiredKeys: [] },
    ).map(({ custom, ...named }) => ({ ...custom, ...named })),
  ),
  scored: fc.boolean(),
  claimed: maybe(fc.constant(true as const)),
});

/** Events with unique ids, in arrival order (receive times never go back). */
const eventsArb = fc.array(eventArb, { maxLength: 60, size: "large" }).map((drafts) => {
  let receivedAt = T0;
  return drafts.map(({ gap, ...draft }, i): ProfileEvent => {
    receivedAt += gap;
    const event: ProfileEvent = { id: `e${i}`, receivedAt, ts: receivedAt, ...draft };
    for (const key of ["url", "name", "sid", "props", "traits", "claimed"] as const) if (event[key] === undefined) delete event[key];
    return event;
  });
});

const pointsArb = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1000, max: 1000, noNaN: true }),
).filter((points) => points !== 0);

const conditionArb = fc.oneof(
  fc.constantFrom(...TITLES.filter(Boolean)),
  fc.record({ regex: fc.constantFrom("\\b(vp|head|cto)\\b", "^e", "o"), flags: fc.constantFrom("i", "") }),
  fc.record({ gte: fc.integer({ min: 0, max: 600 }), lte: fc.integer({ min: 500, max: 20_000 }) }, { requiredKeys: [] }).filter(
    (op) => Object.keys(op).length > 0,
  ),
  fc.record({ exists: fc.boolean() }),
  fc.record({ in: fc.subarray(["pro", "team", 3, "ada@acme.com", true, "false", 1000], { minLength: 1 }) }),
  fc.record({ gte: fc.constantFrom(10_000_000, -MAX_TRAIT_NUMBER, 0.5) }),
  fc.constantFrom(true, "true", 1000),
);

const eventRuleArb = fc.record(
  {
    on: fc.oneof(
      fc.constantFrom(...EVENT_TYPES.filter((t) => t !== "identify")),
      fc.subarray(EVENT_TYPES.filter((t) => t !== "identify"), { minLength: 1 }),
    ),
    match: fc.record(
      {
        path: fc.subarray(["/pricing", "/pricing/**", "/plans/**", "/*/a", "/**"], { minLength: 1 }),
        ext: fc.subarray(["pdf", "EPUB", "docx", "pptx"], { minLength: 1 }),
        name: fc.oneof(fc.constantFrom(...NAMES), fc.subarray(NAMES, { minLength: 1 })),
        "props.plan": conditionArb,
        "traits.companySize": conditionArb,
        sid: fc.record({ exists: fc.boolean() }),
      },
      { requiredKeys: [] },
    ),
    points: pointsArb,
    dimension: fc.constantFrom("fit", "engagement"),
    per: fc.constantFrom("ever", "day", "session"),
    unique: fc.constantFrom("props.href", "props.webinar", "sid", "traits.email"),
    cap: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0.001, max: 2000, noNaN: true })),
    minCount: fc.integer({ min: 1, max: 6 }),
  },
  { requiredKeys: ["on", "points"] },
);

const identifyRuleArb = fc.record(
  {
    on: fc.constantFrom("identify", ["identify", "form"]),
    match: fc.record(
      {
        "traits.title": conditionArb, "traits.companySize": conditionArb, "traits.emailType": conditionArb,
        "traits.annualRevenue": conditionArb, "traits.trial": conditionArb,
      },
      { requiredKeys: [] },
    ),
    points: pointsArb,
    dimension: fc.constantFrom("fit", "engagement"),
  },
  { requiredKeys: ["on", "points"] },
);

const modelArb: fc.Arbitrary<ScoringModel> = fc
  .record({
    rules: fc.array(fc.oneof(eventRuleArb, identifyRuleArb), { maxLength: 10 }),
    decay: fc.record({
      afterDays: fc.integer({ min: 1, max: 60 }),
      points: fc.oneof(fc.integer({ min: -50, max: 0 }), fc.double({ min: -1000, max: 0, noNaN: true })),
      everyDays: fc.integer({ min: 1, max: 60 }),
    }),
  })
  .map(({ rules, decay }) => {
    const checked = validateModel({
      thresholds: { total: 50, fit: 10, engagement: 20 },
      decay,
      rules: rules.map((rule, i) => ({ id: `r${i}`, ...rule })),
    });
    if (!checked.ok) throw new Error(`generated an invalid model: ${JSON.stringify(checked.issues)}`);
    return checked.value;
  });

const nowArb = fc.integer({ min: 0, max: 200 * DAY });

const scenarios = [
  ["the default model", fc.constant(defaults)],
  ["random valid models", modelArb],
] as const;

const lastTime = (events: ProfileEvent[]) => events.at(-1)?.receivedAt ?? T0;

describe.each(scenarios)("scoring properties over %s", (_, models) => {
  const run = (property: (model: ScoringModel, events: ProfileEvent[], now: number, result: Replayed) => void) =>
    fc.assert(
      fc.property(models, eventsArb, nowArb, (model, events, after) => {
        const now = lastTime(events) + after;
        property(model, events, now, replay(model, events, now));
      }),
      { numRuns: 300 },
    );

  it("produces no NaN or Infinity anywhere", () => {
    run((_model, _events, _now, { points, scored }) => {
      const numbers = [...points, scored.fit, scored.engagement, scored.total, ...scored.explanation.map((l) => l.points)];
      for (const n of numbers) expect(Number.isFinite(n)).toBe(true);
    });
  });

  it("keeps every rule's points within its cap", () => {
    run((model, _events, _now, { state, scored }) => {
      for (const rule of model.rules) {
        if (rule.cap === undefined) continue;
        const line = scored.explanation.find((l) => l.rule === rule.id);
        expect(Math.abs(line?.points ?? 0)).toBeLessThanOrEqual(rule.cap);
        expect(Math.abs(state.rules[rule.id]?.points ?? 0)).toBeLessThanOrEqual(rule.cap);
      }
    });
  });

  it("explains each dimension exactly, never below 0, and totals them", () => {
    run((_model, _events, _now, { scored }) => {
      expect(linesSum(scored, "fit")).toBe(scored.fit);
      expect(linesSum(scored, "engagement")).toBe(scored.engagement);
      expect(scored.fit).toBeGreaterThanOrEqual(0);
      expect(scored.engagement).toBeGreaterThanOrEqual(0);
      expect(scored.total).toBe(scored.fit + scored.engagement);
      expect(scored.explanation.every((line) => line.points !== 0)).toBe(true);
    });
  });

  it("gives what replay gives when applied one event at a time through JSON", () => {
    run((model, events, now, result) => {
      let state: ScoringState = emptyState();
      const points: number[] = [];
      for (const event of events) {
        state = JSON.parse(JSON.stringify(state)) as ScoringState;
        points.push(applyEvent(model, state, event));
      }
      state = JSON.parse(JSON.stringify(state)) as ScoringState;
      expect(state).toEqual(result.state);
      expect(points).toEqual(result.points);
      expect(scoreOf(model, state, now)).toEqual(result.scored);
    });
  });

  it("keeps traits as the wire gives them: texts, finite numbers within the bound, booleans; at most MAX_CUSTOM_TRAITS of the site's own", () => {
    run((_model, _events, _now, { state }) => {
      expect(Object.keys(state.traits).filter(isCustomTrait).length).toBeLessThanOrEqual(MAX_CUSTOM_TRAITS);
      for (const value of Object.values(state.traits)) {
        if (typeof value === "number") expect(Math.abs(value)).toBeLessThanOrEqual(MAX_TRAIT_NUMBER);
        else expect(["string", "boolean"]).toContain(typeof value);
      }
    });
  });

  it("answers the same for the same input, and scoring leaves the state as it was", () => {
    run((model, events, now, result) => {
      const before = JSON.stringify(result.state);
      expect(replay(model, events, now)).toEqual(result);
      scoreOf(model, result.state, now + 400 * DAY);
      expect(JSON.stringify(result.state)).toBe(before);
    });
  });
});
