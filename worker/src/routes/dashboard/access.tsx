/**
 * Who may see which dashboard page (docs/dashboard.md, Who may do what): every page and
 * every form checks the same scope as the API route underneath it, on the server.
 */
import type { Context } from "hono";
import * as v from "valibot";
import { check } from "../../../../shared/validation";
import type { AppEnv } from "../../app-env";
import { documentOf, LoginPage, MessagePage } from "../../dashboard/layout";
import { refusalOf } from "../../http/auth";
import { SITE_ID, type Site } from "../../sites/config";
import type { Caller, Scope } from "../../sites/keys";
import { getSite, listSites, type SiteSummary } from "../../sites/store";
import { sessionCaller } from "../../dashboard/session";

/** Opening the dashboard at all takes what its overview shows: the MQL export's scope. */
export const DASHBOARD_SCOPE: Scope = "exports:read";

const SiteQuery = v.object({ site: v.optional(v.pipe(v.string(), v.regex(SITE_ID, "is not a site id"))) });

export interface Access {
  caller: Caller;
  site: Site;
  /** Every site, for the admin token's picker; null for a site key, which sees its own only. */
  sites: SiteSummary[] | null;
  /** Whether the caller holds `scope` on this site: what the navigation and each action show. */
  can: (scope: Scope) => boolean;
}

/**
 * Who is signed in and which site (`?site=`) they may use with `scope`, or the page
 * to answer instead: the login form without a valid session, a message for a bad
 * site id, a site they may not use so, or no site at all. The admin token picks any
 * site (the first by default); a key has its own.
 */
export async function access(c: Context<AppEnv>, scope: Scope = DASHBOARD_SCOPE): Promise<Access | Response> {
  const caller = await sessionCaller(c, Date.now());
  if (!caller) return c.html(documentOf(<LoginPage />));
  const query = check(SiteQuery, { site: c.req.query("site") });
  if (!query.ok) return messagePage(c, 400, "Not a valid address", query.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
  const sites = caller.kind === "admin" ? await listSites(c.env.SITES) : null;
  const id = query.value.site ?? (caller.kind === "key" ? caller.site : sites?.[0]?.id);
  if (!id) return messagePage(c, 404, "No sites yet", "Create one with PUT /v1/sites/:site, then come back.");
  const refusal = refusalOf(caller, id, DASHBOARD_SCOPE) ?? refusalOf(caller, id, scope);
  if (refusal) return messagePage(c, 403, "Not allowed", `You cannot ${scope === DASHBOARD_SCOPE ? "see this site" : "do this"}: ${refusal}.`);
  const site = await getSite(c.env.SITES, id, { fresh: scope !== DASHBOARD_SCOPE });
  if (!site) return messagePage(c, 404, "No such site", `There is no site "${id}".`);
  return { caller, site, sites, can: (wanted) => refusalOf(caller, id, wanted) === null };
}

/** A signed-in page saying why there is nothing to show or do. */
export function messagePage(c: Context<AppEnv>, status: 400 | 403 | 404 | 409, title: string, message: string): Response | Promise<Response> {
  return c.html(documentOf(<MessagePage title={title} message={message} signedIn />), status);
}
