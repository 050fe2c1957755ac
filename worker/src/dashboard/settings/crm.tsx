/**
 * Settings → CRM (docs/dashboard.md, Settings; docs/crm.md): a card per CRM with its
 * connection's status, its form (credentials write-only, the stages it syncs, its stage
 * and field maps as tables of inputs), and its test and disconnect buttons.
 */
import type { Child } from "hono/jsx";
import { STAGES } from "../../../../shared/rules";
import type { ConnectionTest } from "../../crm/connection";
import type { CrmField } from "../../crm/fields";
import type { CrmStatus } from "../../crm/status";
import type { CrmName } from "../../domain/crm";
import type { Site } from "../../sites/config";
import { time } from "../format";
import { Card } from "../sections";
import { CheckGroup, describedBy, FieldError, fieldId, TextField } from "./fields";
import { MAPPED_FIELDS, MAPPED_STAGES, type FieldName, type Values } from "./forms";

/** Each CRM by its name in words. */
export const CRM_NAMES: Readonly<Record<CrmName, string>> = { hubspot: "HubSpot", salesforce: "Salesforce" };

/** The edgescore fields in plain words, as the field maps' rows name them (docs/crm.md#field-maps). */
export const FIELD_LABELS: Readonly<Record<CrmField, string>> = {
  email: "Email", firstName: "First name", lastName: "Last name", company: "Company", title: "Job title", phone: "Phone",
  companySize: "Company size", industry: "Industry", country: "Country", source: "Where the lead came from (first touch)",
  score: "Score", fit: "Fit score", engagement: "Engagement score", stage: "edgescore stage", mqlAt: "When it became an MQL",
  reasons: "Reasons for the score", url: "Lead's page link", profile: "edgescore lead id",
};

const STAGE_LABELS: Readonly<Record<(typeof MAPPED_STAGES)[number], string>> = {
  lead: "Lead", mql: "MQL", sql: "SQL", opportunity: "Opportunity", customer: "Customer", disqualified: "Disqualified",
};

/** A connection's status as `GET /v1/sites/:site/crm` answers it. */
export type ConnectionStatus = Omit<CrmStatus, "credentials"> | { state: "untested" };

/** A CRM card's form action: the page it answers opens at the card (a refused field, a test's result), not at the top. */
const action = (site: string, path: string, crm: CrmName) => `/dashboard/settings${path}?${new URLSearchParams({ site })}#settings-${crm}`;

/** The status in words: what a test or the last delivery found with the credentials saved now. */
export function statusText(crm: CrmName, status: ConnectionStatus): string {
  if (status.state === "untested") return "Not tested yet.";
  if (status.state === "connected") return `Connected, checked ${time(status.at)}.`;
  const again = crm === "hubspot" ? "a new token is saved" : "new credentials are saved";
  return `Refused by ${CRM_NAMES[crm]} at ${time(status.at)}: ${status.error ?? "no reason given"}. Deliveries are held until ${again}.`;
}

/** What a test of the connection found, in words; the fields it lacks listed one by one. */
export function TestResult({ test }: { test: ConnectionTest }) {
  const name = CRM_NAMES[test.crm];
  if (test.ok) {
    const created = test.created ?? [];
    return (
      <div class="notice" role="status">
        <p class="flush">{`Connected to ${name}.`} {created.length
          ? `Created in ${name}: ${created.join(", ")}.`
          : test.crm === "hubspot" ? "edgescore's properties were all there already." : "The external id field and every mapped field exist."}</p>
      </div>
    );
  }
  return (
    <div class="error" role="alert">
      <p class="flush">{`The test of ${name} failed: ${test.error ?? "no reason given"}`}</p>
      {test.missing?.length ? (
        <>
          <p class="flush">{`Missing in ${name}:`}</p>
          <ul class="missing">{test.missing.map((m) => <li>{m}</li>)}</ul>
        </>
      ) : null}
    </div>
  );
}

