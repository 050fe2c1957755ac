import { describe, expect, it } from "vitest";
import { emptyState, type ScoringState } from "../../../shared/rules";
import { reportsDue, type Told } from "../../../worker/src/objects/profile/accounts";
import type { ProfileRow } from "../../../worker/src/objects/profile-schema";
import { defaults, T0 } from "../rules/helpers";

const rules = { rulesVersion: 1, model: defaults, internalDomains: ["edgescore.dev"] };

function row(kind: ProfileRow["kind"], traits: Record<string, string>, engagement = 0, lead: string | null = null): ProfileRow {
  const scoring: ScoringState = {
    ...emptyState(),
    traits,
    rules: engagement ? { demo_request: { matches: 1, points: engagement, events: ["e1"], keys: [], periods: [] } } : {},
    lastActivityAt: T0,
  };
  return {
    kind, site: "acme", stage: kind === "lead" ? "lead" : "visitor", scoring, edgeCountry: null, firstSeenAt: T0, lastSeenAt: T0,
    mqlAt: null, lead, verified: false, inRegistry: false, inCohort: false, exportKey: null, folded: null,
    retentionDays: 395, rulesVersion: 1, mqlSlaDays: null,
  };
}

const business = { email: "ada@globex.com", emailDomain: "globex.com", emailType: "business", companySize: "201-500" };

describe("reportsDue (what a profile tells its accounts)", () => {
  it("tells a lead's business domain its state, with the first seq", () => {
    const due = reportsDue(row("lead", business), rules, [], T0);
    expect(due?.reports).toEqual([{ key: "domain:globex.com", report: JSON.stringify(due!.state), seq: 1 }]);
    expect(due?.state).toMatchObject({ kind: "lead", stage: "lead", traits: { companySize: "201-500" } });
  });

  it("tells nothing that was told already, and nothing for staff or free mail", () => {
    const due = reportsDue(row("lead", business), rules, [], T0)!;
    expect(reportsDue(row("lead", business), rules, due.reports, T0)).toBeNull();
    expect(reportsDue(row("lead", { ...business, emailDomain: "edgescore.dev" }), rules, [], T0)).toBeNull();
    expect(reportsDue(row("lead", { ...business, emailType: "free" }), rules, [], T0)).toBeNull();
  });

  it("joins an anonymous visitor to its company network from its first point of engagement", () => {
    expect(reportsDue(row("visitor", {}), rules, [], T0, "Globex Corporation")).toBeNull();
    const due = reportsDue(row("visitor", {}, 10), rules, [], T0, "Globex Corporation");
    expect(due?.reports.map((r) => r.key)).toEqual(["org:globex"]);
    expect(reportsDue(row("visitor", {}, 10), rules, [], T0, "Amazon.com, Inc.")).toBeNull(); // a cloud, not a company
  });

  it("leaves its accounts once the visitor gave an email, with the next seq", () => {
    const held: Told[] = [{ key: "org:globex", seq: 3, report: "{}" }, { key: "org:initech", seq: 1, report: null }];
    const due = reportsDue(row("visitor", {}, 10, "lead:acme:x"), rules, held, T0);
    expect(due?.reports).toEqual([{ key: "org:globex", report: null, seq: 4 }]);
  });
});
