/**
 * Charts as SVG drawn on the server: no script, so they pass a CSP without one.
 * Every label goes through JSX, which escapes it: utm tags and page paths are
 * whatever a visitor typed. Geometry is in viewBox units; CSS scales the SVG to
 * its column, and colours come from app.css by class.
 */
import type { Metrics } from "../metrics/types";
import { count, counted, cut, percent } from "./format";

/** The funnel's steps, in order, as `counts` names them. */
export const FUNNEL_STEPS = [
  ["visitors", "Visitors"], ["leads", "Leads"], ["mqls", "MQLs"],
  ["sqls", "SQLs"], ["opportunities", "Opportunities"], ["customers", "Customers"],
] as const;

const WIDTH = 480;

/** A tenth of a unit is finer than any screen shows: shorter markup. */
const round = (n: number) => Math.round(n * 10) / 10;

/** A bar's length for `value` out of `max`: a non-zero value stays visible. */
const length = (value: number, max: number, full: number) => (value === 0 ? 0 : round(Math.max(2, (Math.abs(value) / max) * full)));

/** Each stage's count as a bar, with the share of the step before it on the right. */
export function FunnelChart({ counts }: { counts: Metrics["counts"] }) {
  const [row, label, full] = [36, 120, 220];
  const max = Math.max(1, ...FUNNEL_STEPS.map(([key]) => counts[key]));
  return (
    <svg class="chart funnel" viewBox={`0 0 ${WIDTH} ${FUNNEL_STEPS.length * row}`} role="img" aria-label="Funnel">
      {FUNNEL_STEPS.map(([key, name], i) => {
        const n = counts[key];
        const w = length(n, max, full);
        const y = i * row;
        const before = i === 0 ? null : counts[FUNNEL_STEPS[i - 1]![0]];
        return (
          <g class="funnel-step" data-stage={key}>
            <text class="label" x="0" y={y + 23}>{name}</text>
            <rect class={`bar step-${i}`} x={label} y={y + 6} width={w} height={row - 12} rx="3" />
            <text class="value" x={label + w + 6} y={y + 23}>{count(n)}</text>
            {before !== null && (
              <text class="muted" x={WIDTH} y={y + 23} text-anchor="end">
                <title>{`${name} as a share of ${FUNNEL_STEPS[i - 1]![1]}`}</title>
                {before ? percent(n / before) : "–"}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** MQLs per UTC day: one column a day, its date and count in a tooltip. */
export function DailyChart({ days }: { days: Metrics["mqlsByDay"] }) {
  const [height, top, bottom, left] = [170, 12, 26, 32];
  const plot = { w: WIDTH - left, h: height - top - bottom };
  const max = Math.max(1, ...days.map((d) => d.mqls));
  const step = plot.w / Math.max(1, days.length);
  const gap = step > 4 ? step * 0.2 : 0;
  const baseline = top + plot.h;
  return (
    <svg class="chart daily" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label="MQLs per day">
      <line class="grid" x1={left} x2={WIDTH} y1={top} y2={top} />
      <line class="axis" x1={left} x2={WIDTH} y1={baseline} y2={baseline} />
      <text class="muted" x={left - 6} y={top + 4} text-anchor="end">{count(max)}</text>
      <text class="muted" x={left - 6} y={baseline + 4} text-anchor="end">0</text>
      {days.map((d, i) => {
        if (!d.mqls) return null;
        const h = round((d.mqls / max) * plot.h);
        return (
          <rect class="bar" x={round(left + i * step + gap / 2)} y={round(baseline - h)} width={round(step - gap)} height={h}>
            <title>{`${d.day}: ${counted(d.mqls, "MQL")}`}</title>
          </rect>
        );
      })}
      {days.length > 0 && <text class="muted" x={left} y={height - 6}>{days[0]!.day}</text>}
      {days.length > 1 && <text class="muted" x={WIDTH} y={height - 6} text-anchor="end">{days.at(-1)!.day}</text>}
    </svg>
  );
}

interface Bar {
  label: string;
  value: number;
  /** What is written after the bar. */
  text: string;
  /** The tooltip: the full label and figures. */
  title: string;
}

/** Labelled horizontal bars, longest first as given; a negative value is drawn in its own colour. */
export function BarChart({ bars, label }: { bars: Bar[]; label: string }) {
  const [row, labelWidth, full] = [28, 178, 230];
  const max = Math.max(1, ...bars.map((b) => Math.abs(b.value)));
  return (
    <svg class="chart bars" viewBox={`0 0 ${WIDTH} ${bars.length * row}`} role="img" aria-label={label}>
      {bars.map((b, i) => {
        const w = length(b.value, max, full);
        const y = i * row;
        return (
          <g>
            <title>{b.title}</title>
            <text class="label" x="0" y={y + 19}>{cut(b.label, 20)}</text>
            <rect class={b.value < 0 ? "bar negative" : "bar"} x={labelWidth} y={y + 5} width={w} height={row - 10} rx="3" />
            <text class="value" x={labelWidth + w + 6} y={y + 19}>{b.text}</text>
          </g>
        );
      })}
    </svg>
  );
}
