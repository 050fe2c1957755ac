/** A draft's preview against every lead: who would move between stages, score distributions, explanations before and after. */
import type { ExplanationLine } from "../../../../shared/rules";
import type { LeadPreview } from "../../domain/profile";
import type { LeadName, PreviewSummary } from "../../sites/preview";
import { count, counted, signed } from "../format";
import { Scroll } from "../sections";

/** Samples whose explanations are shown in full. */
const EXPLAINED = 5;

const moved = (p: LeadPreview) => p.before.stage !== p.after.stage;
const median = (n: number | null) => (n === null ? "–" : count(n));

function Lead({ name, profile }: { name: LeadName | undefined; profile: string }) {
  const who = [name?.name, name?.email].filter(Boolean).join(" · ");
  return who ? <span>{who}</span> : <span class="path">{profile}</span>;
}

const Stage = ({ stage }: { stage: string }) => <span class={`stage stage-${stage}`}>{stage}</span>;

function Explanation({ lines }: { lines: ExplanationLine[] }) {
  if (!lines.length) return <p class="empty">No points.</p>;
  return (
    <ul class="reasons">
      {lines.map((l) => <li class={l.points < 0 ? "negative" : undefined}>{`${l.rule} ${signed(l.points)} ${l.dimension}`}</li>)}
    </ul>
  );
}

export function PreviewView({ preview, names }: { preview: PreviewSummary; names: Map<string, LeadName> }) {
  const movers = preview.samples.filter(moved);
  const moving = preview.moves.reduce((n, m) => n + m.count, 0);
  const before = preview.scores.before.total;
  const after = preview.scores.after.total;
  return (
    <>
      <p>
        {`Of ${counted(preview.profiles, "lead")}, ${counted(moving, "lead")} would change stage. `}
        {`Median total score ${median(before.median)} → ${median(after.median)}.`}
      </p>
      {preview.moves.length > 0 && (
        <Scroll label="Stage moves">
          <table>
            <thead><tr><th>From</th><th>To</th><th class="num">Leads</th></tr></thead>
            <tbody>{preview.moves.map((m) => <tr data-move={`${m.from}-${m.to}`}><td><Stage stage={m.from} /></td><td><Stage stage={m.to} /></td><td class="num">{count(m.count)}</td></tr>)}</tbody>
          </table>
        </Scroll>
      )}
      {movers.length > 0 && (
        <>
          <h3>Who would move</h3>
          {movers.length < moving && <p class="note">{`The first ${movers.length} of ${moving}.`}</p>}
          <Scroll label="Leads that would move">
            <table>
              <thead><tr><th>Lead</th><th>Stage</th><th class="num">Score now</th><th class="num">Under the draft</th></tr></thead>
              <tbody>
                {movers.map((p) => (
                  <tr data-mover={p.profile}>
                    <td><Lead name={names.get(p.profile)} profile={p.profile} /></td>
                    <td><Stage stage={p.before.stage} />{" → "}<Stage stage={p.after.stage} /></td>
                    <td class="num">{count(p.before.score.total)}</td>
                    <td class="num">{count(p.after.score.total)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        </>
      )}
      <h3>Total scores, now and under the draft</h3>
      <Scroll label="Score distribution">
        <table class="histogram">
          <thead><tr><th>Score</th><th class="num">Now</th><th class="num">Draft</th><th>Leads now, and under the draft</th></tr></thead>
          <tbody>
            {before.buckets.map((b, i) => {
              const range = b.to === null ? `${b.from} and above` : `${b.from}–${b.to - 1}`;
              const draft = after.buckets[i]!.count;
              return (
                <tr>
                  <th scope="row">{range}</th>
                  <td class="num">{count(b.count)}</td>
                  <td class="num">{count(draft)}</td>
                  <td>
                    <meter min={0} max={Math.max(preview.profiles, 1)} value={b.count} aria-label={`${range}: ${b.count} now`} />
                    <meter class="draft" min={0} max={Math.max(preview.profiles, 1)} value={draft} aria-label={`${range}: ${draft} under the draft`} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Scroll>
      {preview.samples.length > 0 && <h3>Sample leads, explained</h3>}
      {preview.samples.slice(0, EXPLAINED).map((p) => (
        <details class="sample">
          <summary><Lead name={names.get(p.profile)} profile={p.profile} />{`: ${count(p.before.score.total)} → ${count(p.after.score.total)}`}</summary>
          <div class="both">
            <div><h4>Now: <Stage stage={p.before.stage} /></h4><Explanation lines={p.before.explanation} /></div>
            <div><h4>Under the draft: <Stage stage={p.after.stage} /></h4><Explanation lines={p.after.explanation} /></div>
          </div>
        </details>
      ))}
    </>
  );
}
