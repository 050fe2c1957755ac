import { Hono } from "hono";
import * as v from "valibot";
import { ACCOUNT_STAGES } from "../../../shared/rules";
import { check } from "../../../shared/validation";
import type { AppEnv } from "../app-env";
import type { AccountRecord } from "../exports/account-record";
import { CONTENT_TYPES, exportPage, JSON_FORMATS, jsonWriter } from "../exports/formats";
import { listExports, readCursor } from "../exports/store";
import { requireScope } from "../http/auth";
import { ApiError } from "../lib/errors";
import { PageQuery, PeriodQuery, periodOf } from "../lib/period";
import { requireSite } from "../http/site";

const AccountQuery = v.object({
  ...PeriodQuery,
  ...PageQuery,
  stage: v.optional(v.picklist(ACCOUNT_STAGES, `must be one of ${ACCOUNT_STAGES.join(", ")}`)),
  format: v.optional(v.picklist(JSON_FORMATS, `must be one of ${JSON_FORMATS.join(", ")}`), "json"),
});

/**
 * The account export: every account of the site (a company with members), in order
 * of its record's last change (any change of its score, members or stage), a page at
 * a time, as the MQL export pages; `stage` keeps only accounts at that stage.
 */
export const accounts = new Hono<AppEnv>()
  .get("/v1/sites/:site/accounts", requireScope("exports:read"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const query = check(AccountQuery, c.req.query());
    if (!query.ok) throw ApiError.invalid("invalid_query", query.issues);
    const { cursor, limit, stage, format } = query.value;
    const period = periodOf(query.value, { since: site.createdAt, until: Date.now() + 1 });
    if (!period) throw new ApiError(400, "invalid_query", "until must be later than since", "until");
    const after = cursor === undefined ? undefined : readCursor(site.id, cursor, "account");
    if (after === null) throw new ApiError(400, "invalid_query", "not a cursor this export gave", "cursor");

    const where = stage && ((record: AccountRecord) => record.stage === stage);
    const listing = listExports<AccountRecord>(c.env.SITES, site.id, { ...period, after, limit, ...(where && { where }) }, "account");
    return exportPage(listing, jsonWriter(format), { "Content-Type": CONTENT_TYPES[format] });
  });
