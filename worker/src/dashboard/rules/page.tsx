/**
 * The scoring rules page (docs/dashboard.md, Scoring rules): the live model, the draft
 * with its editor, its preview on request, publishing, and the version history.
 */
import type { Rule, ScoringModel } from "../../../../shared/rules";
import { NOTE_MAX } from "../../sites/versions";
import type { ModelDiff } from "../../sites/diff";
import type { Draft } from "../../sites/draft";
import type { LeadName, PreviewSummary } from "../../sites/preview";
import { time } from "../format";
import { Notice, Page, pageUrl, type NavContext } from "../layout";
import { Card } from "../sections";
import { TextField } from "./controls";
import { ModelEditor, RuleEditor } from "./editor";
import type { FieldErrors, ModelFields, RuleFields } from "./fields";
import { ModelSettings, RulesTable } from "./model";
import { PreviewView } from "./preview";
import { DiffView, History, type HistoryView } from "./versions";

export interface RulesPageData {
  nav: NavContext;
  site: { id: string; name: string; rulesVersion: number; model: ScoringModel };
  /** What the last action did, or why it did nothing. */
  notice?: string;
  refusal?: string;
  draft: { draft: Draft; diff: ModelDiff; rule: { fields: RuleFields; errors: FieldErrors } | null; model: { fields: ModelFields; errors: FieldErrors } } | null;
  preview: { summary: PreviewSummary; names: Map<string, LeadName> } | null;
  history: HistoryView;
}

function DraftActions({ site, rule }: { site: string; rule: Rule }) {
  return (
    <div class="row-actions">
      <a href={pageUrl("/dashboard/rules", site, { edit: rule.id }, "#rule-editor")} aria-label={`Change rule ${rule.id}`}>Change</a>
      <form method="post" action={pageUrl("/dashboard/rules/draft/remove", site)}>
        <input type="hidden" name="id" value={rule.id} />
        <button class="secondary" type="submit" aria-label={`Remove rule ${rule.id} from the draft`}>Remove</button>
      </form>
    </div>
  );
}

function DraftCard({ site, rulesVersion, data, previewShown }: { site: string; rulesVersion: number; data: NonNullable<RulesPageData["draft"]>; previewShown: boolean }) {
  const { draft, diff } = data;
  const stale = draft.basedOn !== rulesVersion;
  return (
    <Card wide id="draft" title="Draft" note="A draft changes nothing until it is published as the next rules version; every lead is then rescored.">
      <p>
        {`Saved ${time(draft.updatedAt)}, based on rules version ${draft.basedOn}.`}
        {stale && <strong>{` The rules are at version ${rulesVersion} now: save any change to the draft to base it on them before publishing.`}</strong>}
      </p>
      <h3>What it changes</h3>
      <DiffView diff={diff} label="The draft against the live rules" />
      <h3>Its rules</h3>
      <RulesTable model={draft.rules} label="The draft's rules" actions={(rule) => <DraftActions site={site} rule={rule} />} />
      <p><a href={pageUrl("/dashboard/rules", site, { edit: "new" }, "#rule-editor")}>Add a rule</a></p>
      {data.rule && <RuleEditor site={site} fields={data.rule.fields} errors={data.rule.errors} />}
      <h3>Thresholds and decay in the draft</h3>
      <ModelSettings model={draft.rules} />
      <details class="model-details" open={Object.keys(data.model.errors).length > 0}>
        <summary>Change thresholds, countries, decay and account thresholds</summary>
        <ModelEditor site={site} fields={data.model.fields} errors={data.model.errors} />
      </details>
      <div class="draft-actions">
        {!previewShown && <p><a href={pageUrl("/dashboard/rules", site, { preview: "1" }, "#preview")}>Preview the draft against every lead</a></p>}
        {!stale && (
          <form method="post" action={pageUrl("/dashboard/rules/publish", site)}>
            <TextField id="publish-note" name="note" label="Note (what and why)" value="" maxLength={NOTE_MAX} />
            <button type="submit">{`Publish as rules version ${rulesVersion + 1}`}</button>
          </form>
        )}
        <form method="post" action={pageUrl("/dashboard/rules/draft/discard", site)}>
          <button class="secondary" type="submit">Discard the draft</button>
        </form>
      </div>
    </Card>
  );
}

export function RulesPage(data: RulesPageData) {
  const { site } = data;
  return (
    <Page title={`Scoring rules · ${site.name} · edgescore`} signedIn nav={data.nav}>
      <div class="heading"><h1>Scoring rules</h1></div>
      <Notice message={data.notice} />
      {data.refusal && <p class="error" role="alert">{data.refusal}</p>}
      <div class="grid">
        <Card wide id="live" title={`Live rules: version ${site.rulesVersion}`} note="What scores every lead now.">
          <RulesTable model={site.model} label="The live rules" />
          <ModelSettings model={site.model} />
        </Card>
        {data.draft ? (
          <DraftCard site={site.id} rulesVersion={site.rulesVersion} data={data.draft} previewShown={data.preview !== null} />
        ) : (
          <Card wide id="draft" title="Draft" note="Change a copy of the rules, preview it against every lead, then publish it.">
            <form method="post" action={pageUrl("/dashboard/rules/draft/start", site.id)}>
              <button type="submit">Start a draft from the live rules</button>
            </form>
          </Card>
        )}
        {data.preview && (
          <Card wide id="preview" title="Preview" note="What publishing the draft would do to every lead, computed now; nothing changes until it is published.">
            <PreviewView preview={data.preview.summary} names={data.preview.names} />
          </Card>
        )}
        <Card wide id="versions" title="Versions" note="Every published version, newest first.">
          <History {...data.history} />
        </Card>
      </div>
    </Page>
  );
}
