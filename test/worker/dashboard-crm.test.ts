/**
 * The dashboard's CRM parts (docs/dashboard.md, Settings → CRM and Leads → CRM): each
 * connection saved from its form as a browser posts it and read back through the API,
 * a refused value beside its field, credentials never shown back, Test connection and
 * Disconnect; the lead's CRM card and Sync now reaching the HubSpot and Salesforce
 * stand-ins (crm-standin.ts); CRM deliveries in the failed list in words.
 */
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { recordFailure } from "../../worker/src/webhooks/failed";
import { HUBSPOT_FIELDS, SALESFORCE_FIELDS } from "../../worker/src/crm/fields";
import { HUBSPOT_LIFECYCLE } from "../../worker/src/crm/stages";
import {
  ADMIN, call, collect, createSite, dashboardSession as session, ev, json, lookup, openPage as open, submitForm as submit, uid, until,
} from "./helpers";

const receiver = inject("receiver");
const TOKEN = "pat-na1-dashboard-0123456789";

async function config(site: string): Promise<Record<string, any>> {
  const res = await call(`/v1/sites/${site}`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return res.json();
}

const control = (name: string, state: Record<string, unknown>) => fetch(`${receiver}/control/${name}`, { method: "POST", body: JSON.stringify(state) });
const requests = async (name: string): Promise<Array<{ method: string; path: string; body: any; status: number }>> => (await fetch(`${receiver}/requests/${name}`)).json();

const decoded = (html: string) => html.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;/g, "'").replace(/&amp;/g, "&");
const unescape = (text: string) => decoded(text);

/**
 * The fields a browser posts for the form whose action starts with `action`: every text,
 * url and password input with its value, and each ticked check box; `changes` then set
 * (a value) or untick (an empty array) fields by name.
 */
function formFields(html: string, action: string, changes: Record<string, string | string[]> = {}): [string, string][] {
  const start = html.indexOf(`action="${action}`);
  if (start < 0) throw new Error(`no form ${action}`);
  const form = html.slice(start, html.indexOf("</form>", start));
  const fields: [string, string][] = [];
  for (const [input] of form.matchAll(/<input [^>]*>/g)) {
    const attr = (name: string) => new RegExp(` ${name}="([^"]*)"`).exec(input)?.[1];
    const name = attr("name");
    if (!name || name in changes) continue;
    if (attr("type") === "checkbox") {
      if (/ checked(=""|\s|>|\/)/.test(input)) fields.push([name, unescape(attr("value") ?? "")]);
    } else fields.push([name, unescape(attr("value") ?? "")]);
  }
  for (const [name, value] of Object.entries(changes)) for (const v of [value].flat()) fields.push([name, v]);
  return fields;
}

