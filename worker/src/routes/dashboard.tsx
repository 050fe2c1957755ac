import { type Context, Hono, type MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import * as v from "valibot";
import { DAY_MS } from "../../../shared/rules";
import { check } from "../../../shared/validation";
import type { AppEnv } from "../app-env";
import { latestRecords } from "../dashboard/data";
import { documentOf, LoginPage, MessagePage } from "../dashboard/layout";
import { DashboardPage, PERIODS } from "../dashboard/page";
import { closeSession, openSession, sessionCaller } from "../dashboard/session";
import { STYLESHEET } from "../dashboard/style";
import type { AccountRecord } from "../exports/account-record";
import { CONTENT_TYPES, exportBody, writerFor } from "../exports/formats";
import { listExports } from "../exports/store";
import { siteInsights } from "../insights";
import { ApiError } from "../lib/errors";
import { getDraft, putDraft } from "../sites/draft";
import { previewLeads, summarise } from "../sites/preview";
import { publishDraft } from "../sites/publish";
import { checkedCaller, GUESS_PERIOD_S, refusalOf } from "../lib/auth";
import { limitBody } from "../lib/body";
import { siteMetrics } from "../metrics";
import { SITE_ID, type Site } from "../sites/config";
import { markUsed, type Scope } from "../sites/keys";
import { getSite, listSites, type SiteSummary } from "../sites/store";
import { listFailures } from "../webhooks/failed";

/** The dashboard reads what the MQL export and the metrics show: a key needs the export's scope. */
const SCOPE: Scope = "exports:read";
/** MQLs, and accounts, shown: the latest changed in the period. */
const RECORDS_SHOWN = 100;

/**
 * Sent with every dashboard answer. The CSP allows no script at all and styles
 * only from app.css: whatever a visitor typed into a form or a utm tag cannot
 * run here even if it escaped escaping. `no-store`: pages hold people's data.
 */
const HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

const secured: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(HEADERS)) c.res.headers.set(name, value);
};

const Query = v.object({
  site: v.optional(v.pipe(v.string(), v.regex(SITE_ID, "is not a site id"))),
  days: v.optional(v.picklist(PERIODS, `must be one of ${PERIODS.join(", ")}`), "30"),
  preview: v.optional(v.literal("1", "must be 1")),
});

type Access = {
  site: Site; sites: SiteSummary[] | null; days: (typeof PERIODS)[number]; preview: boolean;
  /** The caller holds `site:admin`: the rules draft, its preview and failed webhooks. */
  canEdit: boolean;
};

/**
 * Who is signed in and which site they may see, or the page to answer instead:
 * the login form without a valid session, a message for a bad query, a site
 * they may not read, or no site at all. The admin token picks any site (the
 * first by default); a key sees its own.
 */
async function access(c: Context<AppEnv>, scope: Scope = SCOPE): Promise<Access | Response> {
  const caller = await sessionCaller(c, Date.now());
  if (!caller) return c.html(documentOf(<LoginPage />));
  const page = (status: 400 | 403 | 404, title: string, message: string) =>
    c.html(documentOf(<MessagePage title={title} message={message} signedIn />), status);
  const query = check(Query, c.req.query());
  if (!query.ok) return page(400, "Not a valid address", query.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
  const sites = caller.kind === "admin" ? await listSites(c.env.SITES) : null;
  const id = query.value.site ?? (caller.kind === "key" ? caller.site : sites?.[0]?.id);
  if (!id) return page(404, "No sites yet", "Create one with PUT /v1/sites/:site, then come back.");
  const refusal = refusalOf(caller, id, SCOPE) ?? refusalOf(caller, id, scope);
  if (refusal) return page(403, "Not your site", `You cannot ${scope === SCOPE ? "see" : "change"} this site: ${refusal}.`);
  const site = await getSite(c.env.SITES, id, { fresh: scope !== SCOPE });
  if (!site) return page(404, "No such site", `There is no site "${id}".`);
  return { site, sites, days: query.value.days, preview: query.value.preview === "1", canEdit: !refusalOf(caller, id, "site:admin") };
}

/** The site's dashboard, at the rules draft's card. */
const backToDraft = (c: Context<AppEnv>, site: string) => c.redirect(`/dashboard?site=${encodeURIComponent(site)}#rules-draft`, 303);

/**
 * The dashboard (CONTRACT §7 `GET /dashboard`): a token typed once on the login
 * form becomes a signed session cookie (dashboard/session.ts). Forms only post
 * to this origin: the cookie is SameSite=Strict, and the CSRF middleware also
 * refuses a form post whose Origin (or Sec-Fetch-Site) is not this origin, so
 * another site can neither use a session nor sign someone into its own.
 */
export const dashboard = new Hono<AppEnv>()
  .use("/dashboard/*", secured) // "/dashboard" too
  .get("/dashboard/app.css", (c) => c.body(STYLESHEET, 200, { "Content-Type": "text/css; charset=utf-8" }))
  .post("/dashboard/login", csrf(), limitBody(4096), async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const caller = token ? await checkedCaller(c, token, Date.now()) : null;
    if (caller === "throttled") {
      c.header("Retry-After", String(GUESS_PERIOD_S));
      return c.html(documentOf(<LoginPage error="Too many wrong tokens from this address: wait a minute, then try again." />), 429);
    }
    if (!caller) return c.html(documentOf(<LoginPage error="That token is not valid." />), 401);
    const refusal = caller.kind === "key" && refusalOf(caller, caller.site, SCOPE);
    if (refusal) return c.html(documentOf(<LoginPage error={`That key cannot open the dashboard: ${refusal}.`} />), 403);
    if (caller.kind === "key") c.executionCtx.waitUntil(markUsed(c.env.SITES, caller, Date.now()));
    await openSession(c, caller, Date.now());
    return c.redirect("/dashboard", 303);
  })
  .post("/dashboard/logout", csrf(), async (c) => {
    await closeSession(c, Date.now());
    return c.redirect("/dashboard", 303);
  })
  .get("/dashboard", async (c) => {
    const found = await access(c);
    if (found instanceof Response) return found;
    const { site, sites, days, canEdit } = found;
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
    const preview = draft && found.preview ? summarise(await previewLeads(c.env, site.id, draft.rules, until), 0) : null;
    return c.html(documentOf(
      <DashboardPage
        site={site} sites={sites} days={days} metrics={metrics} mqls={mqls} recordLimit={RECORDS_SHOWN} accounts={accounts}
        insights={insights}
        admin={held && { failures: held[0], draft: { siteId: site.id, rulesVersion: site.rulesVersion, live: site.model, draft, preview } }}
      />,
    ));
  })
  // Rule insights' suggested points become the site's rules draft (it replaces any other).
  .post("/dashboard/rules/draft", csrf(), limitBody(1024), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const { suggested, suggestedRules } = await siteInsights(c.env.SITES, found.site);
    if (suggested.length) {
      const saved = await putDraft(c.env.SITES, found.site, suggestedRules, Date.now());
      if (!saved.ok) throw new Error(`suggested rules failed validation: ${JSON.stringify(saved.issues)}`);
    }
    return backToDraft(c, found.site.id);
  })
  .post("/dashboard/rules/publish", csrf(), limitBody(1024), async (c) => {
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
