import { DAY_MS } from "./decay";
import { capText, readField, textOf } from "./fields";
import type { ProfileEvent, Rule, RuleCounters, Traits } from "./types";

/** The points an award gave, and when none, whether the cap or another limit held them back. */
export interface Award {
  points: number;
  held?: "cap" | "limit";
}

export function newCounters(): RuleCounters {
  return { matches: 0, points: 0, events: [], keys: [], periods: [] };
}

/**
 * Counts an event that matched an event rule and gives the points its limits allow: none
 * before `minCount` matches, once per `unique` value (missing counts as ``), once per `per`
 * period, and never beyond `cap` in absolute value (the last award is cut to fit).
 * Answers the points given; only an award uses up a unique value or a period.
 */
export function award(rule: Rule, counters: RuleCounters, event: ProfileEvent, traits: Traits): Award {
  counters.matches += 1;
  if (counters.matches < (rule.minCount ?? 1)) return { points: 0, held: "limit" };
  const key = rule.unique === undefined ? undefined : capText(textOf(readField(rule.unique, event, traits)) ?? "");
  if (key !== undefined && counters.keys.includes(key)) return { points: 0, held: "limit" };
  const period = periodOf(rule, event);
  if (period !== undefined && counters.periods.includes(period)) return { points: 0, held: "limit" };
  const cap = rule.cap ?? Infinity;
  const total = Math.max(-cap, Math.min(cap, counters.points + rule.points));
  const given = total - counters.points;
  if (given === 0) return { points: 0, held: "cap" };
  counters.points = total;
  counters.events.push(event.id);
  if (key !== undefined) counters.keys.push(key);
  if (period !== undefined) counters.periods.push(period);
  return { points: given };
}

function periodOf(rule: Rule, event: ProfileEvent): string | undefined {
  switch (rule.per) {
    case "ever":
      return "ever";
    case "day": // UTC day of the server's receive time
      return String(Math.floor(event.receivedAt / DAY_MS));
    case "session": // an event without a session (a server event) is a session of its own
      return event.sid ?? event.id;
    case undefined:
      return undefined;
  }
}
