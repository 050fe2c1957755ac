/** A lead's page, its sales actions and its erase confirmation (docs/dashboard.md, Leads). */
import type { ExplanationLine, Stage, Unscored } from "../../../../shared/rules";
import type { FieldIssue } from "../../../../shared/validation";
import type { CrmName } from "../../domain/crm";
import type { CrmSync, LeadLinks, ProfileDetails, TimelineEntry } from "../../objects/profile/types";
import { count, signed, time, traitText } from "../format";
import { Notice, Page, type NavContext } from "../layout";
import { Card, Scroll } from "../sections";
import { CRM_NAMES } from "../settings/crm";

/** Why an event gave nothing, in a marketer's words (docs/api.md, Profiles). */
export const UNSCORED: Record<Unscored, string> = {
  bot: "Bot traffic",
  excluded_address: "From an excluded address",
  staff: "The site's own staff (an excluded email domain)",
  unknown: "Not scored (recorded before reasons were kept)",
  no_rule: "No rule matched",
  cap: "A rule's cap was reached",
  limit: "A rule's limit held (per, unique, min count, or already given)",
};

/** The stages sales may move a lead to, with what the action is called. */
export const SALES_ACTIONS: readonly [Stage, string][] = [
  ["sql", "SQL: sales accepted"],
  ["opportunity", "Opportunity"],
  ["customer", "Customer"],
  ["disqualified", "Disqualified"],
  ["lead", "Recycle to nurture"],
];

export interface SalesForm {
  values: { stage?: string; reasonCode?: string; reason?: string };
  issues: FieldIssue[];
}

export interface LeadView {
  details: ProfileDetails;
  /** Null for a profile that is no lead (an anonymous browser). */
  links: LeadLinks | null;
  /** The lead's account (company) key, or null. */
  account: string | null;
  /** Whether the site has a webhook. */
  webhook: boolean;
  /** The CRMs the site connects (docs/crm.md). */
  crms: CrmName[];
}

const leadName = (d: ProfileDetails) =>
  traitText(d.traits.name ?? null) || [d.traits.firstName, d.traits.lastName].filter((t) => t !== undefined).join(" ") || d.traits.email || d.id;

