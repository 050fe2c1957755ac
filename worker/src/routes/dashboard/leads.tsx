/** Leads: search, a lead's page, sales actions and erase (docs/dashboard.md, Leads). */
import { type Context, Hono } from "hono";
import * as v from "valibot";
import { leadAccount } from "../../../../shared/rules";
import { check, type FieldIssue } from "../../../../shared/validation";
import type { AppEnv } from "../../app-env";
import { EraseConfirmPage, LeadPage, SALES_ACTIONS, type SalesForm, type SyncResult } from "../../dashboard/leads/lead";
import { LeadSearchPage, type LeadResult } from "../../dashboard/leads/search";
import { documentOf } from "../../dashboard/layout";
import { limitBody } from "../../http/body";
import { boundedEach } from "../../lib/concurrency";
import { leadProfile, profileById } from "../../lib/identity";
import { FeedbackSchema, giveFeedback } from "../../sites/feedback";
import { searchLeads } from "../../sites/leads";
import { pageUrl } from "../../dashboard/layout";
import { CRMS } from "../../domain/crm";
import type { CrmSync } from "../../objects/profile/types";
import type { Site } from "../../sites/config";
import { access, messagePage, type Access } from "./access";

/** Leads a search shows at most: each one's stage and score is read from its object. */
const RESULTS_SHOWN = 50;

const Email = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254), v.email());

/** What an action did, by the code it redirects with (never text from the query). */
const DONE: Record<string, string> = {
  ...Object.fromEntries(SALES_ACTIONS.map(([stage, label]) => [stage, stage === "lead" ? "Recycled to nurture: engagement starts again from 0." : `Marked ${label.split(":")[0]}.`])),
  unchanged: "The lead was already at that stage: nothing changed.",
  erased: "The lead was erased.",
};

const notice = (c: Context<AppEnv>) => DONE[c.req.query("done") ?? ""];

/** The profile of an id that holds a lead of `site`, or null. */
async function leadOf(c: Context<AppEnv>, site: string, id: string) {
  const profile = profileById(c.env, id);
  return profile && (await profile.links(site)) ? profile : null;
}

/** An exact email or profile id: the lead it names, if the site has it. */
async function exactLead(c: Context<AppEnv>, site: string, q: string): Promise<string | null> {
  const email = check(Email, q);
  const profile = email.ok ? await leadProfile(c.env, site, email.value) : profileById(c.env, q.trim());
  return profile && (await profile.links(site)) ? profile.id.toString() : null;
}

/** The CRMs a site connects. */
const crmsOf = (site: Site) => CRMS.filter((crm) => site.crm?.[crm]);

async function renderLead(c: Context<AppEnv>, found: Access, id: string, sales?: SalesForm, synced?: SyncResult[]) {
  const { site, can } = found;
  const profile = profileById(c.env, id);
  const details = profile && (await profile.details(site.id, Date.now()));
  if (!profile || !details) return messagePage(c, 404, "No such lead", "This site has no lead with that id.");
  const links = await profile.links(site.id);
  const view = { details, links, account: leadAccount(details.traits, site.exclude.emailDomains), webhook: site.webhook !== undefined, crms: crmsOf(site) };
  return c.html(documentOf(
    <LeadPage
      nav={{ site: site.id, current: "leads", can }} view={view} notice={synced ? undefined : notice(c)} sales={sales} synced={synced}
      can={{ feedback: can("feedback:write"), erase: can("site:admin"), sync: can("site:admin") }}
    />,
  ), sales ? 400 : 200);
}

/**
 * What Sync now came to per connected CRM, from what each holds of the lead after: synced or
 * failed at `now` (the attempt just made), else still queued (a refused connection holds it).
 */
function syncResults(site: Site, syncs: CrmSync[], now: number): SyncResult[] {
  return crmsOf(site).map((crm): SyncResult => {
    const sync = syncs.find((s) => s.crm === crm);
    if (sync?.recordId && sync.syncedAt !== null && sync.syncedAt >= now) return { crm, state: "synced", recordId: sync.recordId };
    if (sync?.error && sync.errorAt !== null && sync.errorAt >= now) return { crm, state: "failed", error: sync.error };
    return { crm, state: "queued" };
  });
}

const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === "string" ? (form[name] as string).trim() : "");

