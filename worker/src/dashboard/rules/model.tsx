/** A scoring model as readable tables: its rules in plain words, and its thresholds, countries, decay and account thresholds. */
import type { Child } from "hono/jsx";
import { DEFAULT_ACCOUNT_THRESHOLDS, type Rule, type ScoringModel } from "../../../../shared/rules";
import { signed } from "../format";
import { Scroll } from "../sections";
import { limitsOf, whenFires } from "./describe";

export function RulesTable({ model, label, actions }: { model: ScoringModel; label: string; actions?: (rule: Rule) => Child }) {
  if (!model.rules.length) return <p class="empty">No rules: no event gives points.</p>;
  return (
    <Scroll label={label}>
      <table class="rules">
        <thead>
          <tr><th>Rule</th><th>Gives points for</th><th class="num">Points</th><th>Dimension</th><th>Limits</th>{actions && <th>Change</th>}</tr>
        </thead>
        <tbody>
          {model.rules.map((rule) => (
            <tr data-rule={rule.id}>
              <td class="path">{rule.id}</td>
              <td>{whenFires(rule)}</td>
              <td class="num">{signed(rule.points)}</td>
              <td>{rule.dimension}</td>
              <td>{limitsOf(rule)}</td>
              {actions && <td class="actions">{actions(rule)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

/** Thresholds, per-country thresholds, decay and account thresholds as a definition list. */
export function ModelSettings({ model }: { model: ScoringModel }) {
  const { thresholds: t, decay: d } = model;
  const account = model.accountThresholds ?? DEFAULT_ACCOUNT_THRESHOLDS;
  const countries = Object.entries(model.countries);
  return (
    <dl class="settings">
      <dt>An MQL at</dt>
      <dd>{`total ≥ ${String(t.total)}, fit ≥ ${String(t.fit)}, engagement ≥ ${String(t.engagement)}`}</dd>
      <dt>Per country</dt>
      <dd>
        {countries.length
          ? countries.map(([country, c]) => `${country}: ${Object.entries(c).map(([k, v]) => `${k} ≥ ${v}`).join(", ")}`).join("; ")
          : "the same everywhere"}
      </dd>
      <dt>Decay</dt>
      <dd>{d.points === 0 ? "off" : `${signed(d.points)} engagement after ${d.afterDays} days without activity, again every ${d.everyDays} days`}</dd>
      <dt>An MQA at</dt>
      <dd>{`fit ≥ ${String(account.fit)}, engagement ≥ ${String(account.engagement)}${model.accountThresholds ? "" : " (the default)"}`}</dd>
    </dl>
  );
}
