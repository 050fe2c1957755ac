/**
 * A profile's timers, pure: one alarm serves them all (docs/architecture.md,
 * Decisions), set at the earliest that is due. What needs a query comes as a
 * function, asked only of a profile the timer applies to.
 */
import { DAY_MS } from "../../../../shared/rules";
import type { ProfileRow } from "../profile-schema";
import type { StageOrigin } from "../../domain/profile";

/** A failed forward to a lead is retried by the alarm after this long. */
export const FORWARD_RETRY_MS = 30_000;
/** How long after a claimed browser's answer its events leave for the lead (docs/api.md, Trust model). */
const CLAIM_FORWARD_DELAY_MS = 100;

/** What the timers ask of a profile's storage and rules, when they apply. */
export interface WakeInputs {
  /** A lead's next inactivity loss (shared/rules nextDecayAt), or null. */
  decayAt(): number | null;
  /** A visitor that gave an email holds events not yet forwarded to a lead. */
  unsent(): boolean;
  /** When those go to the lead (forwardDue). */
  forwardAt(): number;
  /** When the oldest kept event arrived, or null when none. */
  oldestArrival(): number | null;
  /** The origin of the last stage change, if any. */
  lastStageOrigin(): StageOrigin | undefined;
  /** When the outbox's next pending item falls due; null when none (or no outbox). */
  outboxDue(): number | null;
}

type Timed = Pick<ProfileRow, "kind" | "lead" | "stage" | "mqlAt" | "mqlSlaDays" | "retentionDays" | "inCohort">;

/**
 * When the alarm must next fire, or null: a lead's next inactivity loss and its MQL's
 * service level, a visitor's forward retry, events passing retention (a visitor listed
 * in its cohort leaves that to it), the outbox's next delivery.
 */
export function nextWake(row: Timed | null, now: number, inputs: WakeInputs): number | null {
  const times = [
    row?.kind === "lead" ? inputs.decayAt() : null,
    row?.kind === "visitor" && row.lead !== null && inputs.unsent() ? inputs.forwardAt() : null,
    row && !row.inCohort ? retentionDue(row, inputs.oldestArrival()) : null,
    row ? slaDue(row, inputs.lastStageOrigin) : null,
    inputs.outboxDue(),
  ].filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

/**
 * When a visitor's unsent events go to its lead: a claimed browser's from its alarm, just
 * after the answer has gone at `wallClock` (so the lead's work never runs beside the answer,
 * even in one isolate), unless the last forward failed; a verified browser's within its own
 * request, so its alarm is only the retry.
 */
export function forwardDue(verified: boolean, lastFailed: boolean, now: number, wallClock: number): number {
  return verified || lastFailed ? now + FORWARD_RETRY_MS : wallClock + CLAIM_FORWARD_DELAY_MS;
}

/**
 * When a lead's MQL runs out of its service level (mqlSlaDays after it qualified), or
 * null: not an MQL, no limit, or touched by sales (the last change, into mql, was theirs).
 */
export function slaDue(row: Omit<Timed, "lead" | "retentionDays" | "inCohort">, lastStageOrigin: () => StageOrigin | undefined): number | null {
  if (row.kind !== "lead" || row.stage !== "mql" || row.mqlAt === null || !row.mqlSlaDays) return null;
  return lastStageOrigin() === "feedback" ? null : row.mqlAt + row.mqlSlaDays * DAY_MS;
}

/** When the oldest kept event (arrived at `oldest`) passes the retention period, or null. */
export function retentionDue(row: Pick<Timed, "retentionDays">, oldest: number | null): number | null {
  return oldest === null ? null : oldest + row.retentionDays * DAY_MS;
}
