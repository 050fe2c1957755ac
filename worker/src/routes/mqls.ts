import { Hono } from "hono";
import * as v from "valibot";
import { check } from "../../../shared/validation";
import type { AppEnv } from "../app-env";
import { requireScope } from "../lib/auth";
import { ApiError } from "../lib/errors";
import { PeriodQuery, periodOf } from "../lib/period";
import { requireSite } from "../lib/site";
import { DEFAULT_PLACEHOLDER } from "../exports/csv";
import { CONTENT_TYPES, exportBody, FORMATS, writerFor } from "../exports/formats";
import { listExports, readCursor } from "../exports/store";

const MAX_LIMIT = 200;

const ExportQuery = v.object({
  ...PeriodQuery,
  cursor: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  limit: v.optional(v.pipe(
    v.string(), v.regex(/^\d+$/, "must be a whole number"), v.transform(Number),
    v.minValue(1), v.maxValue(MAX_LIMIT, `must be at most ${MAX_LIMIT}`),
  ), "100"),
  format: v.optional(v.picklist(FORMATS, `must be one of ${FORMATS.join(", ")}`), "json"),
  placeholder: v.optional(v.pipe(v.string(), v.maxLength(64)), DEFAULT_PLACEHOLDER),
});

/**
 * The MQL export (CONTRACT §7): every profile that has been an MQL, in order of
 * its record's last change, a page at a time. The next page's cursor is in the
 * JSON body, and for every format in `X-Edgescore-Cursor` (absent at the end).
 * KV lists a new key everywhere within about 60 s: pollers ask up to now − 2 min.
 */
export const mqls = new Hono<AppEnv>()
  .get("/v1/sites/:site/mqls", requireScope("exports:read"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const query = check(ExportQuery, c.req.query());
    if (!query.ok) throw ApiError.invalid("invalid_query", query.issues);
    const { cursor, limit, format, placeholder } = query.value;
    const period = periodOf(query.value, { since: site.createdAt, until: Date.now() + 1 });
    if (!period) throw new ApiError(400, "invalid_query", "until must be later than since", "until");
    const after = cursor === undefined ? undefined : readCursor(site.id, cursor);
    if (after === null) throw new ApiError(400, "invalid_query", "not a cursor this export gave", "cursor");

    // One page, read before answering so its cursor can go in a header; written out record by record.
    const listing = listExports(c.env.SITES, site.id, { ...period, after, limit });
    const records = [];
    for await (const record of listing.records) records.push(record);
    const next = listing.cursor();
    const body = exportBody(records, writerFor(format, placeholder), () => next);
    return new Response(body, {
      headers: {
        "Content-Type": CONTENT_TYPES[format],
        ...(next && { "X-Edgescore-Cursor": next }),
        ...(format === "csv" && { "Content-Disposition": `attachment; filename="mqls-${site.id}.csv"` }),
      },
    });
  });