export const leadPages = new Hono<AppEnv>()
  .get("/dashboard/leads", async (c) => {
    const found = await access(c, "profiles:read");
    if (found instanceof Response) return found;
    const { site, can } = found;
    const q = (c.req.query("q") ?? "").trim().slice(0, 254);
    const nav = { site: site.id, current: "leads" as const, can };
    if (!q) return c.html(documentOf(<LeadSearchPage nav={nav} search={null} notice={notice(c)} />));
    const exact = await exactLead(c, site.id, q);
    if (exact) return c.redirect(pageUrl(`/dashboard/leads/${exact}`, site.id), 303);
    const { leads, complete } = await searchLeads(c.env.SITES, site.id, q, RESULTS_SHOWN);
    const now = Date.now();
    const shown: (LeadResult | null)[] = leads.map(() => null);
    await boundedEach([...leads.entries()], 8, async ([i, lead]) => {
      const state = await profileById(c.env, lead.profile)?.state(now);
      if (state) shown[i] = { ...lead, stage: state.stage, score: state.score };
    });
    const results = shown.filter((lead) => lead !== null);
    return c.html(documentOf(<LeadSearchPage nav={nav} search={{ q, leads: results, complete }} />));
  })
  .get("/dashboard/leads/:id", async (c) => {
    const found = await access(c, "profiles:read");
    if (found instanceof Response) return found;
    return renderLead(c, found, c.req.param("id"));
  })
  // A sales action: the feedback API's item for this lead, checked by the same schema.
  .post("/dashboard/leads/:id/feedback", limitBody(4096), async (c) => {
    const found = await access(c, "feedback:write");
    if (found instanceof Response) return found;
    const id = c.req.param("id");
    const form = await c.req.parseBody();
    const values = { stage: field(form, "stage"), reasonCode: field(form, "reasonCode"), reason: field(form, "reason") };
    const item = { profile: id, stage: values.stage, ...(values.reasonCode && { reasonCode: values.reasonCode }), ...(values.reason && { reason: values.reason }) };
    const checked = check(FeedbackSchema, item);
    const issues: FieldIssue[] = checked.ok ? [] : checked.issues;
    if (!values.reason) issues.push({ path: "reason", message: "say why" });
    if (!checked.ok || issues.length) return renderLead(c, found, id, { values, issues });
    const profile = await leadOf(c, found.site.id, id);
    const moved = profile && (await giveFeedback(found.site, profile, checked.value, Date.now()));
    if (!moved) return messagePage(c, 404, "No such lead", "This site has no lead with that id.");
    const done = moved.from === moved.to && moved.to !== "lead" ? "unchanged" : moved.to;
    return c.redirect(pageUrl(`/dashboard/leads/${id}`, found.site.id, { done }), 303);
  })
  // Sync now, as POST /v1/sites/:site/profiles/:id/sync; the page it answers says what each CRM made of it.
  .post("/dashboard/leads/:id/sync", limitBody(1024), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const id = c.req.param("id");
    const now = Date.now();
    const profile = await leadOf(c, found.site.id, id);
    const syncs = profile && (await profile.syncCrm(found.site.id, now));
    if (!syncs) return messagePage(c, 404, "No such lead", "This site has no lead with that id.");
    return renderLead(c, found, id, undefined, syncResults(found.site, syncs, now));
  })
  .get("/dashboard/leads/:id/erase", async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const details = await profileById(c.env, c.req.param("id"))?.details(found.site.id, Date.now());
    if (!details || details.kind !== "lead") return messagePage(c, 404, "No such lead", "This site has no lead with that id.");
    return c.html(documentOf(
      <EraseConfirmPage nav={{ site: found.site.id, current: "leads", can: found.can }} profile={details.id} email={details.traits.email ?? details.id} />,
    ));
  })
  // Erasure as the erase API does it; only the confirmation page's form says `confirm`.
  .post("/dashboard/leads/:id/erase", limitBody(1024), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const id = c.req.param("id");
    if (field(await c.req.parseBody(), "confirm") !== "erase") return c.redirect(pageUrl(`/dashboard/leads/${id}/erase`, found.site.id), 303);
    const profile = await leadOf(c, found.site.id, id);
    if (!profile || !(await profile.erase(found.site.id))) return messagePage(c, 404, "No such lead", "This site has no lead with that id.");
    return c.redirect(pageUrl("/dashboard/leads", found.site.id, { done: "erased" }), 303);
  });
