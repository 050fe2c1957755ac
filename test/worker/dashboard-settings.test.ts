/**
 * The settings and install pages (docs/dashboard.md, Settings and Install): each form is a
 * partial change read back through GET /v1/sites/:site, errors stand beside their field,
 * keys are shown once, and a key without `site:admin` can change nothing.
 */
import { env } from "cloudflare:workers";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, inject, it } from "vitest";
import { recordFailure } from "../../worker/src/webhooks/failed";
import {
  ADMIN, call, collect, createSite, DASHBOARD_ORIGIN as SELF, dashboardSession as session, ev, hmacHex, json, lookup, openPage as open, submitForm as submit, uid, until,
} from "./helpers";

const receiver = inject("receiver");
const SECRET = "whsec-settings-0123456789";

async function config(site: string): Promise<Record<string, any>> {
  const res = await call(`/v1/sites/${site}`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return res.json();
}

/** The field (label, hint, input, error) whose input has this id. */
function field(html: string, id: string): string {
  const found = new RegExp(`<div class="field"><label[^>]*for="${id}"[\\s\\S]*?</div>`).exec(html);
  if (!found) throw new Error(`no field ${id}`);
  return found[0];
}

const decoded = (html: string) => html.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;/g, "'").replace(/&amp;/g, "&");

async function siteWithWebhookAndRules(): Promise<{ site: string; rules: unknown }> {
  const hook = `${receiver}/hook/${uid("h")}`;
  const site = await createSite({ webhook: { url: hook, secret: SECRET, stages: ["mql"] } });
  // Custom rules: the default model with one rule's points changed.
  const rules = (await config(site)).rules;
  rules.rules[0].points += 5;
  const res = await call(`/v1/sites/${site}`, { method: "PATCH", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify({ rules }) });
  expect(res.status).toBe(200);
  return { site, rules };
}

