/** The leads search page (docs/dashboard.md, Leads). */
import type { Score, Stage } from "../../../../shared/rules";
import type { FoundLead } from "../../sites/leads";
import { count } from "../format";
import { Notice, Page, type NavContext } from "../layout";
import { Scroll } from "../sections";

export interface LeadResult extends FoundLead {
  stage: Stage;
  score: Score;
}

export interface LeadSearch {
  q: string;
  leads: LeadResult[];
  /** False when the search stopped before reading every lead. */
  complete: boolean;
}

export function LeadSearchPage({ nav, search, notice }: { nav: NavContext; search: LeadSearch | null; notice?: string }) {
  return (
    <Page title="Leads · edgescore" signedIn nav={nav}>
      <div class="heading">
        <div>
          <h1>Leads</h1>
          <p class="muted">Find a lead by email, name, company or profile id.</p>
        </div>
      </div>
      <Notice message={notice} />
      <form class="card lead-search" method="get" action="/dashboard/leads" role="search">
        <input type="hidden" name="site" value={nav.site} />
        <label for="q">Email, name, company or profile id</label>
        <div class="lead-search-row">
          <input id="q" name="q" type="search" value={search?.q ?? ""} maxlength={254} required />
          <button type="submit">Search</button>
        </div>
      </form>
      {search && <Results nav={nav} search={search} />}
    </Page>
  );
}

function Results({ nav, search }: { nav: NavContext; search: LeadSearch }) {
  const { leads, complete } = search;
  return (
    <section class="card lead-results" aria-labelledby="results-title">
      <h2 id="results-title">{leads.length ? `${leads.length} lead${leads.length === 1 ? "" : "s"} found` : "No lead found"}</h2>
      {!complete && <p class="note">Only the first leads found are shown, or not every lead was searched: make the search longer.</p>}
      {leads.length > 0 && (
        <Scroll label="Leads found">
          <table>
            <thead><tr><th>Name</th><th>Email</th><th>Company</th><th>Stage</th><th class="num">Score</th><th>Lead</th></tr></thead>
            <tbody>
              {leads.map((lead) => (
                <tr>
                  <td>{lead.name ?? "–"}</td>
                  <td>{lead.email ?? "–"}</td>
                  <td>{lead.company ?? "–"}</td>
                  <td><span class={`stage stage-${lead.stage}`}>{lead.stage}</span></td>
                  <td class="num">{count(lead.score.total)}</td>
                  <td><a href={`/dashboard/leads/${lead.profile}?site=${encodeURIComponent(nav.site)}`}>Open<span class="visually-hidden"> {lead.email ?? lead.profile}</span></a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}
