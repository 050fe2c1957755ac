import { describe, expect, it } from "vitest";
import type { StageOrigin } from "../../../worker/src/domain/profile";
import { demotedStage, stagesTo, type Standing } from "../../../worker/src/objects/stages";
import { emptyState, type ScoringState, type Stage } from "../../../shared/rules";
import { defaults, T0 } from "../rules/helpers";

/** A profile at `stage` with fit 20 (a VP at a mid-size company) and `engagement` (a demo request's points). */
function standing(stage: Stage, engagement: number, traits: Record<string, string> = { email: "a@globex.com" }): Standing {
  const scoring: ScoringState = {
    ...emptyState(),
    traits,
    identified: { title_icp: "e1", company_size_icp: "e2" },
    rules: engagement ? { demo_request: { matches: 1, points: engagement, events: ["e3"], keys: [], periods: [] } } : {},
    lastActivityAt: T0,
  };
  return { stage, scoring, edgeCountry: null };
}

describe("stagesTo (scoring moves forward only)", () => {
  it("passes every stage on the way to mql, and nothing for a profile where it should be", () => {
    expect(stagesTo(standing("visitor", 40), defaults, T0)).toEqual(["lead", "mql"]);
    expect(stagesTo(standing("lead", 10), defaults, T0)).toEqual([]);
    expect(stagesTo(standing("mql", 0), defaults, T0)).toEqual([]);
    expect(stagesTo(standing("sql", 40), defaults, T0)).toEqual([]);
    expect(stagesTo(standing("visitor", 40, {}), defaults, T0)).toEqual([]); // anonymous: never an MQL
  });
});

describe("demotedStage (a rollback)", () => {
  const last = (stage: Stage, origin: StageOrigin) => ({ stage, origin });

  it("sends an MQL a rescore made, untouched since, back to lead when the rules no longer qualify it", () => {
    expect(demotedStage(standing("mql", 15), last("mql", "rescore"), defaults, T0)).toBe("lead");
  });

  it("keeps it when the restored rules qualify it", () => {
    expect(demotedStage(standing("mql", 30), last("mql", "rescore"), defaults, T0)).toBeNull();
  });

  it("never demotes an MQL its own events made, one sales moved, or another stage", () => {
    expect(demotedStage(standing("mql", 15), last("mql", "scoring"), defaults, T0)).toBeNull();
    expect(demotedStage(standing("mql", 15), last("mql", "feedback"), defaults, T0)).toBeNull();
    expect(demotedStage(standing("sql", 15), last("sql", "feedback"), defaults, T0)).toBeNull();
    expect(demotedStage(standing("lead", 15), last("lead", "rescore"), defaults, T0)).toBeNull();
    expect(demotedStage(standing("mql", 15), undefined, defaults, T0)).toBeNull();
  });
});
