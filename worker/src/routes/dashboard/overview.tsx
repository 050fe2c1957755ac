/** The overview: one site's figures over a period, its latest MQLs and accounts (docs/dashboard.md). */
import { type Context, Hono } from "hono";
import * as v from "valibot";
import { DAY_MS } from "../../../../shared/rules";
import { check } from "../../../../shared/validation";
import type { AppEnv } from "../../app-env";
import { latestRecords } from "../../dashboard/data";
import { documentOf, MessagePage } from "../../dashboard/layout";
import { DashboardPage, PERIODS } from "../../dashboard/page";
import type { AccountRecord } from "../../exports/account-record";
import { CONTENT_TYPES, exportBody, writerFor } from "../../exports/formats";
import { listExports } from "../../exports/store";
import { siteInsights } from "../../insights";
import { ApiError } from "../../lib/errors";
import { limitBody } from "../../lib/body";
import { siteMetrics } from "../../metrics";
import { getDraft, putDraft } from "../../sites/draft";
import { previewLeads, summarise } from "../../sites/preview";
import { publishDraft } from "../../sites/publish";
import { listFailures } from "../../webhooks/failed";
import { access, messagePage } from "./access";

/** MQLs, and accounts, shown: the latest changed in the period. */
const RECORDS_SHOWN = 100;

const Query = v.object({
  days: v.optional(v.picklist(PERIODS, `must be one of ${PERIODS.join(", ")}`), "30"),
  preview: v.optional(v.literal("1", "must be 1")),
});

/** The site's dashboard, at the rules draft's card. */
const backToDraft = (c: Context<AppEnv>, site: string) => c.redirect(`/dashboard?site=${encodeURIComponent(site)}#rules-draft`, 303);

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
    // Failed webhooks and the rules draft are site:admin's in the API, so here too.
    const [metrics, mqls, accounts, insights, held] = await Promise.all([
      siteMetrics(c.env, site.id, since, until),
      latestRecords(c.env.SITES, site.id, since, until, RECORDS_SHOWN),
      latestRecords<AccountRecord>(c.env.SITES, site.id, since, until, RECORDS_SHOWN, "account"),
      siteInsights(c.env.SITES, site),
      canEdit ? Promise.all([listFailures(c.env.SITES, site.id), getDraft(c.env.SITES, site.id)]) : null,
    ]);
    const draft = held?.[1] ?? null;
    // A preview asks every lead: only on request.
    const preview = draft && query.value.preview ? summarise(await previewLeads(c.env, site.id, draft.rules, until), 0) : null;
    return c.html(documentOf(
      <DashboardPage
        nav={{ site: site.id, current: "overview", can }}
        site={site} sites={sites} days={days} metrics={metrics} mqls={mqls} recordLimit={RECORDS_SHOWN} accounts={accounts}
        insights={insights}
        admin={held && { failures: held[0], draft: { siteId: site.id, rulesVersion: site.rulesVersion, live: site.model, draft, preview } }}
      />,
    ));
  })
  // Rule insights' suggested points become the site's rules draft (it replaces any other).
  .post("/dashboard/rules/draft", limitBody(1024), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const { suggested, suggestedRules } = await siteInsights(c.env.SITES, found.site);
    if (suggested.length) {
      const saved = await putDraft(c.env.SITES, found.site, suggestedRules, Date.now());
      if (!saved.ok) throw new Error(`suggested rules failed validation: ${JSON.stringify(saved.issues)}`);
    }
    return backToDraft(c, found.site.id);
  })
  .post("/dashboard/rules/publish", limitBody(1024), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    try {
      await publishDraft(c.env, c.executionCtx, found.site, false, Date.now());
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return c.html(documentOf(<MessagePage title="Not published" message={err.message} signedIn />), err.status as 409);
    }
    return backToDraft(c, found.site.id);
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
