/** The overview: one site's figures over a period, its latest MQLs and accounts (docs/dashboard.md). */
import { Hono } from "hono";
import * as v from "valibot";
import { DAY_MS } from "../../../../shared/rules";
import { check } from "../../../../shared/validation";
import type { AppEnv } from "../../app-env";
import { latestRecords } from "../../dashboard/data";
import { documentOf } from "../../dashboard/layout";
import { DashboardPage, PERIODS } from "../../dashboard/page";
import type { AccountRecord } from "../../exports/account-record";
import { CONTENT_TYPES, exportBody, writerFor } from "../../exports/formats";
import { listExports } from "../../exports/store";
import { siteInsights } from "../../insights";
import { siteMetrics } from "../../metrics";
import { listFailures } from "../../webhooks/failed";
import { access, messagePage } from "./access";

/** MQLs, and accounts, shown: the latest changed in the period. */
const RECORDS_SHOWN = 100;

const Query = v.object({
  days: v.optional(v.picklist(PERIODS, `must be one of ${PERIODS.join(", ")}`), "30"),
});

export const overview = new Hono<AppEnv>()
  .get("/dashboard", async (c) => {
    const found = await access(c);
    if (found instanceof Response) return found;
    const query = check(Query, c.req.query());
    if (!query.ok) return messagePage(c, 400, "Not a valid address", query.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
    const { site, sites, can } = found;
    const { days } = query.value;
    const canEdit = can("site:admin");
    const until = Date.now();
    const since = until - Number(days) * DAY_MS;
    // Failed webhooks are site:admin's in the API, so here too.
    const [metrics, mqls, accounts, insights, failures] = await Promise.all([
      siteMetrics(c.env, site.id, since, until),
      latestRecords(c.env.SITES, site.id, since, until, RECORDS_SHOWN),
      latestRecords<AccountRecord>(c.env.SITES, site.id, since, until, RECORDS_SHOWN, "account"),
      siteInsights(c.env.SITES, site),
      canEdit ? listFailures(c.env.SITES, site.id) : null,
    ]);
    return c.html(documentOf(
      <DashboardPage
        nav={{ site: site.id, current: "overview", can }}
        site={site} sites={sites} days={days} metrics={metrics} mqls={mqls} recordLimit={RECORDS_SHOWN} accounts={accounts}
        insights={insights}
        admin={failures && { failures }}
      />,
    ));
  })
  .get("/dashboard/mqls.csv", async (c) => {
    const found = await access(c);
    if (found instanceof Response) return found;
    const { site } = found;
    // Every MQL the site has, streamed as KV lists them: the same CSV as the export API's.
    const listing = listExports(c.env.SITES, site.id, { since: site.createdAt, until: Date.now() + 1 });
    return new Response(exportBody(listing.records, writerFor("csv"), () => null), {
      headers: { "Content-Type": CONTENT_TYPES.csv, "Content-Disposition": `attachment; filename="mqls-${site.id}.csv"` },
    });
  });