/** A map edited as a table of its own fieldset: a row per key, its label in words, an input holding the CRM's name. */
function MapTable({ legend, hint, column, prefix, rows, values, errors }: {
  legend: string; hint: string; column: string; prefix: string; rows: readonly (readonly [string, string])[]; values: Values; errors: Record<string, string[]>;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <p class="hint">{hint}</p>
      <table class="map">
        <caption class="visually-hidden">{legend}</caption>
        <thead><tr><th scope="col">edgescore</th><th scope="col">{column}</th></tr></thead>
        <tbody>
          {rows.map(([key, label]) => {
            const name = `${prefix}${key}` as FieldName;
            const id = fieldId(name);
            const error = errors[name];
            return (
              <tr>
                <th scope="row"><label for={id}>{label}</label></th>
                <td>
                  <input id={id} name={name} type="text" value={String(values[name])} autocomplete="off" spellcheck={false}
                    aria-invalid={error?.length ? "true" : undefined} aria-describedby={describedBy(id, false, !!error?.length)} />
                  <FieldError id={id} errors={error} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </fieldset>
  );
}

/** The buttons of a saved connection: test it, or disconnect it. */
function ConnectionActions({ site, crm }: { site: string; crm: CrmName }) {
  const name = CRM_NAMES[crm];
  return (
    <div class="actions webhook-actions">
      <form class="inline" method="post" action={action(site, `/crm/${crm}/test`, crm)}>
        <button class="secondary" type="submit">Test connection</button>
      </form>
      <form class="inline" method="post" action={action(site, `/crm/${crm}/remove`, crm)}>
        <button class="danger" type="submit">{`Disconnect ${name}: stop syncing leads`}</button>
      </form>
    </div>
  );
}

function Status({ crm, status }: { crm: CrmName; status: ConnectionStatus | undefined }) {
  if (!status) return null;
  return <p class={status.state === "refused" ? "error" : "status"} data-crm-status={status.state}><strong>Status:</strong> {statusText(crm, status)}</p>;
}

/** The card of one CRM: its status, its form, and the actions of a saved connection. */
function CrmCard({ site, crm, note, connected, status, test, errors, children }: {
  site: string; crm: CrmName; note: Child; connected: boolean; status?: ConnectionStatus; test?: ConnectionTest; errors: Record<string, string[]>; children: Child;
}) {
  return (
    <Card title={`CRM: ${CRM_NAMES[crm]}`} id={`settings-${crm}`} wide note={note}>
      {test?.crm === crm && <TestResult test={test} />}
      <Status crm={crm} status={status} />
      <form method="post" action={action(site, `/${crm}`, crm)}>
        {errors[""] && <p class="error form-error" role="alert">{errors[""].join("; ")}</p>}
        {children}
        <div class="actions"><button type="submit">{`Save the ${CRM_NAMES[crm]} connection`}</button></div>
      </form>
      {connected && <ConnectionActions site={site} crm={crm} />}
    </Card>
  );
}

export interface CrmSectionProps {
  site: Site;
  values: Values;
  /** Each CRM form's errors: the one just refused, else none. */
  errors: Record<CrmName, Record<string, string[]>>;
  statuses: Partial<Record<CrmName, ConnectionStatus>>;
  /** What "Test connection" just found, shown in its CRM's card. */
  test?: ConnectionTest;
}

const FIELD_MAP_HINT = "Blank: not sent. A value edgescore does not know is left out, never blanked, so what sales typed stays.";
const STAGES_HINT = "None ticked: mql, sql, opportunity and customer. Once the CRM holds a lead, every later change of its stage is synced too.";

/** The CRM section of the settings page: HubSpot's card and Salesforce's. */
export function CrmSection({ site, values, errors, statuses, test }: CrmSectionProps) {
  const text = (name: FieldName) => String(values[name]);
  const list = (name: FieldName) => [values[name]].flat();
  const fieldRows = (crm: CrmName) => MAPPED_FIELDS[crm].map((field) => [field, FIELD_LABELS[field]] as const);
  const stageRows = MAPPED_STAGES.map((stage) => [stage, STAGE_LABELS[stage]] as const);
  const hubspot = site.crm?.hubspot;
  const salesforce = site.crm?.salesforce;
  const e = errors;
  return (
    <>
      <CrmCard site={site.id} crm="hubspot" connected={!!hubspot} status={statuses.hubspot} test={test} errors={e.hubspot}
        note={hubspot
          ? "Leads are upserted into HubSpot contacts by email when they reach the stages below, with their score, reasons and a link to their page here."
          : <>Not connected. In HubSpot, <strong>Settings → Integrations → Private apps → Create a private app</strong> with the contacts' read and write scopes and their schemas' read and write scopes, then paste its access token here. The steps: docs/crm.md in the edgescore repository, "HubSpot".</>}>
        <TextField name="crm.hubspot.accessToken" label="Access token" type="password" autocomplete="new-password" value="" errors={e.hubspot["crm.hubspot.accessToken"]}
          hint={hubspot ? "A token is set: leave blank to keep it, or paste a new one." : "The private app's access token (pat-…)."} />
        <TextField name="crm.hubspot.appSecret" label="App secret (optional)" type="password" autocomplete="new-password" value="" errors={e.hubspot["crm.hubspot.appSecret"]}
          hint={hubspot?.appSecret ? "A secret is set: leave blank to keep it, or paste a new one." : "The app's client secret: with it, HubSpot's webhooks bring sales' outcomes back (a contact moved to SQL moves the lead)."} />
        <CheckGroup name="crm.hubspot.stages" label="Stages it syncs" options={STAGES.filter((s) => s !== "visitor")} checked={list("crm.hubspot.stages")}
          errors={e.hubspot["crm.hubspot.stages"]} hint={STAGES_HINT} />
        <div class="maps">
        <MapTable legend="HubSpot lifecycle stage for each edgescore stage" hint="The lifecycle stage's internal value (marketingqualifiedlead). Blank: the contact's lifecycle stage is left as it is." column="HubSpot lifecycle stage" prefix="crm.hubspot.lifecycle." rows={stageRows} values={values} errors={e.hubspot} />
        <MapTable legend="HubSpot property for each edgescore field" hint={`The property's internal name (edgescore_score). ${FIELD_MAP_HINT}`} column="HubSpot property" prefix="crm.hubspot.fields." rows={fieldRows("hubspot")} values={values} errors={e.hubspot} />
        </div>
      </CrmCard>

      <CrmCard site={site.id} crm="salesforce" connected={!!salesforce} status={statuses.salesforce} test={test} errors={e.salesforce}
        note={salesforce
          ? "Leads are upserted into Salesforce Leads by their edgescore id (the external id field) when they reach the stages below."
          : <>Not connected. In Salesforce, create edgescore's fields on the Lead and a connected app with the client credentials flow, then fill in its consumer key and secret here. The steps: docs/crm.md in the edgescore repository, "Salesforce".</>}>
        <TextField name="crm.salesforce.domain" label="My Domain URL" type="url" value={text("crm.salesforce.domain")} errors={e.salesforce["crm.salesforce.domain"]}
          hint="Such as https://acme.my.salesforce.com." />
        <TextField name="crm.salesforce.clientId" label="Consumer key (client id)" value={text("crm.salesforce.clientId")} errors={e.salesforce["crm.salesforce.clientId"]} />
        <TextField name="crm.salesforce.clientSecret" label="Consumer secret" type="password" autocomplete="new-password" value="" errors={e.salesforce["crm.salesforce.clientSecret"]}
          hint={salesforce ? "A secret is set: leave blank to keep it, or paste a new one." : "The connected app's consumer secret."} />
        <TextField name="crm.salesforce.externalIdField" label="External id field" value={text("crm.salesforce.externalIdField")} errors={e.salesforce["crm.salesforce.externalIdField"]}
          hint="The Lead's custom field, Unique and External ID, that holds the edgescore lead id." />
        <TextField name="crm.salesforce.apiVersion" label="API version" value={text("crm.salesforce.apiVersion")} errors={e.salesforce["crm.salesforce.apiVersion"]}
          hint="Such as 62.0." />
        <CheckGroup name="crm.salesforce.stages" label="Stages it syncs" options={STAGES.filter((s) => s !== "visitor")} checked={list("crm.salesforce.stages")}
          errors={e.salesforce["crm.salesforce.stages"]} hint={STAGES_HINT} />
        <div class="maps">
        <MapTable legend="Lead Status for each edgescore stage" hint="A value of the org's Lead Status picklist. Blank: the status is left as it is (opportunity and customer are converted statuses, set only by converting the lead)." column="Lead Status" prefix="crm.salesforce.status." rows={stageRows} values={values} errors={e.salesforce} />
        <MapTable legend="Lead field for each edgescore field" hint={`The field's API name (Edgescore_Score__c). ${FIELD_MAP_HINT}`} column="Salesforce field" prefix="crm.salesforce.fields." rows={fieldRows("salesforce")} values={values} errors={e.salesforce} />
        </div>
      </CrmCard>
    </>
  );
}
