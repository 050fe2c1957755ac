/** Site settings and the install page (docs/dashboard.md). */
import { type Context, Hono } from "hono";
import { check } from "../../../../shared/validation";
import type { AppEnv } from "../../app-env";
import { documentOf } from "../../dashboard/layout";
import { errorsOf, GENERATE_SECRET, isForm, patchOf, postedValues, valuesOf, type Values } from "../../dashboard/settings/forms";
import { InstallPage } from "../../dashboard/settings/install";
import { KeyCreatedPage, SettingsPage, WebhookSecretPage, type SettingsProps } from "../../dashboard/settings/page";
import { limitBody } from "../../http/body";
import { newStandardSecret } from "../../lib/webhook-secret";
import { createKey, KeyRequestSchema, listKeys, revokeKey } from "../../sites/keys";
import { patchSite } from "../../sites/save";
import { pingWebhook } from "../../webhooks/deliver";
import { listFailures, retryFailure } from "../../webhooks/failed";
import { pageUrl } from "../../dashboard/layout";
import { crmStatuses, testConnection } from "../../crm/connection";
import { CRMS, type CrmName } from "../../domain/crm";
import { CRM_NAMES } from "../../dashboard/settings/crm";
import { access, messagePage, type Access } from "./access";

/** What each action did, by the code it returns with (`?done=`): never text from the address itself. */
const NOTICES: Record<string, string> = {
  name: "Saved the site's name.",
  origins: "Saved the allowed origins.",
  webhook: "Saved the webhook.",
  identity: "Saved the identity settings.",
  visibility: "Saved the public stages.",
  retention: "Saved retention and the MQL service level.",
  exclusions: "Saved the exclusions.",
  hubspot: "Saved the HubSpot connection. Test it to check the token and create edgescore's properties.",
  salesforce: "Saved the Salesforce connection. Test it to check the credentials and the Lead's fields.",
  "hubspot-removed": "Disconnected HubSpot: no more leads will be synced to it.",
  "salesforce-removed": "Disconnected Salesforce: no more leads will be synced to it.",
  "webhook-removed": "Removed the webhook: no more deliveries will be sent.",
  "test-delivered": "The test ping was delivered: the receiver answered 2xx.",
  "test-failed": "The test ping was not delivered: the receiver refused it or did not answer (check the URL and the receiver).",
  retried: "Delivered the failed delivery again.",
  "retry-queued": "The retry was not delivered either: it will be retried with backoff, and listed here again if it gives up.",
  "key-revoked": "Revoked the key: it no longer signs anything in (other locations follow within a minute).",
};

/** As the site API's: exclusion lists may be long. */
const BODY_LIMIT = limitBody(256 * 1024);
const SETTINGS = "/dashboard/settings";

const crmOf = (name: string): CrmName | null => ((CRMS as readonly string[]).includes(name) ? (name as CrmName) : null);

const back = (c: Context<AppEnv>, site: string, done: string, hash = "") => c.redirect(pageUrl(SETTINGS, site, { done }, hash), 303);

/** The settings page, with the typed values and errors of a form that was refused (`400`). */
async function settingsPage(c: Context<AppEnv>, found: Access, extra: Partial<SettingsProps> = {}, status: 200 | 400 = 200) {
  const { site, can, caller } = found;
  const [keys, failures, statuses] = await Promise.all([listKeys(c.env.SITES, site.id), listFailures(c.env.SITES, site.id), crmStatuses(c.env.SITES, site)]);
  const done = c.req.query("done");
  return c.html(documentOf(
    <SettingsPage
      nav={{ site: site.id, current: "settings", can }} site={site} values={valuesOf(site)} posted={null}
      notice={done && Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined}
      keys={keys} failures={failures} canCreateKeys={caller.kind === "admin"} crmStatuses={statuses} {...extra}
    />,
  ), status);
}

