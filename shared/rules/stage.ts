import { FUNNEL, type Stage } from "../stages";

/**
 * The stage scoring moves a profile to. Scoring only moves forward: a visitor with an email
 * becomes a lead, a lead that qualifies an MQL (never an anonymous profile, however engaged);
 * the stages sales set (sql, opportunity, customer, disqualified) are never changed.
 * `qualifies` is asked only where the answer matters: scoring a profile is work, done per event.
 */
export function scoredStage(current: Stage, { hasEmail, qualifies }: { hasEmail: boolean; qualifies: () => boolean }): Stage {
  if (!hasEmail || (current !== "visitor" && current !== "lead")) return current;
  return qualifies() ? "mql" : "lead";
}

/**
 * The stage as a browser may see it: the stage itself when public, else the highest public
 * stage below it in the funnel; `disqualified` shows as `lead` would. `visitor` when none is.
 */
export function publicStage(stage: Stage, publicStages: readonly Stage[]): Stage {
  if (publicStages.includes(stage)) return stage;
  if (stage === "disqualified") return publicStage("lead", publicStages);
  const below = FUNNEL.slice(0, FUNNEL.indexOf(stage));
  return below.findLast((s) => publicStages.includes(s)) ?? "visitor";
}

/** An MQL or any stage sales move it on to: what the export keeps and `mql: true` means. */
export function isQualified(stage: Stage): boolean {
  return stage === "mql" || stage === "sql" || stage === "opportunity" || stage === "customer";
}
