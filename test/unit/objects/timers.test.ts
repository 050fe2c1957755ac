import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../../shared/rules";
import { FORWARD_RETRY_MS, forwardDue, nextWake, slaDue, type WakeInputs } from "../../../worker/src/objects/profile/timers";
import type { ProfileRow } from "../../../worker/src/objects/profile-schema";

const NOW = 1_763_800_000_000;

type Timed = Parameters<typeof nextWake>[0] & Pick<ProfileRow, "kind">;
const visitor: Timed = { kind: "visitor", lead: null, stage: "visitor", mqlAt: null, mqlSlaDays: null, retentionDays: 30, inCohort: false };
const lead: Timed = { ...visitor, kind: "lead", stage: "lead" };

/** Inputs with nothing due; `asked` lists what was asked, for the timers that must not ask. */
function inputs(over: Partial<WakeInputs> = {}, asked: string[] = []): WakeInputs {
  const ask = <T>(name: string, value: T) => () => (asked.push(name), value);
  return {
    decayAt: ask("decayAt", null), unsent: ask("unsent", false), forwardAt: ask("forwardAt", NOW + FORWARD_RETRY_MS), oldestArrival: ask("oldestArrival", null),
    lastStageOrigin: ask("lastStageOrigin", undefined), outboxDue: ask("outboxDue", null), ...over,
  };
}

describe("nextWake (one alarm for every timer)", () => {
  it("is null when nothing is due, and for an object that holds nothing but its outbox", () => {
    expect(nextWake(visitor, NOW, inputs())).toBeNull();
    expect(nextWake(null, NOW, inputs())).toBeNull();
    expect(nextWake(null, NOW, inputs({ outboxDue: () => NOW + 5 }))).toBe(NOW + 5);
  });

  it("takes the earliest timer that is due", () => {
    const all = inputs({ decayAt: () => NOW + 3 * DAY_MS, oldestArrival: () => NOW - 29 * DAY_MS, outboxDue: () => NOW + 2 * DAY_MS });
    expect(nextWake(lead, NOW, all)).toBe(NOW + DAY_MS);
  });

  it("retries a visitor's forward, only when it gave an email and has unsent events", () => {
    const asked: string[] = [];
    expect(nextWake(visitor, NOW, inputs({ unsent: () => true }, asked))).toBeNull();
    expect(asked).not.toContain("unsent");
    expect(nextWake({ ...visitor, lead: "lead:s:x" }, NOW, inputs({ unsent: () => true }))).toBe(NOW + FORWARD_RETRY_MS);
  });

  it("forwards a claimed browser's events just after its answer, a verified one's or after a failure only as a retry", () => {
    expect(forwardDue(false, false, NOW, NOW + 5)).toBe(NOW + 105);
    expect(forwardDue(true, false, NOW, NOW + 5)).toBe(NOW + FORWARD_RETRY_MS);
    expect(forwardDue(false, true, NOW, NOW + 5)).toBe(NOW + FORWARD_RETRY_MS);
  });

  it("asks a lead's decay, never a visitor's; a visitor in its cohort leaves retention to it", () => {
    const asked: string[] = [];
    expect(nextWake({ ...visitor, inCohort: true }, NOW, inputs({ decayAt: () => NOW, oldestArrival: () => NOW }, asked))).toBeNull();
    expect(asked).not.toContain("decayAt");
    expect(asked).not.toContain("oldestArrival");
    expect(nextWake(lead, NOW, inputs({ decayAt: () => NOW + 7 }))).toBe(NOW + 7);
  });
});

describe("slaDue (an MQL's service level)", () => {
  const mql = { ...lead, stage: "mql" as const, mqlAt: NOW, mqlSlaDays: 3 };

  it("runs out mqlSlaDays after the lead qualified", () => {
    expect(slaDue(mql, () => "scoring")).toBe(NOW + 3 * DAY_MS);
    expect(nextWake(mql, NOW, inputs({ lastStageOrigin: () => "rescore" }))).toBe(NOW + 3 * DAY_MS);
  });

  it("is null once sales touched the MQL, without a limit, or for no MQL", () => {
    expect(slaDue(mql, () => "feedback")).toBeNull();
    expect(slaDue({ ...mql, mqlSlaDays: null }, () => "scoring")).toBeNull();
    expect(slaDue({ ...mql, stage: "sql" }, () => "scoring")).toBeNull();
    expect(slaDue({ ...mql, kind: "visitor" }, () => "scoring")).toBeNull();
  });
});
