/**
 * The dashboard's rules draft (CONTRACT §7 `…/rules/draft`, `…/preview`, `…/publish`):
 * what it changes against the live rules, what publishing it would do to every lead
 * (on request: a preview asks each lead), and the button that publishes it. Shown only
 * to a caller who may change the site's rules (`site:admin`).
 */
import type { Rule, ScoringModel } from "../../../shared/rules";
import type { Draft } from "../sites/draft";
import type { PreviewSummary } from "../sites/preview";
import { count, counted, signed, time } from "./format";

export interface DraftView {
  siteId: string;
  rulesVersion: number;
  live: ScoringModel;
  draft: Draft | null;
  /** The draft's preview, when asked for. */
  preview: PreviewSummary | null;
}

/** The rules whose points the draft changes, adds or drops, in the draft's order then the dropped ones. */
function changes(live: ScoringModel, draft: ScoringModel): { id: string; live: Rule | undefined; draft: Rule | undefined }[] {
  const before = new Map(live.rules.map((r) => [r.id, r]));
  const after = new Map(draft.rules.map((r) => [r.id, r]));
  return [
    ...draft.rules.filter((r) => JSON.stringify(before.get(r.id)) !== JSON.stringify(r)).map((r) => ({ id: r.id, live: before.get(r.id), draft: r })),
    ...live.rules.filter((r) => !after.has(r.id)).map((r) => ({ id: r.id, live: r, draft: undefined })),
  ];
}

const points = (rule: Rule | undefined) => (rule ? signed(rule.points) : "–");

function Preview({ preview }: { preview: PreviewSummary }) {
  const median = (n: number | null) => (n === null ? "–" : count(n));
  return (
    <div class="preview">
      <p>
        {`Of ${counted(preview.profiles, "lead")}, ${counted(preview.moves.reduce((n, m) => n + m.count, 0), "lead")} would change stage. `}
        {`Median score ${median(preview.scores.before.total.median)} → ${median(preview.scores.after.total.median)}.`}
      </p>
      {preview.moves.length > 0 && (
        <table>
          <thead><tr><th>From</th><th>To</th><th class="num">Leads</th></tr></thead>
          <tbody>{preview.moves.map((m) => <tr data-move={`${m.from}-${m.to}`}><td>{m.from}</td><td>{m.to}</td><td class="num">{count(m.count)}</td></tr>)}</tbody>
        </table>
      )}
    </div>
  );
}

export function RulesDraftPanel({ siteId, rulesVersion, live, draft, preview }: DraftView) {
  if (!draft) return <p class="empty">No draft. Rule insights' suggested points can be saved as one, or PUT /v1/sites/:site/rules/draft.</p>;
  const site = encodeURIComponent(siteId);
  const rows = changes(live, draft.rules);
  const stale = draft.basedOn !== rulesVersion;
  return (
    <>
      <p>
        {`Saved ${time(draft.updatedAt)}, based on rules version ${draft.basedOn}.`}
        {stale && <strong>{` The rules are at version ${rulesVersion} now: save the draft again to publish it.`}</strong>}
      </p>
      {rows.length ? (
        <table class="draft">
          <thead><tr><th>Rule</th><th class="num">Live</th><th class="num">Draft</th></tr></thead>
          <tbody>{rows.map((r) => <tr data-draft-rule={r.id}><td>{r.id}</td><td class="num">{points(r.live)}</td><td class="num"><strong>{points(r.draft)}</strong></td></tr>)}</tbody>
        </table>
      ) : (
        <p class="empty">The draft changes no rule's points.</p>
      )}
      {preview ? <Preview preview={preview} /> : <p><a href={`/dashboard?site=${site}&preview=1#rules-draft`}>Preview it against every lead</a></p>}
      {!stale && (
        <form method="post" action={`/dashboard/rules/publish?site=${site}`}>
          <button type="submit">{`Publish as rules version ${rulesVersion + 1}`}</button>
        </form>
      )}
    </>
  );
}
