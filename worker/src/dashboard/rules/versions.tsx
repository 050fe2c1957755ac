/** What changed between two models, and the rules' version history with compare and roll back. */
import { isEmptyDiff, type ModelDiff } from "../../sites/diff";
import { pageUrl } from "../layout";
import { NOTE_MAX, type VersionSummary } from "../../sites/versions";
import { signed, time } from "../format";
import { TextField } from "./controls";
import { limitsOf, whenFires } from "./describe";
import { Scroll } from "../sections";

const value = (n: number | null) => (n === null ? "not set" : String(n));

export function DiffView({ diff, label }: { diff: ModelDiff; label: string }) {
  if (isEmptyDiff(diff)) return <p class="empty">No difference.</p>;
  return (
    <Scroll label={label}>
      <table class="diff">
        <thead><tr><th>Change</th><th>Rule or setting</th><th>Before</th><th>After</th></tr></thead>
        <tbody>
          {diff.added.map((r) => <tr data-diff-added={r.id}><td>added</td><td class="path">{r.id}</td><td>–</td><td>{`${signed(r.points)} ${r.dimension}: ${whenFires(r)}; ${limitsOf(r)}`}</td></tr>)}
          {diff.removed.map((r) => <tr data-diff-removed={r.id}><td>removed</td><td class="path">{r.id}</td><td>{`${signed(r.points)} ${r.dimension}: ${whenFires(r)}`}</td><td>–</td></tr>)}
          {diff.changed.map((c) => (
            <tr data-diff-changed={c.id}>
              <td>{`changed: ${c.fields.join(", ")}`}</td>
              <td class="path">{c.id}</td>
              <td>{`${signed(c.before.points)} ${c.before.dimension}: ${whenFires(c.before)}; ${limitsOf(c.before)}`}</td>
              <td>{`${signed(c.after.points)} ${c.after.dimension}: ${whenFires(c.after)}; ${limitsOf(c.after)}`}</td>
            </tr>
          ))}
          {diff.settings.map((s) => <tr data-diff-setting={s.setting}><td>changed</td><td class="path">{s.setting}</td><td>{value(s.before)}</td><td>{value(s.after)}</td></tr>)}
        </tbody>
      </table>
    </Scroll>
  );
}

const ORIGINS = { site: "site saved", publish: "draft published", rollback: "rolled back" } as const;

function origin(v: VersionSummary): string {
  return v.origin === "rollback" ? `rolled back ${v.rolledBack}, restoring ${v.restores}` : ORIGINS[v.origin];
}

export interface HistoryView {
  site: string;
  current: number;
  versions: VersionSummary[];
  /** The version a rollback would restore; null when there is none kept. */
  restores: number | null;
  compared: { from: number; to: number; diff: ModelDiff } | null;
}

export function History({ site, current, versions, restores, compared }: HistoryView) {
  const pick = (id: string, label: string, selected: number) => (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={id}>{versions.map((v) => <option value={String(v.version)} selected={v.version === selected}>{`Version ${v.version}`}</option>)}</select>
    </div>
  );
  return (
    <>
      <Scroll label="Rules versions">
        <table class="versions">
          <thead><tr><th class="num">Version</th><th>When</th><th>How</th><th>Who</th><th>Note</th></tr></thead>
          <tbody>
            {versions.map((v) => (
              <tr data-version={String(v.version)}>
                <td class="num">{v.version === current ? <strong>{`${v.version} (live)`}</strong> : String(v.version)}</td>
                <td>{time(v.publishedAt)}</td>
                <td>{origin(v)}</td>
                <td>{v.by === undefined ? "–" : v.by === "admin" ? "admin token" : <>key <code>{v.by}</code></>}</td>
                <td>{v.note ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
      {versions.length > 1 && (
        <form class="compare" method="get" action="/dashboard/rules#compare">
          <input type="hidden" name="site" value={site} />
          {pick("from", "Compare version", compared?.from ?? versions[1]!.version)}
          {pick("to", "with version", compared?.to ?? versions[0]!.version)}
          <button type="submit">Compare</button>
        </form>
      )}
      {compared && (
        <div id="compare">
          <h3>{`From version ${compared.from} to version ${compared.to}`}</h3>
          <DiffView diff={compared.diff} label={`Version ${compared.from} against version ${compared.to}`} />
        </div>
      )}
      {restores !== null ? (
        <form class="rollback" method="post" action={pageUrl("/dashboard/rules/rollback", site)}>
          <h3>Roll back</h3>
          <p class="note">{`Publishes the rules of version ${restores} again as version ${current + 1}, and rescores every lead.`}</p>
          <TextField id="rollback-note" name="note" label="Note (why)" value="" maxLength={NOTE_MAX} />
          <button type="submit">{`Roll back to version ${restores}`}</button>
        </form>
      ) : (
        <p class="empty">There is no earlier kept version to roll back to.</p>
      )}
    </>
  );
}
