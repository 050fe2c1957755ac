/**
 * The dashboard's sections, each a card. Tables hold what people typed (names,
 * companies, titles, utm tags, pages, receivers' errors): JSX escapes all of it.
 */
import type { Child } from "hono/jsx";
import type { AccountRecord } from "../exports/account-record";
import type { ExportRecord } from "../exports/record";
import type { Metrics, VitalName } from "../metrics/types";
import type { FailedDelivery } from "../webhooks/failed";
import { BarChart } from "./charts";
import { count, counted, duration, money, percent, rating, signed, sourceName, time, traitText, vital } from "./format";

export function Card({ title, note, wide = false, id, children }: { title: string; note?: Child; wide?: boolean; id?: string; children: Child }) {
  return (
    <section class={wide ? "card wide" : "card"} id={id}>
      <h2>{title}</h2>
      {note && <p class="note">{note}</p>}
      {children}
    </section>
  );
}

const Empty = ({ children }: { children: Child }) => <p class="empty">{children}</p>;

/** A wide table's box, scrolled sideways on a phone: focusable and named, so it can be scrolled by keyboard. */
export const Scroll = ({ label, children }: { label: string; children: Child }) => (
  <div class="scroll" tabindex={0} role="region" aria-label={label}>{children}</div>
);

/** The headline figures; `data-kpi` names each for tests and readers of the HTML. */
export function Kpis({ metrics }: { metrics: Metrics }) {
  const { counts, rates } = metrics;
  const kpis: [string, string, string][] = [
    ["mqls", "MQLs", count(counts.mqls)],
    ["sqls", "SQLs", count(counts.sqls)],
    ["mql-to-sql", "MQL → SQL", percent(rates.mqlToSql)],
    ["mql-to-opportunity", "MQL → opportunity", percent(rates.mqlToOpportunity)],
    ["mql-to-customer", "MQL → customer", percent(rates.mqlToCustomer)],
    ["time-to-mql", "Median time to MQL", duration(metrics.medianTimeToMqlSeconds)],
    ["cost-per-mql", "Cost per MQL", money(metrics.costPerMql.overall, metrics.costPerMql.currency)],
    ["disqualified", "Disqualified", count(counts.disqualified)],
  ];
  return (
    <dl class="kpis">
      {kpis.map(([key, name, value]) => (
        <div class="kpi" data-kpi={key}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Where the period's MQLs first came from: the top ten as bars, every row in the table. */
export function Sources({ sources }: { sources: Metrics["bySource"] }) {
  if (!sources.length) return <Empty>No MQLs in this period.</Empty>;
  const bars = sources.slice(0, 10).map((s) => ({
    label: s.utm_source ?? s.referrer ?? "direct or unknown",
    value: s.mqls,
    text: count(s.mqls),
    title: `${sourceName(s)}: ${counted(s.mqls, "MQL")}, ${counted(s.sqls, "SQL")}`,
  }));
  return (
    <>
      <BarChart bars={bars} label="MQLs by first-touch source" />
      <Scroll label="MQLs and SQLs by source">
        <table>
          <thead><tr><th>Source</th><th>Medium</th><th>Campaign</th><th>Referrer</th><th class="num">MQLs</th><th class="num">SQLs</th></tr></thead>
          <tbody>
            {sources.map((s) => (
              <tr>
                <td>{s.utm_source ?? "–"}</td><td>{s.utm_medium ?? "–"}</td><td>{s.utm_campaign ?? "–"}</td>
                <td>{s.referrer ?? "–"}</td><td class="num">{count(s.mqls)}</td><td class="num">{count(s.sqls)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </>
  );
}

/** A time-to-MQL bucket in words: "under 1 h", "1 h – 1 d", "30 d or more". */
function bucketName({ fromSeconds, toSeconds }: Metrics["timeToMql"]["buckets"][number]): string {
  if (fromSeconds === 0) return `under ${duration(toSeconds)}`;
  return toSeconds === null ? `${duration(fromSeconds)} or more` : `${duration(fromSeconds)} – ${duration(toSeconds)}`;
}

/** How long the period's MQLs took from first seen: MQLs per bucket, and the quartiles and 90th percentile. */
export function TimeToMql({ timeToMql }: { timeToMql: Metrics["timeToMql"] }) {
  const total = timeToMql.buckets.reduce((sum, b) => sum + b.mqls, 0);
  if (!total) return <Empty>No MQLs in this period.</Empty>;
  const bars = timeToMql.buckets.map((b) => ({
    label: bucketName(b), value: b.mqls, text: count(b.mqls), title: `${bucketName(b)}: ${counted(b.mqls, "MQL")}`,
  }));
  const percentiles = [["p25", "25%"], ["p50", "Half (median)"], ["p75", "75%"], ["p90", "90%"]] as const;
  return (
    <>
      <BarChart bars={bars} label="MQLs by time from first seen to MQL" />
      <dl class="percentiles">
        {percentiles.map(([key, name]) => (
          <div data-percentile={key}><dt>{name}</dt><dd>{`within ${duration(timeToMql[key])}`}</dd></div>
        ))}
      </dl>
    </>
  );
}

/** Points each rule gave in the period, most first (negative rules, such as unsubscribes, last). */
export function Rules({ rules }: { rules: Metrics["byRule"] }) {
  if (!rules.length) return <Empty>No points given in this period.</Empty>;
  const bars = rules.map((r) => ({
    label: r.rule,
    value: r.points,
    text: signed(r.points),
    title: `${r.rule}: ${signed(r.points)} points to ${counted(r.profiles, "profile")}`,
  }));
  return <BarChart bars={bars} label="Points by rule" />;
}

const name = (r: ExportRecord) => [r.firstName, r.lastName].map(traitText).filter(Boolean).join(" ");

/** The latest MQLs, each with its score's reasons; on a phone each row reads as a card (app.css .cards). */
export function MqlTable({ records }: { records: ExportRecord[] }) {
  if (!records.length) return <Empty>No MQLs in this period.</Empty>;
  return (
    <table class="mqls cards">
      <thead>
        <tr><th>Person</th><th>Company</th><th>Score</th><th>Stage</th><th>MQL at</th><th>Source</th><th>Reasons</th></tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr>
            <td data-label="Person">
              <strong>{name(r) || "–"}</strong>
              <span class="sub">{r.email ?? ""}</span>
              {traitText(r.title) && <span class="sub">{traitText(r.title)}</span>}
            </td>
            <td data-label="Company">{traitText(r.company) || "–"}</td>
            <td data-label="Score" class="num">
              <strong>{count(r.score.total)}</strong>
              <span class="sub">fit {count(r.score.fit)} · eng. {count(r.score.engagement)}</span>
            </td>
            <td data-label="Stage"><span class={`stage stage-${r.stage}`}>{r.stage}</span></td>
            <td data-label="MQL at" class="when">{time(r.mqlAt)}</td>
            <td data-label="Source">{sourceName(r.source)}</td>
            <td data-label="Reasons">
              <ul class="reasons">
                {r.reasons.map((reason) => (
                  <li class={reason.points < 0 ? "negative" : undefined}>{reason.rule} {signed(reason.points)}</li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** MQAs first (the latest first), then the others by score: the companies to call. */
const byPriority = (a: AccountRecord, b: AccountRecord) =>
  Number(b.stage === "mqa") - Number(a.stage === "mqa") || (b.mqaAt ?? "").localeCompare(a.mqaAt ?? "") || b.score.total - a.score.total;

/** The members a record counts, in words: "3 leads · 1 anonymous · 1 MQL". */
function memberMix({ leads, anonymous, mqls }: AccountRecord["members"]): string {
  const parts = [leads && counted(leads, "lead"), anonymous && `${count(anonymous)} anonymous`, mqls && counted(mqls, "MQL")];
  return parts.filter(Boolean).join(" · ");
}

/** Accounts, MQAs first, each with what made its score: its company fit and its members' engagement. */
export function AccountTable({ records }: { records: AccountRecord[] }) {
  if (!records.length) return <Empty>No accounts in this period.</Empty>;
  return (
    <table class="accounts cards">
      <thead>
        <tr><th>Account</th><th>Members</th><th>Score</th><th>Stage</th><th>MQA at</th><th>Reasons</th></tr>
      </thead>
      <tbody>
        {[...records].sort(byPriority).map((r) => {
          const fit = r.explanation.filter((l) => l.dimension === "fit" && l.rule !== "threshold");
          return (
            <tr data-account={r.account}>
              <td data-label="Account">
                <strong>{r.name}</strong>
                <span class="sub">{r.kind === "domain" ? "email domain" : "company network"}</span>
              </td>
              <td data-label="Members" class="num">
                <strong>{count(r.members.count)}</strong>
                <span class="sub">{memberMix(r.members)}</span>
              </td>
              <td data-label="Score" class="num">
                <strong>{count(r.score.total)}</strong>
                <span class="sub">fit {count(r.score.fit)} · eng. {count(r.score.engagement)}</span>
              </td>
              <td data-label="Stage"><span class={`stage stage-${r.stage}`}>{r.stage}</span></td>
              <td data-label="MQA at" class="when">{time(r.mqaAt)}</td>
              <td data-label="Reasons">
                <ul class="reasons">
                  {fit.map((line) => <li class={line.points < 0 ? "negative" : undefined}>{line.rule} {signed(line.points)}</li>)}
                  {r.score.engagement > 0 && <li>{`engagement of ${counted(r.explanation.filter((l) => l.rule === "member").length, "member")} ${signed(r.score.engagement)}`}</li>}
                </ul>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const VITALS: VitalName[] = ["LCP", "INP", "CLS", "FCP", "TTFB"];
const PAGES_SHOWN = 8;

/** A p75 with its rating (good, needs improvement, poor) as a class. */
const Vital = ({ name, value }: { name: VitalName; value: number | null }) => (
  <td class={`num vital ${rating(name, value)}`}>{vital(name, value)}</td>
);

/**
 * Each figure's samples, in words: the script captures Web Vitals on a sample of page loads
 * (docs/sdk.md#web-vitals-sampled), and each sample is one page view's report of the metric.
 */
const sampled = (n: number) => `sampled: ${counted(n, "page view")}`;

/** Web Vitals p75: overall, for MQLs and for everyone else, and LCP by page, each with the page views behind it. */
export function Vitals({ vitals }: { vitals: Metrics["vitals"] }) {
  const pages = vitals.LCP.pages.slice(0, PAGES_SHOWN);
  return (
    <>
      <Scroll label="Web Vitals">
        <table>
          <thead><tr><th>Metric</th><th class="num">p75</th><th class="num">MQLs</th><th class="num">Others</th><th class="num">Behind it</th></tr></thead>
          <tbody>
            {VITALS.map((v) => (
              <tr>
                <th scope="row">{v}</th>
                <Vital name={v} value={vitals[v].p75} />
                <Vital name={v} value={vitals[v].p75Mql} />
                <Vital name={v} value={vitals[v].p75Other} />
                <td class="num">{sampled(vitals[v].samples)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
      {pages.length > 0 && (
        <Scroll label="LCP by page">
          <table>
            <thead><tr><th>Page</th><th class="num">LCP p75</th><th class="num">Behind it</th></tr></thead>
            <tbody>
              {pages.map((p) => (
                <tr><td class="path">{p.page}</td><Vital name="LCP" value={p.p75} /><td class="num">{sampled(p.samples)}</td></tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </>
  );
}

/** Webhook deliveries that gave up after a day of retries, each with a button that retries it (Settings' route). */
/** CRM deliveries by the outbox's type (docs/crm.md, Delivery), each CRM by its name in words. */
const CRM_DELIVERIES: Record<string, string> = { "crm.hubspot": "HubSpot", "crm.salesforce": "Salesforce" };

/** What a failed delivery was: a CRM's sync in words, linked to the lead's page; a webhook by its event type. */
function FailedEvent({ site, failure: f }: { site: string; failure: FailedDelivery }) {
  const crm = CRM_DELIVERIES[f.type];
  if (!crm) return <>{f.to ? `${f.type} → ${f.to}` : f.type}</>;
  const lead = <a href={`/dashboard/leads/${encodeURIComponent(f.profile)}?${new URLSearchParams({ site })}`}>the lead</a>;
  return <>{crm} sync of {lead}{f.to ? `'s move to ${f.to}` : ""}</>;
}

export function Failures({ site, failures }: { site: string; failures: FailedDelivery[] }) {
  if (!failures.length) return <Empty>No failed deliveries.</Empty>;
  return (
    <Scroll label="Failed deliveries">
      <table>
        <thead><tr><th>Failed at</th><th>Event</th><th class="num">Attempts</th><th>Last error</th><th>Retry</th></tr></thead>
        <tbody>
          {failures.map((f) => (
            <tr>
              <td>{time(f.failedAt)}</td>
              <td><FailedEvent site={site} failure={f} /><span class="path sub">{f.id}</span></td>
              <td class="num">{count(f.attempts)}</td>
              <td class="error-text">{f.lastError}</td>
              <td>
                <form class="inline" method="post" action={`/dashboard/settings/webhook/failed/${encodeURIComponent(f.id)}/retry?${new URLSearchParams({ site })}`}>
                  <button class="small" type="submit" aria-label={`Retry delivery ${f.id}`}>Retry</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}