/** The input with this id, and its error when it has one. */
function input(html: string, id: string): string {
  const found = new RegExp(`<input id="${id}"[^>]*>`).exec(html);
  if (!found) throw new Error(`no input ${id}`);
  return found[0];
}
const errorOf = (html: string, id: string) => new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`).exec(html)?.[1];

const settings = (site: string) => `/dashboard/settings?site=${site}`;
const hubspotForm = (site: string) => `/dashboard/settings/hubspot?site=${site}`;
const salesforceForm = (site: string) => `/dashboard/settings/salesforce?site=${site}`;

describe("Settings → CRM", () => {
  it("connects HubSpot from its form: the token write-only, the stages, field and lifecycle maps as typed, a refused name beside its field", async () => {
    const site = await createSite();
    const cookie = await session();
    const empty = await (await open(settings(site), cookie)).text();
    // Not connected: empty credentials, a pointer to the steps, the maps at their defaults, nothing to test or disconnect.
    expect(empty).toContain("<h2>CRM: HubSpot</h2>");
    expect(empty).toMatch(/Not connected\. In HubSpot, <strong>Settings → Integrations → Private apps/);
    expect(input(empty, "f-crm-hubspot-accessToken")).toContain('type="password" value=""');
    expect(input(empty, "f-crm-hubspot-fields-title")).toContain('value="jobtitle"');
    expect(input(empty, "f-crm-hubspot-fields-companySize")).toContain('value=""');
    expect(empty).toMatch(/<label for="f-crm-hubspot-fields-url">Lead&#39;s page link<\/label>/);
    expect(empty).not.toContain("Test connection");

    // No token yet: refused beside the token's field, nothing saved.
    const blank = await submit(hubspotForm(site), cookie, formFields(empty, "/dashboard/settings/hubspot"));
    expect(blank.status).toBe(400);
    const blankPage = await blank.text();
    expect(errorOf(blankPage, "f-crm-hubspot-accessToken")).toMatch(/no secret is set yet/);
    expect(input(blankPage, "f-crm-hubspot-accessToken")).toContain('aria-invalid="true" aria-describedby="f-crm-hubspot-accessToken-hint f-crm-hubspot-accessToken-error"');
    expect((await config(site)).crm).toBeUndefined();

    // A property name HubSpot would not have, and another field's name twice: each beside its row, what was typed kept.
    const refused = await submit(hubspotForm(site), cookie, formFields(empty, "/dashboard/settings/hubspot", {
      "crm.hubspot.accessToken": TOKEN, "crm.hubspot.fields.title": "Job Title", "crm.hubspot.fields.phone": "email",
    }));
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(errorOf(refusedPage, "f-crm-hubspot-fields-title")).toMatch(/^must be a HubSpot property&#39;s internal name/);
    expect(decoded(errorOf(refusedPage, "f-crm-hubspot-fields-phone")!)).toBe("email already receives email");
    expect(input(refusedPage, "f-crm-hubspot-fields-title")).toContain('value="Job Title"');
    expect(input(refusedPage, "f-crm-hubspot-fields-title")).toContain('aria-invalid="true" aria-describedby="f-crm-hubspot-fields-title-error"');
    expect(refusedPage).not.toContain(TOKEN);
    expect((await config(site)).crm).toBeUndefined();

    // Saved: the maps are the ones typed (a blank row not sent), the stages ticked.
    const saved = await submit(hubspotForm(site), cookie, formFields(empty, "/dashboard/settings/hubspot", {
      "crm.hubspot.accessToken": TOKEN, "crm.hubspot.appSecret": "hubspot-app-secret-0123456789", "crm.hubspot.stages": ["mql", "sql"],
      "crm.hubspot.fields.title": "job_function", "crm.hubspot.fields.phone": "", "crm.hubspot.lifecycle.disqualified": "other",
    }));
    expect(saved.status).toBe(303);
    expect(saved.headers.get("Location")).toBe(`/dashboard/settings?site=${site}&done=hubspot#settings-hubspot`);
    const { phone: _, ...fields } = { ...HUBSPOT_FIELDS, title: "job_function" };
    const { visitor: __, ...lifecycle } = { ...HUBSPOT_LIFECYCLE, disqualified: "other" };
    expect((await config(site)).crm).toEqual({
      hubspot: {
        accessToken: { set: true }, appSecret: { set: true }, stages: ["mql", "sql"], apiUrl: "https://api.hubapi.com",
        fields, lifecycle: Object.fromEntries(Object.entries(lifecycle).filter(([, v]) => v)),
      },
    });
    const page = await (await open(`${settings(site)}&done=hubspot`, cookie)).text();
    expect(page).toContain("Saved the HubSpot connection.");
    expect(page).not.toContain(TOKEN);
    expect(page).not.toContain("hubspot-app-secret-0123456789");
    expect(input(page, "f-crm-hubspot-accessToken")).toContain('value=""');
    expect(page).toContain("A token is set: leave blank to keep it");
    expect(page).toMatch(/data-crm-status="untested"><strong>Status:<\/strong> Not tested yet\./);
    expect(input(page, "f-crm-hubspot-fields-title")).toContain('value="job_function"');
    expect(input(page, "f-crm-hubspot-fields-phone")).toContain('value=""');
    expect(input(page, "f-crm-hubspot-stages-sql")).toContain("checked");
    expect(page).toContain("Test connection");

    // Saved again as shown with the defaults typed back and no box ticked: the token kept, the defaults in use.
    const reset = await submit(hubspotForm(site), cookie, formFields(page, "/dashboard/settings/hubspot", {
      "crm.hubspot.fields.title": "jobtitle", "crm.hubspot.fields.phone": "phone", "crm.hubspot.lifecycle.disqualified": "", "crm.hubspot.stages": [],
    }));
    expect(reset.status).toBe(303);
    expect((await config(site)).crm.hubspot).toEqual({
      accessToken: { set: true }, appSecret: { set: true }, stages: ["mql", "sql", "opportunity", "customer"], apiUrl: "https://api.hubapi.com",
    });
  });

  it("connects Salesforce from its form, refuses a bad API version beside it, tests it naming what the org lacks, and disconnects it", async () => {
    const org = uid("sf");
    const site = await createSite();
    const cookie = await session();
    const empty = await (await open(settings(site), cookie)).text();
    expect(input(empty, "f-crm-salesforce-externalIdField")).toContain('value="Edgescore_Id__c"');
    expect(input(empty, "f-crm-salesforce-status-sql")).toContain('value="Working - Contacted"');
    expect(input(empty, "f-crm-salesforce-fields-score")).toContain('value="Edgescore_Score__c"');
    expect(empty).not.toContain('id="f-crm-salesforce-fields-profile"');

    // Nothing typed: each field that needs a value says so beside it.
    const blank = await (await submit(salesforceForm(site), cookie, formFields(empty, "/dashboard/settings/salesforce"))).text();
    expect([errorOf(blank, "f-crm-salesforce-domain"), errorOf(blank, "f-crm-salesforce-clientId")]).toEqual(["must be a URL", "must not be empty"]);

    const typed = { "crm.salesforce.domain": receiver, "crm.salesforce.clientId": org, "crm.salesforce.clientSecret": "salesforce-client-secret-0123" };
    const refused = await submit(salesforceForm(site), cookie, formFields(empty, "/dashboard/settings/salesforce", { ...typed, "crm.salesforce.apiVersion": "62" }));
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(errorOf(refusedPage, "f-crm-salesforce-apiVersion")).toBe("must be an API version such as 62.0");
    expect(input(refusedPage, "f-crm-salesforce-clientId")).toContain(`value="${org}"`);
    expect(refusedPage).not.toContain("salesforce-client-secret-0123");

    const saved = await submit(salesforceForm(site), cookie, formFields(empty, "/dashboard/settings/salesforce", { ...typed, "crm.salesforce.status.sql": "Working" }));
    expect(saved.status).toBe(303);
    expect((await config(site)).crm.salesforce).toEqual({
      domain: receiver, clientId: org, clientSecret: { set: true }, externalIdField: "Edgescore_Id__c", apiVersion: "62.0",
      stages: ["mql", "sql", "opportunity", "customer"],
      status: { lead: "Open - Not Contacted", mql: "Open - Not Contacted", sql: "Working", disqualified: "Closed - Not Converted" },
    });
    expect(SALESFORCE_FIELDS.score).toBe("Edgescore_Score__c"); // the default map kept: none saved

    // The stand-in's Lead has no Status picklist: the test names each status it lacks.
    const tested = await submit(`/dashboard/settings/crm/salesforce/test?site=${site}`, cookie);
    expect(tested.status).toBe(200);
    const testedPage = decoded(await tested.text());
    expect(testedPage).toContain('<div class="error" role="alert"><p class="flush">The test of Salesforce failed: The org\'s Lead lacks');
    expect(testedPage).toContain("<p class=\"flush\">Missing in Salesforce:</p>");
    expect(testedPage).toContain('<li>Status "Working"</li>');
    expect((await requests(org)).some((r) => r.path.endsWith("/sobjects/Lead/describe"))).toBe(true);

    const removed = await submit(`/dashboard/settings/crm/salesforce/remove?site=${site}`, cookie);
    expect(removed.headers.get("Location")).toBe(`/dashboard/settings?site=${site}&done=salesforce-removed#settings-salesforce`);
    expect((await config(site)).crm?.salesforce).toBeUndefined();
    const page = await (await open(`${settings(site)}&done=salesforce-removed`, cookie)).text();
    expect(page).toContain("Disconnected Salesforce: no more leads will be synced to it.");
    expect(page).not.toContain("Disconnect Salesforce");
    expect((await submit(`/dashboard/settings/crm/salesforce/test?site=${site}`, cookie)).status).toBe(400);
  });

  it("tests HubSpot, saying what it created; a revoked token shows as refused until a new one is saved", async () => {
    const portal = uid("hs");
    const site = await createSite({ crm: { hubspot: { accessToken: TOKEN, apiUrl: `${receiver}/hubspot/${portal}` } } });
    const cookie = await session();
    const tested = await submit(`/dashboard/settings/crm/hubspot/test?site=${site}`, cookie);
    expect(tested.status).toBe(200);
    const testedPage = await tested.text();
    expect(testedPage).toMatch(/<div class="notice" role="status"><p class="flush">Connected to HubSpot\. Created in HubSpot: group edgescore, edgescore_score, /);
    expect(testedPage).toMatch(/data-crm-status="connected"><strong>Status:<\/strong> Connected, checked \d{4}-\d\d-\d\d/);

    await control(portal, { revoked: true });
    const refused = decoded(await (await submit(`/dashboard/settings/crm/hubspot/test?site=${site}`, cookie)).text());
    expect(refused).toContain("The test of HubSpot failed: ");
    expect(refused).toMatch(/data-crm-status="refused"><strong>Status:<\/strong> Refused by HubSpot at [^:]+:\d\d[^:]*: .+\. Deliveries are held until a new token is saved\./);

    // A new token from the form: the stand-in's address kept, the status back to untested.
    const page = await (await open(settings(site), cookie)).text();
    const saved = await submit(hubspotForm(site), cookie, formFields(page, "/dashboard/settings/hubspot", { "crm.hubspot.accessToken": `${TOKEN}-new` }));
    expect(saved.status).toBe(303);
    expect((await config(site)).crm.hubspot.apiUrl).toBe(`${receiver}/hubspot/${portal}`);
    expect(await (await open(settings(site), cookie)).text()).toContain('data-crm-status="untested"');

    const removed = await submit(`/dashboard/settings/crm/hubspot/remove?site=${site}`, cookie);
    expect(removed.headers.get("Location")).toContain("done=hubspot-removed");
    expect((await config(site)).crm?.hubspot).toBeUndefined();
  });

  it("lists a CRM delivery that gave up in words, with its retry", async () => {
    const site = await createSite();
    const cookie = await session();
    await collect(site, uid("v"), [ev.identify({ email: "ada@acme.test" })]);
    const lead = (await until(() => lookup(site, "ada@acme.test"), "the lead"))!;
    const id = `${lead.id}.hubspot.3`;
    await recordFailure(env.SITES, site, {
      id, profile: lead.id, type: "crm.hubspot", to: "mql", attempts: 20, firstAttemptAt: Date.now() - 90_000_000, failedAt: Date.now(), lastError: "HTTP 503",
    });
    const page = await (await open(settings(site), cookie)).text();
    expect(decoded(page)).toContain(`HubSpot sync of <a href="/dashboard/leads/${lead.id}?site=${site}">the lead</a>'s move to mql`);
    expect(page).toContain(`action="/dashboard/settings/webhook/failed/${id}/retry?site=${site}"`);
  });
});