export const settingsPages = new Hono<AppEnv>()
  .get(SETTINGS, async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    return settingsPage(c, found);
  })
  .post(`${SETTINGS}/webhook/remove`, BODY_LIMIT, async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const saved = await patchSite(c.env, found.site, { webhook: null }, c.req.url, Date.now());
    if (!saved.ok) throw new Error(`removing the webhook failed its check: ${JSON.stringify(saved.issues)}`);
    return back(c, found.site.id, "webhook-removed", "#settings-webhook");
  })
  .post(`${SETTINGS}/webhook/test`, BODY_LIMIT, async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const ping = await pingWebhook(c.env, found.site, Date.now());
    if (!ping) return messagePage(c, 400, "No webhook", "This site has no webhook to test: save one first.");
    return back(c, found.site.id, ping.delivered ? "test-delivered" : "test-failed", "#settings-webhook");
  })
  .post(`${SETTINGS}/webhook/failed/:id/retry`, BODY_LIMIT, async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const retried = await retryFailure(c.env, found.site.id, c.req.param("id"), Date.now());
    if (!retried) return messagePage(c, 404, "No such delivery", "This site has no failed delivery with that id: it may have been retried already.");
    return back(c, found.site.id, retried.delivered ? "retried" : "retry-queued", "#settings-failed");
  })
  // As POST /v1/sites/:site/crm/:crm/test; what it found (created, missing) is shown on the page it answers.
  .post(`${SETTINGS}/crm/:crm/test`, BODY_LIMIT, async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const crm = crmOf(c.req.param("crm"));
    const tested = crm && (await testConnection(c.env.SITES, found.site, crm, Date.now()));
    if (!crm || !tested) return messagePage(c, 400, "Not connected", `This site has no ${crm ? CRM_NAMES[crm] : "such CRM"} connection to test: save one first.`);
    return settingsPage(c, found, { crmTest: tested });
  })
  // `{"crm": {"<crm>": null}}`: the connection and its credentials go, and deliveries to it stop.
  .post(`${SETTINGS}/crm/:crm/remove`, BODY_LIMIT, async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const crm = crmOf(c.req.param("crm"));
    if (!crm) return c.notFound();
    const saved = await patchSite(c.env, found.site, { crm: { [crm]: null } }, c.req.url, Date.now());
    if (!saved.ok) throw new Error(`disconnecting ${crm} failed its check: ${JSON.stringify(saved.issues)}`);
    return back(c, found.site.id, `${crm}-removed`, `#settings-${crm}`);
  })
  // Only the admin token creates keys, as POST /v1/sites/:site/keys.
  .post(`${SETTINGS}/keys`, BODY_LIMIT, async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    if (found.caller.kind !== "admin") return messagePage(c, 403, "Not allowed", "Only the admin token creates keys.");
    const scopes = [(await c.req.parseBody({ all: true })).scopes].flat().filter((s): s is string => typeof s === "string");
    const request = check(KeyRequestSchema, { scopes });
    if (!request.ok) return settingsPage(c, found, { keyRequest: { scopes, errors: request.issues.map((i) => i.message) } }, 400);
    const { key, token } = await createKey(c.env.SITES, found.site.id, request.value.scopes, Date.now());
    return c.html(documentOf(
      <KeyCreatedPage nav={{ site: found.site.id, current: "settings", can: found.can }} site={found.site} token={token} scopes={key.scopes} />,
    ), 201);
  })
  .post(`${SETTINGS}/keys/:id/revoke`, BODY_LIMIT, async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    if (!(await revokeKey(c.env.SITES, found.site.id, c.req.param("id")))) {
      return messagePage(c, 404, "No such key", "This site has no key with that id: it may have been revoked already.");
    }
    return back(c, found.site.id, "key-revoked", "#settings-keys");
  })
  // A part of the config, changed as PATCH /v1/sites/:site changes it. Last: the routes above are no form.
  .post(`${SETTINGS}/:form`, BODY_LIMIT, async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const form = c.req.param("form");
    if (!isForm(form)) return c.notFound();
    const body = await c.req.parseBody({ all: true });
    const values: Values = postedValues(found.site, form, body);
    const generated = form === "webhook" && body[GENERATE_SECRET] === "true" ? newStandardSecret() : null;
    const saved = await patchSite(c.env, found.site, patchOf(form, generated ? { ...values, "webhook.secret": generated } : values), c.req.url, Date.now());
    if (!saved.ok) {
      return settingsPage(c, found, { values, posted: { form, errors: errorsOf(form, saved.issues) }, generateSecret: generated !== null }, 400);
    }
    // A generated secret is shown here, once: the site keeps it write-only.
    if (generated) return c.html(documentOf(<WebhookSecretPage nav={{ site: found.site.id, current: "settings", can: found.can }} site={saved.value} secret={generated} />));
    return back(c, found.site.id, form, `#settings-${form}`);
  })
  .get("/dashboard/install", async (c) => {
    const found = await access(c);
    if (found instanceof Response) return found;
    const { site, can } = found;
    return c.html(documentOf(<InstallPage nav={{ site: site.id, current: "install", can }} site={site.id} origin={new URL(c.req.url).origin} />));
  });
