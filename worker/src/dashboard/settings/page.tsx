/**
 * The settings page (docs/dashboard.md, Settings): one form per part of the site's config,
 * its webhook's test and failed deliveries, and the site's keys; and the page that shows a
 * new key, once.
 */
import type { Child } from "hono/jsx";
import { STAGES } from "../../../../shared/rules";
import type { ConnectionTest } from "../../crm/connection";
import type { CrmName } from "../../domain/crm";
import type { Site } from "../../sites/config";
import { DEFAULT_SCOPES, SCOPES, type ListedKey, type Scope } from "../../sites/keys";
import type { FailedDelivery } from "../../webhooks/failed";
import { count, time } from "../format";
import { Notice, Page, type NavContext } from "../layout";
import { Card, Failures, Scroll } from "../sections";
import { CrmSection, type ConnectionStatus } from "./crm";
import { CheckField, CheckGroup, TextArea, TextField } from "./fields";
import { GENERATE_SECRET, type SettingsForm, type Values } from "./forms";

const action = (site: string, path: string) => `/dashboard/settings${path}?${new URLSearchParams({ site })}`;

/** A form of the page: its errors, if it was the one posted, and its save button. */
function SettingsCard({ site, form, title, note, errors, children }: {
  site: string; form: SettingsForm; title: string; note?: string; errors: Record<string, string[]>; children: Child;
}) {
  return (
    <Card title={title} note={note} id={`settings-${form}`}>
      <form method="post" action={action(site, `/${form}`)}>
        {errors[""] && <p class="error form-error" role="alert">{errors[""].join("; ")}</p>}
        {children}
        <div class="actions"><button type="submit">Save</button></div>
      </form>
    </Card>
  );
}

export interface SettingsProps {
  nav: NavContext;
  site: Site;
  values: Values;
  /** The form just posted and its field errors (a check failed), else null. */
  posted: { form: SettingsForm; errors: Record<string, string[]> } | null;
  notice?: string;
  keys: ListedKey[];
  failures: FailedDelivery[];
  /** Only the admin token creates keys, as in the API. */
  canCreateKeys: boolean;
  /** The scopes a key being created had ticked, and why they were refused. */
  keyRequest?: { scopes: string[]; errors?: string[] };
  /** The webhook form was refused with "generate a new secret" ticked: it stays ticked. */
  generateSecret?: boolean;
  /** Each CRM connection's status (docs/crm.md, Connection status). */
  crmStatuses: Partial<Record<CrmName, ConnectionStatus>>;
  /** What "Test connection" just found, shown in its CRM's card. */
  crmTest?: ConnectionTest;
}

