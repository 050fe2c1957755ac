import * as v from "valibot";

/** The last millisecond of year 9999: later times (and any before 1970) are no period anyone asks for. */
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A time in a query: ISO 8601, or milliseconds since the epoch, from 1970 to 9999 (a default period reaches back from it). */
const time = v.pipe(
  v.string(),
  v.transform((s) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s))),
  v.number(),
  v.check((n) => Number.isFinite(n) && n >= 0 && n <= LATEST, "must be a time from 1970 to 9999, in ISO 8601 or milliseconds since the epoch"),
);

/** `since` and `until` of a query, both optional: the schema a route spreads into its own. */
export const PeriodQuery = {
  since: v.optional(time),
  until: v.optional(time),
};

const MAX_LIMIT = 200;

/** `cursor` and `limit` of a paginated listing (an export): the schema a route spreads into its own. */
export const PageQuery = {
  cursor: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  limit: v.optional(v.pipe(
    v.string(), v.regex(/^\d+$/, "must be a whole number"), v.transform(Number),
    v.minValue(1), v.maxValue(MAX_LIMIT, `must be at most ${MAX_LIMIT}`),
  ), "100"),
};

/** The period a query asks for, [since, until), with the route's defaults; null when it is empty. */
export function periodOf(query: { since?: number; until?: number }, defaults: { since: number; until: number }) {
  const since = query.since ?? defaults.since;
  const until = query.until ?? defaults.until;
  return until > since ? { since, until } : null;
}