describe("Leads → CRM", () => {
  it("shows what each CRM holds of the lead, and Sync now reaches the CRMs, saying what each made of it", async () => {
    const portal = uid("hs");
    const org = uid("sf");
    const email = `${uid("ada")}@acme.com`;
    // Customers only: the MQL is not synced by itself, so Sync now is what reaches the CRMs.
    const site = await createSite({
      crm: {
        hubspot: { accessToken: TOKEN, apiUrl: `${receiver}/hubspot/${portal}`, stages: ["customer"] },
        salesforce: { domain: receiver, clientId: org, clientSecret: "salesforce-client-secret-0123", stages: ["customer"] },
      },
    });
    await control(org, { duplicates: [email] });
    await collect(site, uid("v"), [ev.track("demo_request"), ev.identify({ email, title: "VP Marketing", companySize: "201-500", name: "Ada Lovelace" })]);
    const lead = (await lookup(site, email))!;
    const cookie = await session();
    const before = await (await open(`/dashboard/leads/${lead.id}?site=${site}`, cookie)).text();
    expect(before).toContain("<h2>CRM</h2>");
    expect(before).toMatch(/<div data-crm="hubspot"><dt>HubSpot<\/dt><dd>Not in HubSpot yet<\/dd><\/div>/);
    expect(before).toContain(`action="/dashboard/leads/${lead.id}/sync?site=${site}"`);

    const synced = await submit(`/dashboard/leads/${lead.id}/sync?site=${site}`, cookie);
    expect(synced.status).toBe(200);
    const page = decoded(await synced.text());
    expect(page).toContain('<div class="error" role="alert"><p class="flush">Synced to HubSpot.</p><p class="flush">Not synced to Salesforce: ');
    expect(page).toMatch(/Not synced to Salesforce: [^<]*duplicate/);
    const [upsert] = (await requests(portal)).filter((r) => r.path === "/crm/v3/objects/contacts/batch/upsert");
    expect(upsert!.body.inputs[0].id).toBe(email);
    expect(page).toMatch(/<div data-crm="hubspot"><dt>HubSpot<\/dt><dd>Record <span class="path">\d+<\/span>, last synced \d{4}-/);
    expect(page).toMatch(/<div data-crm="salesforce"><dt>Salesforce<\/dt><dd>Not in Salesforce yet<p class="error-text flush">Last attempt failed [^:]+:\d\d[^:]*: [^<]*duplicate/);

    // Once the duplicate rule lets it through, Salesforce holds the lead too.
    await control(org, {});
    const again = decoded(await (await submit(`/dashboard/leads/${lead.id}/sync?site=${site}`, cookie)).text());
    expect(again).toContain('<div class="notice" role="status"><p class="flush">Synced to HubSpot.</p><p class="flush">Synced to Salesforce.</p></div>');
    expect(again).toMatch(/<div data-crm="salesforce"><dt>Salesforce<\/dt><dd>Record <span class="path">00Q\d+<\/span>, last synced/);
  });

  it("shows no Sync now to a key without site:admin, and refuses its post", async () => {
    const site = await createSite({ crm: { hubspot: { accessToken: TOKEN, apiUrl: `${receiver}/hubspot/${uid("hs")}` } } });
    await collect(site, uid("v"), [ev.identify({ email: "grace@acme.com" })]);
    const lead = (await lookup(site, "grace@acme.com"))!;
    const created = await call(`/v1/sites/${site}/keys`, json({ scopes: ["exports:read", "profiles:read"] }));
    const { key } = await created.json<{ key: string }>();
    const cookie = await session(key);
    const page = await (await open(`/dashboard/leads/${lead.id}?site=${site}`, cookie)).text();
    expect(page).toContain("<h2>CRM</h2>");
    expect(page).not.toContain(">Sync now</button>");
    expect(page).not.toContain(`/dashboard/leads/${lead.id}/sync`);
    expect((await submit(`/dashboard/leads/${lead.id}/sync?site=${site}`, cookie)).status).toBe(403);
  });
});