export function SettingsPage({ nav, site, values, posted, notice, keys, failures, canCreateKeys, keyRequest, generateSecret = false, crmStatuses, crmTest }: SettingsProps) {
  const errorsOf = (form: SettingsForm) => (posted?.form === form ? posted.errors : {});
  const text = (name: keyof Values) => String(values[name]);
  const list = (name: keyof Values) => [values[name]].flat();
  const e = { name: errorsOf("name"), origins: errorsOf("origins"), webhook: errorsOf("webhook"), identity: errorsOf("identity"),
    visibility: errorsOf("visibility"), retention: errorsOf("retention"), exclusions: errorsOf("exclusions") };
  return (
    <Page title={`Settings · ${site.name} · edgescore`} signedIn nav={nav}>
      <div class="heading">
        <div>
          <h1>Settings</h1>
          <p class="muted">{site.name} · <code>{site.id}</code> · rules version {count(site.rulesVersion)}</p>
        </div>
      </div>
      <Notice message={notice} />
      {posted && <p class="error" role="alert">Not saved: see the messages beside the fields below.</p>}
      <div class="grid settings">
        <SettingsCard site={site.id} form="name" title="Name" errors={e.name}>
          <TextField name="name" label="Site name" value={text("name")} errors={e.name.name} />
        </SettingsCard>

        <SettingsCard site={site.id} form="origins" title="Allowed origins"
          note="Pages whose events are accepted: scheme, host and port, such as https://www.example.com. Events from any other origin are refused." errors={e.origins}>
          <TextArea name="origins" label="Origins, one a line" value={text("origins")} errors={e.origins.origins} />
        </SettingsCard>

        <Card title="Webhook" id="settings-webhook" wide
          note="Stage changes are posted to this URL, signed with the secret as Standard Webhooks sign, so the receiver verifies them with a Standard Webhooks library. The secret is write-only: it is never shown back.">
          <form method="post" action={action(site.id, "/webhook")}>
            {e.webhook[""] && <p class="error form-error" role="alert">{e.webhook[""].join("; ")}</p>}
            <TextField name="webhook.url" label="URL" type="url" value={text("webhook.url")} errors={e.webhook["webhook.url"]}
              hint="https, or http to a loopback address when run locally." />
            <TextField name="webhook.secret" label="Signing secret" type="password" autocomplete="new-password" value="" errors={e.webhook["webhook.secret"]}
              hint={site.webhook ? "A secret is set: leave blank to keep it, or type a new one (16 characters or more; a whsec_ one must be a valid Standard Webhooks secret)." : "16 characters or more; a whsec_ one must be a valid Standard Webhooks secret."} />
            <CheckField name={GENERATE_SECRET} label="Generate a new secret (whsec_…)" checked={generateSecret}
              hint="Made for you and shown once, after saving; the receiver's library takes it as it is. It replaces the current secret and anything typed above." />
            <CheckGroup name="webhook.stages" label="Stage changes it hears of" options={STAGES} checked={list("webhook.stages")} errors={e.webhook["webhook.stages"]}
              hint="None ticked: mql, sql, opportunity and customer, and an MQL's expiry back to lead." />
            <div class="actions"><button type="submit">Save webhook</button></div>
          </form>
          {site.webhook && (
            <div class="actions webhook-actions">
              <form class="inline" method="post" action={action(site.id, "/webhook/test")}>
                <button class="secondary" type="submit">Send a test</button>
              </form>
              <form class="inline" method="post" action={action(site.id, "/webhook/remove")}>
                <button class="danger" type="submit">Remove the webhook</button>
              </form>
            </div>
          )}
        </Card>

        <SettingsCard site={site.id} form="identity" title="Identity" errors={e.identity}
          note="The secret the site signs an identify with, so that its lead counts as verified. Write-only: never shown back.">
          <TextField name="identifySecret" label="Identity secret" type="password" autocomplete="new-password" value="" errors={e.identity.identifySecret}
            hint={site.identifySecret ? "A secret is set: leave blank to keep it, or type a new one." : "None set. 16 characters or more."} />
          <CheckField name="requireVerified" label="Require verified identities" checked={text("requireVerified") === "true"} errors={e.identity.requireVerified}
            hint="An identify the site did not sign is refused, and a form's email does not identify." />
        </SettingsCard>

        <SettingsCard site={site.id} form="visibility" title="Public stages" errors={e.visibility}
          note="The stages a visitor's browser may see of itself: a later stage shows as the highest public one below it, disqualified as lead.">
          <CheckGroup name="publicStages" label="Stages shown to browsers" options={STAGES} checked={list("publicStages")} errors={e.visibility.publicStages} />
        </SettingsCard>

        <SettingsCard site={site.id} form="retention" title="Retention and MQL service level" errors={e.retention}>
          <TextField name="retentionDays" label="Keep a profile's events for (days)" type="number" inputmode="numeric" value={text("retentionDays")} errors={e.retention.retentionDays}
            hint="1 to 3650." />
          <TextField name="mqlSlaDays" label="Days sales have to act on an MQL" type="number" inputmode="numeric" value={text("mqlSlaDays")} errors={e.retention.mqlSlaDays}
            hint="1 to 365; blank for no limit. An MQL left untouched longer goes back to lead." />
        </SettingsCard>

        <SettingsCard site={site.id} form="exclusions" title="Exclusions and bots" errors={e.exclusions}
          note="The site's own staff and test traffic: recorded, never scored.">
          <TextArea name="exclude.emailDomains" label="Email domains excluded, one a line" value={text("exclude.emailDomains")} errors={e.exclusions["exclude.emailDomains"]} />
          <TextArea name="exclude.ips" label="IP addresses excluded, one a line" value={text("exclude.ips")} errors={e.exclusions["exclude.ips"]} />
          <CheckField name="allowBots" label="Score bot traffic too" checked={text("allowBots") === "true"} errors={e.exclusions.allowBots}
            hint="Crawlers, HTTP clients and link scanners are otherwise recorded but never scored." />
        </SettingsCard>

        <CrmSection site={site} values={values} statuses={crmStatuses} test={crmTest}
          errors={{ hubspot: errorsOf("hubspot"), salesforce: errorsOf("salesforce") }} />

        <Card title="Failed deliveries" id="settings-failed" wide
          note="Webhook and CRM deliveries that gave up after a day of retries. Retry one once its receiver or CRM is back.">
          <Failures site={site.id} failures={failures} />
        </Card>

        <Card title="Site keys" id="settings-keys" wide
          note="Keys for servers and for signing in here, each with its scopes. A key is shown once, when it is created.">
          <Keys site={site.id} keys={keys} />
          {canCreateKeys && (
            <form method="post" action={action(site.id, "/keys")}>
              <CheckGroup name="scopes" label="Scopes of a new key" options={SCOPES} checked={keyRequest?.scopes ?? DEFAULT_SCOPES}
                errors={keyRequest?.errors} />
              <div class="actions"><button type="submit">Create a key</button></div>
            </form>
          )}
        </Card>
      </div>
    </Page>
  );
}

