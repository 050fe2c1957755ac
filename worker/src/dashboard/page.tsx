/** The dashboard itself: one site over one period, every figure drawn on the server. */
import type { AccountRecord } from "../exports/account-record";
import type { ExportRecord } from "../exports/record";
import type { SiteInsights } from "../insights";
import { MIN_GROUP } from "../insights/rules";
import type { Metrics } from "../metrics/types";
import type { SiteSummary } from "../sites/store";
import type { FailedDelivery } from "../webhooks/failed";
import { DailyChart, FunnelChart } from "./charts";
import { count, time } from "./format";
import { RuleInsightsTable } from "./insights";
import { Page, type NavContext } from "./layout";
import { AccountTable, Card, Failures, Kpis, MqlTable, Rules, Sources, TimeToMql, Vitals } from "./sections";
import { CostPerMqlTable } from "./spend";

/** The periods the picker offers, in days. */
export const PERIODS = ["7", "30", "90", "365"] as const;

export interface DashboardData {
  nav: NavContext;
  site: Pick<SiteSummary, "id" | "name">;
  /** Every site, for the admin token's picker; null for a site key, which sees its own only. */
  sites: SiteSummary[] | null;
  days: (typeof PERIODS)[number];
  metrics: Metrics;
  mqls: ExportRecord[];
  /** How many MQLs, and accounts, are shown at most. */
  recordLimit: number;
  accounts: AccountRecord[];
  insights: SiteInsights;
  /** What only `site:admin` sees and does: null for a read-only key. */
  admin: { failures: FailedDelivery[] } | null;
}

function Controls({ site, sites, days }: Pick<DashboardData, "site" | "sites" | "days">) {
  return (
    <form class="controls" method="get" action="/dashboard">
      {sites ? (
        <label>
          Site
          <select name="site">
            {sites.map((s) => <option value={s.id} selected={s.id === site.id}>{`${s.name} (${s.id})`}</option>)}
          </select>
        </label>
      ) : (
        <input type="hidden" name="site" value={site.id} />
      )}
      <label>
        Period
        <select name="days">
          {PERIODS.map((d) => <option value={d} selected={d === days}>{`Last ${d} days`}</option>)}
        </select>
      </label>
      <button type="submit">Show</button>
    </form>
  );
}

export function DashboardPage(data: DashboardData) {
  const { site, metrics } = data;
  const totalMqls = metrics.mqlsByDay.reduce((sum, d) => sum + d.mqls, 0);
  return (
    <Page title={`${site.name} · edgescore`} signedIn nav={data.nav}>
      <div class="heading">
        <div>
          <h1>{site.name}</h1>
          <p class="muted">{`${time(metrics.period.since)} – ${time(metrics.period.until)}`}</p>
        </div>
        <Controls site={site} sites={data.sites} days={data.days} />
      </div>
      <Kpis metrics={metrics} />
      <div class="grid">
        <Card title="Funnel" note="Profiles that entered each stage in the period; on the right, each step's share of the one before.">
          <FunnelChart counts={metrics.counts} />
        </Card>
        <Card title="MQLs per day" note={`${count(totalMqls)} in the period, by UTC day.`}>
          <DailyChart days={metrics.mqlsByDay} />
        </Card>
        <Card
          wide
          title="Latest MQLs"
          note={<>
            Up to {data.recordLimit} of the period, the latest change first, each with the reasons for its score.{" "}
            <a href={`/dashboard/mqls.csv?site=${encodeURIComponent(site.id)}`}>Download every MQL as CSV</a>
          </>}
        >
          <MqlTable records={data.mqls} />
        </Card>
        <Card
          wide
          title="Accounts"
          note={`Up to ${data.recordLimit} accounts changed in the period, marketing qualified accounts (MQAs) first, then by score: leads grouped by their business email domain, anonymous visitors by their company's network.`}
        >
          <AccountTable records={data.accounts} />
        </Card>
        <Card title="Sources" note="The period's MQLs and SQLs by their first touch.">
          <Sources sources={metrics.bySource} />
        </Card>
        <Card
          title="Cost per MQL"
          note="Marketing spend in the period ÷ its MQLs, by first-touch source; a month the period covers in part counts that share of its spend."
        >
          <CostPerMqlTable
            cost={metrics.costPerMql}
            spendUrl={data.nav.can("site:admin") ? `/dashboard/spend?site=${encodeURIComponent(site.id)}` : null}
          />
        </Card>
        <Card title="Time to MQL" note="How long the period's MQLs took from first seen to MQL.">
          <TimeToMql timeToMql={metrics.timeToMql} />
        </Card>
        <Card title="Rule contributions" note="Points each rule gave in the period (hover for how many profiles).">
          <Rules rules={metrics.byRule} />
        </Card>
        <Card
          wide
          title="Rule insights"
          note={<>
            Every MQL so far, whatever the period, by where sales have taken it: the share that reached SQL among the MQLs
            each rule gave points to, and among those it gave none. A difference is flagged when a side has fewer than{" "}
            {MIN_GROUP} MQLs, else coloured when its 95% interval leaves out 0. Suggested points come from a logistic
            regression of reaching SQL on every rule at once; nothing changes until a draft of them is published.
          </>}
        >
          <RuleInsightsTable
            insights={data.insights}
            draftAction={data.admin ? `/dashboard/rules/draft?site=${encodeURIComponent(site.id)}` : undefined}
          />
          {data.admin && <p><a href={`/dashboard/rules?site=${encodeURIComponent(site.id)}`}>Change the scoring rules: draft, preview, publish</a></p>}
        </Card>
        {data.admin && (
          <>
            <Card title="Failed webhooks" note="Deliveries that gave up after a day of retries; the webhook itself is in Settings.">
              <Failures site={site.id} failures={data.admin.failures} />
            </Card>
          </>
        )}
        <Card title="Web Vitals" note="75th percentile: everyone, people who were MQLs or later, everyone else. Sampled: captured on a share of page views (data-vitals, 10% by default), each figure over the page views behind it.">
          <Vitals vitals={metrics.vitals} />
        </Card>
      </div>
    </Page>
  );
}
