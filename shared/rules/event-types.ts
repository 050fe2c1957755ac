/**
 * The event types the collect API takes and rules listen to: one list for the wire
 * schema and the rules language. No imports, so the schema and the matchers can both
 * stand on it.
 */
export const EVENT_TYPES = ["pageview", "download", "form", "track", "identify", "engagement", "vitals"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Whether a rule's `on` (a type or a list) names `type`. Takes unknown: validation asks it of unchecked rules too. */
export function listens(on: unknown, type: EventType): boolean {
  return Array.isArray(on) ? on.includes(type) : on === type;
}