describe("settings page", () => {
  it("saves each form as a partial change: read back through the API, the webhook and rules kept, each saying what it did", async () => {
    const { site, rules } = await siteWithWebhookAndRules();
    const before = await config(site);
    const cookie = await session();
    const forms: Array<[string, Record<string, string | string[]>, (c: Record<string, any>) => void]> = [
      ["name", { name: "  Acme Europe " }, (c) => expect(c.name).toBe("Acme Europe")],
      ["origins", { origins: "https://www.acme.test\r\n\r\nhttps://shop.acme.test\n" }, (c) => expect(c.origins).toEqual(["https://www.acme.test", "https://shop.acme.test"])],
      ["webhook", { "webhook.url": before.webhook.url, "webhook.secret": "", "webhook.stages": ["mql", "sql"] },
        (c) => expect(c.webhook).toEqual({ url: before.webhook.url, secret: { set: true }, stages: ["mql", "sql"] })],
      ["identity", { identifySecret: "identity-secret-0123456789", requireVerified: "true" },
        (c) => expect([c.identifySecret, c.requireVerified]).toEqual([{ set: true }, true])],
      ["visibility", { publicStages: ["visitor", "lead", "mql", "sql"] }, (c) => expect(c.publicStages).toEqual(["visitor", "lead", "mql", "sql"])],
      ["retention", { retentionDays: "30", mqlSlaDays: "7" }, (c) => expect([c.retentionDays, c.mqlSlaDays]).toEqual([30, 7])],
      ["exclusions", { "exclude.emailDomains": "Acme.test\nexample.org", "exclude.ips": "192.0.2.7", allowBots: "true" },
        (c) => expect([c.exclude, c.allowBots]).toEqual([{ emailDomains: ["acme.test", "example.org"], ips: ["192.0.2.7"] }, true])],
    ];
    for (const [form, fields, expectation] of forms) {
      const res = await submit(`/dashboard/settings/${form}?site=${site}`, cookie, fields);
      expect(res.status, form).toBe(303);
      expect(res.headers.get("Location")).toBe(`/dashboard/settings?site=${site}&done=${form}#settings-${form}`);
      const after = await config(site);
      expectation(after);
      expect(after.rules).toEqual(rules);
      expect(after.rulesVersion).toBe(before.rulesVersion);
      expect(after.webhook.url).toBe(before.webhook.url);
    }
    // Unticking and blanking: requireVerified off, the service level back to none, the webhook's stages to its default.
    expect((await submit(`/dashboard/settings/identity?site=${site}`, cookie, {})).status).toBe(303);
    expect((await submit(`/dashboard/settings/retention?site=${site}`, cookie, { retentionDays: "30", mqlSlaDays: "" })).status).toBe(303);
    expect((await submit(`/dashboard/settings/webhook?site=${site}`, cookie, { "webhook.url": before.webhook.url })).status).toBe(303);
    const after = await config(site);
    expect([after.requireVerified, after.identifySecret, after.mqlSlaDays, after.webhook]).toEqual([false, { set: true }, null, { url: before.webhook.url, secret: { set: true } }]);

    const page = await (await open(`/dashboard/settings?site=${site}&done=exclusions`, cookie)).text();
    expect(page).toContain('<p class="notice" role="status">Saved the exclusions.</p>');
    // What the site has is in the fields; secrets are never shown back.
    expect(field(page, "f-name")).toContain('value="Acme Europe"');
    expect(page).not.toContain(SECRET);
    expect(page).not.toContain("identity-secret-0123456789");
    // A code it does not know says nothing.
    expect(await (await open(`/dashboard/settings?site=${site}&done=<b>hi</b>`, cookie)).text()).not.toContain('class="notice"');
  });

  it("shows each error beside the field that caused it, keeps what was typed, and saves nothing", async () => {
    const site = await createSite();
    const before = await config(site);
    const cookie = await session();

    let res = await submit(`/dashboard/settings/origins?site=${site}`, cookie, { origins: "https://ok.acme.test\nnot an origin" });
    expect(res.status).toBe(400);
    let html = await res.text();
    let origins = field(html, "f-origins");
    expect(origins).toContain('aria-invalid="true"');
    expect(origins).toMatch(/<p class="field-error" id="f-origins-error">line 2: must be an origin/);
    expect(origins).toContain("https://ok.acme.test\nnot an origin</textarea>");

    // A new webhook needs its secret; a bad URL is named beside the URL.
    res = await submit(`/dashboard/settings/webhook?site=${site}`, cookie, { "webhook.url": "ftp://hooks.example.com/x", "webhook.secret": "" });
    html = await res.text();
    expect(res.status).toBe(400);
    expect(field(html, "f-webhook-url")).toMatch(/value="ftp:\/\/hooks.example.com\/x"[\s\S]*field-error[^>]*>must be an https URL/);
    res = await submit(`/dashboard/settings/webhook?site=${site}`, cookie, { "webhook.url": "https://hooks.example.com/x", "webhook.secret": "" });
    expect(field(await res.text(), "f-webhook-secret")).toContain("no secret is set yet: send the secret itself");

    res = await submit(`/dashboard/settings/retention?site=${site}`, cookie, { retentionDays: "0", mqlSlaDays: "400" });
    html = await res.text();
    expect(field(html, "f-retentionDays")).toMatch(/value="0"[\s\S]*field-error/);
    expect(field(html, "f-mqlSlaDays")).toMatch(/value="400"[\s\S]*field-error/);
    // Other forms show no error.
    expect(field(html, "f-name")).not.toContain("field-error");
    origins = field(html, "f-origins");
    expect(origins).not.toContain("field-error");

    expect(await config(site)).toEqual(before);
  });

  it("generates a whsec_ secret when asked, shows it once, and signs with it: the standardwebhooks library verifies the test ping", async () => {
    const name = uid("h");
    const url = `${receiver}/hook/${name}`;
    const site = await createSite();
    const cookie = await session();
    const made = /whsec_[A-Za-z0-9+/]{43}=/;

    // Refused for its URL: nothing saved or shown, and the box stays ticked.
    let res = await submit(`/dashboard/settings/webhook?site=${site}`, cookie, { "webhook.url": "ftp://hooks.example.com/x", generateSecret: "true" });
    expect(res.status).toBe(400);
    let html = await res.text();
    expect(html).not.toMatch(made);
    expect(html).toMatch(/<input id="f-generateSecret"[^>]* checked/);
    expect((await config(site)).webhook).toBeUndefined();

    // Ticked, the made secret wins over one typed.
    const typed = "typed-secret-0123456789";
    res = await submit(`/dashboard/settings/webhook?site=${site}`, cookie, { "webhook.url": url, "webhook.secret": typed, generateSecret: "true" });
    expect(res.status).toBe(200);
    html = await res.text();
    expect(html).toContain('<p class="notice" role="status">Saved the webhook with a new signing secret');
    const secret = new RegExp(`<textarea id="f-secret"[^>]*>(${made.source})</textarea>`).exec(html)?.[1];
    expect(secret).toBeDefined();
    expect((await config(site)).webhook).toEqual({ url, secret: { set: true } });
    const page = await (await open(`/dashboard/settings?site=${site}`, cookie)).text();
    expect(page).not.toContain(secret);
    expect(page).not.toMatch(/<input id="f-generateSecret"[^>]* checked/);

    await submit(`/dashboard/settings/webhook/test?site=${site}`, cookie);
    const [ping] = await (await fetch(`${receiver}/received/${name}`)).json<Array<{ body: string; headers: Record<string, string> }>>();
    expect(new Webhook(secret!).verify(ping!.body, ping!.headers)).toMatchObject({ type: "ping", site });
    expect(() => new Webhook(`whsec_${btoa(typed)}`).verify(ping!.body, ping!.headers)).toThrow(WebhookVerificationError);
  });

  it("sends a test ping through the webhook's code, and lists failed deliveries with a retry", async () => {
    const name = uid("h");
    const site = await createSite({ webhook: { url: `${receiver}/hook/${name}`, secret: SECRET } });
    const cookie = await session();
    const res = await submit(`/dashboard/settings/webhook/test?site=${site}`, cookie);
    expect(res.headers.get("Location")).toBe(`/dashboard/settings?site=${site}&done=test-delivered#settings-webhook`);
    const [ping] = await (await fetch(`${receiver}/received/${name}`)).json<Array<{ body: string; headers: Record<string, string> }>>();
    expect(JSON.parse(ping!.body)).toMatchObject({ type: "ping", site });
    expect(ping!.headers["x-edgescore-signature"]).toBe(`v1=${await hmacHex(SECRET, `${ping!.headers["x-edgescore-timestamp"]}.${ping!.body}`)}`);

    // A lead's delivery its outbox holds no more: retried, not delivered, back to the backoff.
    await collect(site, uid("v"), [ev.identify({ email: "ada@acme.test" })]);
    const lead = await until(() => lookup(site, "ada@acme.test"), "the lead");
    const id = `${lead.id}.7`;
    await recordFailure(env.SITES, site, {
      id, profile: lead.id, type: "profile.stage_changed", to: "mql", attempts: 12, firstAttemptAt: Date.now() - 90_000_000, failedAt: Date.now(), lastError: "HTTP 500",
    });
    const page = await (await open(`/dashboard/settings?site=${site}`, cookie)).text();
    expect(page).toContain(`action="/dashboard/settings/webhook/failed/${id}/retry?site=${site}"`);
    expect(page).toMatch(/<div class="scroll" tabindex="0" role="region" aria-label="Failed deliveries">/);
    const retried = await submit(`/dashboard/settings/webhook/failed/${id}/retry?site=${site}`, cookie);
    expect(retried.headers.get("Location")).toContain("done=retry-queued");
    expect((await submit(`/dashboard/settings/webhook/failed/nope.1/retry?site=${site}`, cookie)).status).toBe(404);

    // Removed: no test button, and a test posted anyway says there is no webhook.
    expect((await submit(`/dashboard/settings/webhook/remove?site=${site}`, cookie)).headers.get("Location")).toContain("done=webhook-removed");
    expect((await config(site)).webhook).toBeUndefined();
    expect(await (await open(`/dashboard/settings?site=${site}`, cookie)).text()).not.toContain("Send a test");
    expect((await submit(`/dashboard/settings/webhook/test?site=${site}`, cookie)).status).toBe(400);
  });

  it("shows a new key once, which works; revoking it stops it", async () => {
    const site = await createSite();
    const cookie = await session();
    const refused = await submit(`/dashboard/settings/keys?site=${site}`, cookie, {});
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/<p class="field-error" id="f-scopes-error">must name at least one scope/);

    const res = await submit(`/dashboard/settings/keys?site=${site}`, cookie, { scopes: ["exports:read", "profiles:read"] });
    expect(res.status).toBe(201);
    const token = /esk_[\w-]{16}\.[\w-]{43}/.exec(await res.text())![0];
    const id = token.slice(4, 20);
    expect((await call(`/v1/sites/${site}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);

    const page = await (await open(`/dashboard/settings?site=${site}`, cookie)).text();
    expect(page).not.toContain(token);
    expect(page).toMatch(new RegExp(`<tr data-key="${id}"><td class="path">esk_${id}…</td><td>exports:read, profiles:read</td>`));

    const revoked = await submit(`/dashboard/settings/keys/${id}/revoke?site=${site}`, cookie);
    expect(revoked.headers.get("Location")).toBe(`/dashboard/settings?site=${site}&done=key-revoked#settings-keys`);
    expect((await call(`/v1/sites/${site}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    expect(await (await open(`/dashboard/settings?site=${site}`, cookie)).text()).not.toContain(`data-key="${id}"`);
    expect((await submit(`/dashboard/settings/keys/${id}/revoke?site=${site}`, cookie)).status).toBe(404);
  });

  it("refuses every settings action to an exports:read key, shows it no Settings link, and lets it read the install page", async () => {
    const site = await createSite({ webhook: { url: `${receiver}/hook/${uid("h")}`, secret: SECRET } });
    const before = await config(site);
    const key = await (await call(`/v1/sites/${site}/keys`, json({ scopes: ["exports:read"] }))).json<{ id: string; key: string }>();
    const cookie = await session(key.key);
    expect(await (await open(`/dashboard?site=${site}`, cookie)).text()).not.toContain('href="/dashboard/settings');
    expect((await open(`/dashboard/settings?site=${site}`, cookie)).status).toBe(403);
    for (const path of ["name", "origins", "webhook", "identity", "visibility", "retention", "exclusions", "webhook/test", "webhook/remove",
      "webhook/failed/x.1/retry", "keys", `keys/${key.id}/revoke`]) {
      const res = await submit(`/dashboard/settings/${path}?site=${site}`, cookie, { name: "Hacked", origins: "https://evil.example", scopes: "site:admin" });
      expect(res.status, path).toBe(403);
    }
    expect(await config(site)).toEqual(before);

    const install = await open(`/dashboard/install?site=${site}`, cookie);
    expect(install.status).toBe(200);
    const html = decoded(await install.text());
    expect(html).toContain(`<label for="f-install-tag">`);
    expect(html).toContain(`<script async src="${SELF}/es.js" data-site="${site}"></script></textarea>`);
    expect(html).toContain('data-consent="required"');
    expect(html).toContain(`init({ site: "${site}", api: "${SELF}" });`);
  });

  it("lets a site:admin key change settings but not create keys, as in the API", async () => {
    const site = await createSite();
    const key = await (await call(`/v1/sites/${site}/keys`, json({ scopes: ["exports:read", "site:admin"] }))).json<{ key: string }>();
    const cookie = await session(key.key);
    const page = await (await open(`/dashboard/settings?site=${site}`, cookie)).text();
    expect(page).not.toContain("Create a key");
    expect((await submit(`/dashboard/settings/name?site=${site}`, cookie, { name: "Renamed" })).status).toBe(303);
    expect((await config(site)).name).toBe("Renamed");
    expect((await submit(`/dashboard/settings/keys?site=${site}`, cookie, { scopes: "site:admin" })).status).toBe(403);
  });
});
