import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL, validateModel } from "../../../shared/rules";

const base = { thresholds: { total: 50, fit: 10, engagement: 20 } };

function issuesOf(input: unknown) {
  const checked = validateModel(input);
  if (checked.ok) throw new Error("expected the model to be refused");
  return checked.issues;
}

describe("validateModel", () => {
  it("accepts the default model unchanged, filling each rule's dimension", () => {
    const before = JSON.parse(JSON.stringify(DEFAULT_MODEL)) as typeof DEFAULT_MODEL;
    const checked = validateModel(DEFAULT_MODEL);
    expect(checked.ok).toBe(true);
    expect(DEFAULT_MODEL).toEqual(before);
    const filled = { ...DEFAULT_MODEL, rules: DEFAULT_MODEL.rules.map((rule) => ({ dimension: "engagement", ...rule })) };
    expect(checked.ok && checked.value).toEqual(filled);
  });

  it("fills countries and decay when absent", () => {
    const checked = validateModel({ ...base, rules: [] });
    expect(checked).toEqual({
      ok: true,
      value: { ...base, countries: {}, decay: { afterDays: 30, points: -10, everyDays: 30 }, rules: [] },
    });
  });

  it("answers one issue per bad field, naming each", () => {
    const issues = issuesOf({
      thresholds: { total: -1, fit: 10, engagement: 20 },
      rules: [
        { id: "ok", on: "track", points: 5 },
        { id: "bad id!", on: "track", points: 0, match: { "traits.title": { regex: "(" } } },
      ],
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      ["rules[1].id", "rules[1].match.traits.title.regex", "rules[1].points", "thresholds.total"].sort(),
    );
  });

  it("gives a field failing several checks one issue", () => {
    const issues = issuesOf({ ...base, rules: [{ id: "a", on: "track", points: 1, minCount: 0.5 }] });
    expect(issues).toEqual([{ path: "rules[0].minCount", message: expect.any(String) }]);
  });

  it("names every unknown key, at the top, in rules, in match and in operators", () => {
    const issues = issuesOf({
      ...base,
      extra: 1,
      more: 2,
      rules: [{ id: "a", on: "track", points: 1, oops: 1, match: { "traits.x": { equalz: 1, equals: 1 }, bogus: 1 } }],
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      ["extra", "more", "rules[0].oops", "rules[0].match.traits.x.equalz", "rules[0].match.bogus"].sort(),
    );
    expect(issues.find((issue) => issue.path === "more")?.message).toContain('"more"');
  });

  it.each([
    ["a reserved id", { id: "floor", on: "track", points: 1 }, "rules[0].id"],
    ["an unknown event type", { id: "a", on: ["track", "click"], points: 1 }, "rules[0].on[1]"],
    ["an empty on list", { id: "a", on: [], points: 1 }, "rules[0].on"],
    ["points out of range", { id: "a", on: "track", points: 1001 }, "rules[0].points"],
    ["a non-finite points", { id: "a", on: "track", points: Infinity }, "rules[0].points"],
    ["an unknown dimension", { id: "a", on: "track", points: 1, dimension: "intent" }, "rules[0].dimension"],
    ["an unknown period", { id: "a", on: "track", points: 1, per: "week" }, "rules[0].per"],
    ["a unique that is no field path", { id: "a", on: "track", points: 1, unique: "href" }, "rules[0].unique"],
    ["a cap of 0", { id: "a", on: "track", points: 1, cap: 0 }, "rules[0].cap"],
    ["a fractional minCount", { id: "a", on: "track", points: 1, minCount: 1.5 }, "rules[0].minCount"],
    ["a path without /", { id: "a", on: "pageview", points: 1, match: { path: ["/ok", "pricing"] } }, "rules[0].match.path[1]"],
    ["a long path", { id: "a", on: "pageview", points: 1, match: { path: `/${"a".repeat(256)}` } }, "rules[0].match.path"],
    ["a dotted extension", { id: "a", on: "download", points: 1, match: { ext: ".pdf" } }, "rules[0].match.ext"],
    ["an empty name list", { id: "a", on: "track", points: 1, match: { name: [] } }, "rules[0].match.name"],
    ["a bad field path", { id: "a", on: "track", points: 1, match: { "props.": "x" } }, "rules[0].match.props."],
    ["an empty operator", { id: "a", on: "track", points: 1, match: { "props.x": {} } }, "rules[0].match.props.x"],
    ["an empty in", { id: "a", on: "track", points: 1, match: { "props.x": { in: [] } } }, "rules[0].match.props.x.in"],
    ["bad regex flags", { id: "a", on: "track", points: 1, match: { "props.x": { regex: "a", flags: "g" } } }, "rules[0].match.props.x.flags"],
    ["a long regex", { id: "a", on: "track", points: 1, match: { "props.x": { regex: "a".repeat(257) } } }, "rules[0].match.props.x.regex"],
    ["a non-boolean exists", { id: "a", on: "track", points: 1, match: { "props.x": { exists: "yes" } } }, "rules[0].match.props.x.exists"],
    ["a list as a plain value", { id: "a", on: "track", points: 1, match: { "props.x": ["a"] } }, "rules[0].match.props.x"],
    ["an identify rule on an event field", { id: "a", on: "identify", points: 1, match: { "props.x": "y" } }, "rules[0].match.props.x"],
  ])("refuses %s", (_, rule, path) => {
    expect(issuesOf({ ...base, rules: [rule] }).map((issue) => issue.path)).toEqual([path]);
  });

  it("refuses a duplicate rule id at the second rule", () => {
    const issues = issuesOf({ ...base, rules: [{ id: "a", on: "track", points: 1 }, { id: "a", on: "form", points: 2 }] });
    expect(issues).toEqual([{ path: "rules[1].id", message: 'duplicate rule id "a"' }]);
  });

  it("refuses bad thresholds, countries and decay", () => {
    const issues = issuesOf({
      thresholds: { total: 50, fit: Number.NaN },
      countries: { ng: { total: 40 }, DE: { fit: -1 } },
      decay: { afterDays: 0, points: 5, everyDays: 3651 },
      rules: [],
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        "thresholds.fit",
        "thresholds.engagement",
        "countries.ng",
        "countries.DE.fit",
        "decay.afterDays",
        "decay.points",
        "decay.everyDays",
      ].sort(),
    );
  });

  it("takes accountThresholds, checked like thresholds, and fills nothing when they are absent", () => {
    const accountThresholds = { fit: 5, engagement: 60 };
    expect(validateModel({ ...base, accountThresholds, rules: [] })).toMatchObject({ ok: true, value: { accountThresholds } });
    const absent = validateModel({ ...base, rules: [] });
    expect(absent.ok && "accountThresholds" in absent.value).toBe(false);
    const issues = issuesOf({ ...base, accountThresholds: { fit: -1, engagement: "75", total: 50 }, rules: [] });
    expect(issues.map((issue) => issue.path).sort()).toEqual(["accountThresholds.engagement", "accountThresholds.fit", "accountThresholds.total"]);
    expect(issuesOf({ ...base, accountThresholds: { fit: 10 }, rules: [] }).map((issue) => issue.path)).toEqual(["accountThresholds.engagement"]);
  });

  it("refuses more than 200 rules", () => {
    const many = Array.from({ length: 201 }, (_, i) => ({ id: `r${i}`, on: "track", points: 1 }));
    expect(issuesOf({ ...base, rules: many }).map((issue) => issue.path)).toEqual(["rules"]);
  });

  it.each([null, undefined, 5, "model", [], { rules: "x" }, { thresholds: [], rules: [5, null, "x"] }])(
    "answers issues, never throws, for %j",
    (input) => {
      expect(issuesOf(input).length).toBeGreaterThan(0);
    },
  );
});
