import { describe, expect, it } from "vitest";
import { publicStage, scoredStage, STAGES, type Stage } from "../../../shared/rules";

describe("scoredStage", () => {
  it.each<[Stage, boolean, boolean, Stage]>([
    ["visitor", false, false, "visitor"],
    ["visitor", false, true, "visitor"], // anonymous: never an MQL, however engaged
    ["visitor", true, false, "lead"],
    ["visitor", true, true, "mql"],
    ["lead", true, false, "lead"],
    ["lead", true, true, "mql"],
    ["lead", false, true, "lead"],
    ["mql", true, false, "mql"], // forward only
    ["sql", true, true, "sql"],
    ["opportunity", true, false, "opportunity"],
    ["customer", true, false, "customer"],
    ["disqualified", true, true, "disqualified"],
  ])("%s with email %s, qualifying %s → %s", (current, hasEmail, qualifies, expected) => {
    let asked = false;
    expect(scoredStage(current, { hasEmail, qualifies: () => (asked = true) && qualifies })).toBe(expected);
    // Whether it qualifies is asked only where it could move the stage.
    expect(asked).toBe(hasEmail && (current === "visitor" || current === "lead"));
  });
});

describe("publicStage", () => {
  const defaults: Stage[] = ["visitor", "lead", "mql"];

  it.each<[Stage, Stage[], Stage]>([
    ["visitor", defaults, "visitor"],
    ["lead", defaults, "lead"],
    ["mql", defaults, "mql"],
    ["sql", defaults, "mql"],
    ["opportunity", defaults, "mql"],
    ["customer", defaults, "mql"],
    ["disqualified", defaults, "lead"],
    ["customer", ["visitor", "lead", "mql", "sql"], "sql"],
    ["customer", [...STAGES], "customer"],
    ["disqualified", [...STAGES], "disqualified"],
    ["disqualified", ["visitor", "mql"], "visitor"],
    ["sql", ["visitor", "lead"], "lead"],
    ["lead", ["mql"], "visitor"],
  ])("%s among %j shows as %s", (stage, publicStages, expected) => {
    expect(publicStage(stage, publicStages)).toBe(expected);
  });
});
