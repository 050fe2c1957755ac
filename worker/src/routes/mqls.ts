import { Hono } from "hono";
import * as v from "valibot";
import { check } from "../../../shared/validation";
import type { AppEnv } from "../app-env";
import { requireScope } from "../http/auth";
import { ApiError } from "../lib/errors";
import { PageQuery, PeriodQuery, periodOf } from "../lib/period";
import { requireSite } from "../http/site";
import { DEFAULT_PLACEHOLDER } from "../exports/csv";
import { CONTENT_TYPES, exportPage, FORMATS, writerFor } from "../exports/formats";
import { listExports, readCursor } from "../exports/store";

const ExportQuery = v.object({
  ...PeriodQuery,
  ...PageQuery,
  format: v.optional(v.picklist(FORMATS, `must be one of ${FORMATS.join(", ")}`), "json"),
  placeholder: v.optional(v.pipe(v.string(), v.maxLength(64)), DEFAULT_PLACEHOLDER),
});

/**
 * The MQL export (docs/api.md#mql-export): every profile that has been an MQL, in order of
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

    const listing = listExports(c.env.SITES, site.id, { ...period, after, limit });
    return exportPage(listing, writerFor(format, placeholder), {
      "Content-Type": CONTENT_TYPES[format],
      ...(format === "csv" && { "Content-Disposition": `attachment; filename="mqls-${site.id}.csv"` }),
    });
  });