/** A page's path, from an event's URL. */
function pageOf(url: string | undefined): string {
  if (!url) return "–";
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

export function LeadPage({ nav, view, notice, synced, sales, can }: {
  nav: NavContext; view: LeadView; notice?: string; synced?: SyncResult[]; sales?: SalesForm; can: { feedback: boolean; erase: boolean; sync: boolean };
}) {
  const { details: d } = view;
  const base = `/dashboard/leads/${d.id}`;
  const site = `?site=${encodeURIComponent(nav.site)}`;
  const events = new Map(d.timeline.map((e) => [e.id, e]));
  return (
    <Page title={`${leadName(d)} · Leads · edgescore`} signedIn nav={nav}>
      <div class="heading">
        <div>
          <h1>{leadName(d)}</h1>
          <p class="muted">
            {d.traits.email ?? "Anonymous browser"}{d.traits.company !== undefined && <> · {traitText(d.traits.company)}</>}
            {" · "}<span class={`stage stage-${d.stage}`}>{d.stage}</span>
            {" · "}score <strong data-score>{count(d.score.total)}</strong> (fit {count(d.score.fit)}, engagement {count(d.score.engagement)})
          </p>
        </div>
        <p><a href={`/dashboard/leads${site}`}>Back to the search</a></p>
      </div>
      <Notice message={notice} />
      {synced && <SyncNotice results={synced} />}
      <div class="grid lead">
        <Card title="Score, rule by rule" note={`Rules version ${d.rulesVersion}. Each line's points and the events that gave them.`} wide>
          <Explanation lines={d.explanation} events={events} />
        </Card>
        {can.feedback && view.links && <SalesActions action={`${base}/feedback${site}`} form={sales} />}
        <Card title="Stage history">
          {d.stages.length ? (
            <Scroll label="Stage history">
              <table>
                <thead><tr><th>Stage</th><th>When</th><th>Why</th></tr></thead>
                <tbody>
                  {d.stages.map((s) => (
                    <tr>
                      <td><span class={`stage stage-${s.stage}`}>{s.stage}</span></td>
                      <td class="when">{time(s.at)}</td>
                      <td>{s.origin}{s.reasonCode && <> · <code>{s.reasonCode}</code></>}{s.reason && <> · {s.reason}</>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          ) : <p class="empty">Still a visitor: no stage change yet.</p>}
        </Card>
        <Card title="Devices, account and hand-off">
          <Links view={view} />
        </Card>
        {view.links && (
          <Card title="CRM" note="What each connected CRM holds of the lead: synced when it reaches a stage the connection syncs, or on Sync now.">
            <CrmFacts crms={view.crms} syncs={view.links.crm} />
            {can.sync && view.crms.length > 0 && (
              <form class="inline" method="post" action={`${base}/sync${site}`}>
                <button class="secondary" type="submit">Sync now</button>
              </form>
            )}
          </Card>
        )}
        <Card title="Timeline" note={`Newest first${d.timelineTruncated ? ": the newest 1,000 events only" : ""}. An event that gave no points says why.`} wide>
          <Timeline entries={d.timeline} />
        </Card>
        {can.erase && view.links && (
          <Card title="Erase">
            <p class="note">Deletes this person everywhere: their lead, every browser merged into it, their export record.</p>
            <p><a class="danger-link" href={`${base}/erase${site}`}>Erase this lead…</a></p>
          </Card>
        )}
      </div>
    </Page>
  );
}

function Explanation({ lines, events }: { lines: ExplanationLine[]; events: Map<string, TimelineEntry> }) {
  if (!lines.length) return <p class="empty">No points yet.</p>;
  return (
    <Scroll label="Score explanation">
      <table class="explanation">
        <thead><tr><th>Rule</th><th>Dimension</th><th class="num">Points</th><th>Events behind it</th></tr></thead>
        <tbody>
          {lines.map((line) => (
            <tr>
              <td>{line.rule === "decay" ? "Inactivity" : line.rule === "floor" ? "Floor (a dimension never goes below 0)" : <code>{line.rule}</code>}</td>
              <td>{line.dimension}</td>
              <td class="num">{signed(line.points)}</td>
              <td>
                {line.at !== undefined && time(line.at)}
                <ul class="reasons">
                  {line.events.map((id) => {
                    const e = events.get(id);
                    return <li>{e ? `${e.type} ${e.name ?? pageOf(e.url)} · ${time(e.receivedAt)}` : "an event past the timeline"}</li>;
                  })}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  if (!entries.length) return <p class="empty">No events kept.</p>;
  return (
    <Scroll label="Timeline">
      <table class="timeline">
        <thead><tr><th>When</th><th>Event</th><th>Page</th><th class="num">Points</th><th>Why none</th></tr></thead>
        <tbody>
          {[...entries].reverse().map((e) => (
            <tr>
              <td class="when">{time(e.receivedAt)}</td>
              <td>{e.type}{e.name && <> <code>{e.name}</code></>}{e.claimed && <span class="sub"> (claimed)</span>}</td>
              <td class="path">{pageOf(e.url)}</td>
              <td class="num">{signed(e.points)}</td>
              <td data-reason={e.reason}>{e.reason ? UNSCORED[e.reason] : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

function Links({ view }: { view: LeadView }) {
  const { links, account, webhook } = view;
  if (!links) return <p class="empty">An anonymous browser: no devices, account or hand-off.</p>;
  const { pending, failed } = links.webhooks;
  return (
    <dl class="lead-facts">
      <dt>Devices</dt>
      <dd>
        {links.visitors.length ? (
          <ul>
            {links.visitors.map((v) => (
              <li><span class="path">{v.id.slice(0, 12)}…</span> {v.verified ? "verified" : "claimed"}, since {time(v.firstAt)}</li>
            ))}
          </ul>
        ) : "None: known from server events only"}
      </dd>
      <dt>Account</dt>
      <dd>{account ?? "None (a personal or the site's own email domain)"}</dd>
      <dt>MQL export</dt>
      <dd>{links.exported ? "In the MQL export" : "Not exported: never an MQL"}</dd>
      <dt>Webhook</dt>
      <dd>
        {!webhook ? "The site has no webhook"
          : pending + failed === 0 ? "Every stage change delivered"
          : `Stage changes not delivered yet: ${count(pending)} being tried, ${count(failed)} failed`}
      </dd>
    </dl>
  );
}

/** Per connected CRM: the record's id there, when it was last synced, and the last error until an attempt goes through. */
function CrmFacts({ crms, syncs }: { crms: CrmName[]; syncs: CrmSync[] }) {
  if (!crms.length) return <p class="empty">The site has no CRM connection: a site admin connects HubSpot or Salesforce in Settings.</p>;
  return (
    <dl class="lead-facts">
      {crms.map((crm) => {
        const sync = syncs.find((s) => s.crm === crm);
        const name = CRM_NAMES[crm];
        return (
          <div data-crm={crm}>
            <dt>{name}</dt>
            <dd>
              {sync?.recordId ? <>Record <span class="path">{sync.recordId}</span>, last synced {time(sync.syncedAt)}</> : `Not in ${name} yet`}
              {sync?.error && <p class="error-text flush">{`Last attempt failed ${time(sync.errorAt)}: ${sync.error}`}</p>}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

/** What Sync now came to, per connected CRM. */
export type SyncResult = { crm: CrmName } & ({ state: "synced"; recordId: string } | { state: "failed"; error: string } | { state: "queued" });

/** What Sync now did, in words: synced, refused with the CRM's words, or waiting its turn. */
function SyncNotice({ results }: { results: SyncResult[] }) {
  const failed = results.some((r) => r.state === "failed");
  const text = (r: SyncResult) => {
    const name = CRM_NAMES[r.crm];
    if (r.state === "synced") return `Synced to ${name}.`;
    if (r.state === "failed") return `Not synced to ${name}: ${r.error}`;
    return `Queued for ${name}: it goes once the connection takes deliveries again (see Settings).`;
  };
  return (
    <div class={failed ? "error" : "notice"} role={failed ? "alert" : "status"}>
      {results.length ? results.map((r) => <p class="flush">{text(r)}</p>) : <p class="flush">The site has no CRM connection: nothing to sync.</p>}
    </div>
  );
}

function issueOf(form: SalesForm | undefined, field: string): string | undefined {
  return form?.issues.filter((i) => i.path === field).map((i) => i.message).join("; ") || undefined;
}

function SalesActions({ action, form }: { action: string; form?: SalesForm }) {
  const errors = { stage: issueOf(form, "stage"), reasonCode: issueOf(form, "reasonCode"), reason: issueOf(form, "reason") };
  return (
    <Card title="Sales action" note="Move the lead where sales say, with why: as the feedback API does, the site's webhook (if any) hears of it.">
      <form class="form" method="post" action={action}>
        <label for="stage">New stage</label>
        <select id="stage" name="stage" aria-describedby={errors.stage && "stage-error"} aria-invalid={errors.stage ? "true" : undefined}>
          {SALES_ACTIONS.map(([stage, label]) => <option value={stage} selected={form?.values.stage === stage}>{label}</option>)}
        </select>
        {errors.stage && <p class="field-error" id="stage-error">{errors.stage}</p>}
        <label for="reasonCode">Reason code (optional)</label>
        <input id="reasonCode" name="reasonCode" value={form?.values.reasonCode ?? ""} maxlength={64}
          aria-describedby={errors.reasonCode && "reasonCode-error"} aria-invalid={errors.reasonCode ? "true" : undefined} />
        {errors.reasonCode && <p class="field-error" id="reasonCode-error">{errors.reasonCode}</p>}
        <label for="reason">Reason</label>
        <textarea id="reason" name="reason" rows={3} maxlength={1000} required
          aria-describedby={errors.reason && "reason-error"} aria-invalid={errors.reason ? "true" : undefined}>{form?.values.reason ?? ""}</textarea>
        {errors.reason && <p class="field-error" id="reason-error">{errors.reason}</p>}
        <button type="submit">Save</button>
      </form>
    </Card>
  );
}

/** The erase confirmation: the second step, whose form alone erases. */
export function EraseConfirmPage({ nav, profile, email }: { nav: NavContext; profile: string; email: string }) {
  const site = `?site=${encodeURIComponent(nav.site)}`;
  return (
    <Page title="Erase a lead · edgescore" signedIn nav={nav}>
      <section class="card message">
        <h1>Erase {email}? This cannot be undone.</h1>
        <p>The lead, every browser merged into it, its export record and its place in the metrics are deleted; the webhook hears <code>profile.erased</code>.</p>
        <form method="post" action={`/dashboard/leads/${profile}/erase${site}`} class="erase-confirm">
          <input type="hidden" name="confirm" value="erase" />
          <button type="submit" class="danger">Erase {email}</button>
          <a href={`/dashboard/leads/${profile}${site}`}>Cancel</a>
        </form>
      </section>
    </Page>
  );
}