function Keys({ site, keys }: { site: string; keys: ListedKey[] }) {
  if (!keys.length) return <p class="empty">No keys yet.</p>;
  return (
    <Scroll label="Site keys">
      <table class="keys">
        <thead><tr><th>Key</th><th>Scopes</th><th>Created</th><th>Last used</th><th>Revoke</th></tr></thead>
        <tbody>
          {keys.map((k) => (
            <tr data-key={k.id}>
              <td class="path">esk_{k.id}…</td>
              <td>{k.scopes.join(", ")}</td>
              <td>{time(k.createdAt)}</td>
              <td>{k.lastUsedAt === null ? "never" : time(k.lastUsedAt)}</td>
              <td>
                <form class="inline" method="post" action={action(site, `/keys/${encodeURIComponent(k.id)}/revoke`)}>
                  <button class="small danger" type="submit" aria-label={`Revoke key esk_${k.id}`}>Revoke</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

/** A secret the only time it is shown, with the way back to the settings' part it belongs to. */
function ShownOncePage({ nav, site, heading, notice, card, field, label, value, back }: {
  nav: NavContext; site: Site; heading: string; notice: string; card: string; field: string; label: string; value: string; back: string;
}) {
  return (
    <Page title={`${heading} · ${site.name} · edgescore`} signedIn nav={nav}>
      <div class="heading"><div><h1>{heading}</h1><p class="muted">{site.name} · <code>{site.id}</code></p></div></div>
      <p class="notice" role="status">{notice}</p>
      <Card title={card}>
        <TextArea name={field} label={label} value={value} rows={2} readonly />
        <p><a href={`/dashboard/settings?${new URLSearchParams({ site: site.id })}#${back}`}>Back to the settings</a></p>
      </Card>
    </Page>
  );
}

/** A new key, the only time it is shown: the answer to creating it. */
export function KeyCreatedPage({ nav, site, token, scopes }: { nav: NavContext; site: Site; token: string; scopes: Scope[] }) {
  return (
    <ShownOncePage nav={nav} site={site} heading="New key" notice={`Key created with ${scopes.join(", ")}. Copy it now: it is not shown again.`}
      card="The key" field="key" label="Key (select it and copy)" value={token} back="settings-keys" />
  );
}

/** A generated webhook secret, the only time it is shown: the answer to saving the webhook with it. */
export function WebhookSecretPage({ nav, site, secret }: { nav: NavContext; site: Site; secret: string }) {
  return (
    <ShownOncePage nav={nav} site={site} heading="New webhook secret"
      notice="Saved the webhook with a new signing secret: deliveries are signed with it from now on. Copy it into the receiver now: it is not shown again."
      card="The secret" field="secret" label="Signing secret (select it and copy)" value={secret} back="settings-webhook" />
  );
}
