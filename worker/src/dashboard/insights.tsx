/**
 * The dashboard's rule insights (GET /v1/sites/:site/insights, docs/insights.md):
 * per rule, the SQL rates of the MQLs it gave points to and of those it gave
 * none, the difference with its 95% interval, and the suggested points. Read-only.
 */
import type { Difference } from "../insights/proportions";
import type { Group, RuleInsight, RuleInsights } from "../insights/rules";
import { count, percent, percentPoints, signed } from "./format";
import { Scroll } from "./sections";

/** A side of a rule: its SQL rate, of how many MQLs. */
const Side = ({ group }: { group: Group }) => (
  <td class="num">
    {percent(group.sqlRate)}
    <span class="sub">{`${count(group.sqls)} of ${count(group.mqls)} MQLs`}</span>
  </td>
);

/** The difference, coloured only when both sides hold enough MQLs and its interval leaves out 0. */
function Lift({ difference, enough }: { difference: Difference | null; enough: boolean }) {
  if (!difference) return <td class="num">–<span class="sub">no MQLs on one side</span></td>;
  const { estimate, low, high } = difference;
  const tone = !enough ? undefined : low > 0 ? "up" : high < 0 ? "down" : undefined;
  return (
    <td class="num">
      <span class={tone}>{percentPoints(estimate)}</span>
      <span class="sub">{`95% CI ${percentPoints(low)} to ${percentPoints(high)}`}</span>
      {!enough && <span class="sub">too few MQLs to tell</span>}
    </td>
  );
}

function Row({ rule, suggested }: { rule: RuleInsight; suggested: number | undefined }) {
  return (
    <tr data-rule={rule.rule}>
      <td>
        <strong>{rule.rule}</strong>
        <span class="sub">{rule.dimension}</span>
      </td>
      <td class="num">{signed(rule.points)}</td>
      <Side group={rule.hit} />
      <Side group={rule.miss} />
      <Lift difference={rule.sqlDifference} enough={rule.enough} />
      <td class="num">{suggested === undefined ? "–" : <strong>{signed(suggested)}</strong>}</td>
    </tr>
  );
}

/** `draftAction`: where the button that saves the suggestions as the rules draft posts; none, no button. */
export function RuleInsightsTable({ insights, draftAction }: { insights: RuleInsights; draftAction?: string }) {
  if (!insights.rules.length) return <p class="empty">The site has no rules.</p>;
  const suggested = new Map(insights.suggested.map((s) => [s.rule, s.suggested]));
  return (
    <>
      <Scroll label="Rule insights">
        <table class="insights">
          <thead>
            <tr>
              <th>Rule</th><th class="num">Points</th><th class="num">SQL rate with it</th><th class="num">Without it</th>
              <th class="num">Difference</th><th class="num">Suggested</th>
            </tr>
          </thead>
          <tbody>
            {insights.rules.map((rule) => <Row rule={rule} suggested={suggested.get(rule.rule)} />)}
          </tbody>
        </table>
      </Scroll>
      {insights.suggested.length ? (
        <ul class="suggestions">
          {insights.suggested.map((s) => (
            <li><strong>{s.rule}</strong>{` ${signed(s.points)} → ${signed(s.suggested)}: ${s.reason}`}</li>
          ))}
        </ul>
      ) : null}
      {insights.suggested.length && draftAction ? (
        <form method="post" action={draftAction}>
          <button type="submit">Save the suggested points as the rules draft</button>
        </form>
      ) : null}
      {!insights.suggested.length && <p class="empty">{insights.mqls ? "No change suggested." : "No MQLs yet: nothing to learn from."}</p>}
    </>
  );
}
