// The script bench's tables: bytes as served, each page's loads, and each script's own cost.
import { fmt, quantile } from "../shared.ts";
import type { Summary } from "./measure.ts";

/** A script file's sizes, as served. */
export interface Bytes {
  contestant: string;
  file: string;
  label: string;
  raw: number;
  gzip: number;
  brotli: number;
}

/** `a` as a percentage of `b`. */
export const pct = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || !(b > 0) ? "-" : `${((a / b) * 100).toFixed(0)}%`);

function printTable<T>(columns: [string, number, (row: T) => string][], rows: T[]) {
  const line = (cells: string[]) => cells.map((cell, i) => (i ? cell.padStart(columns[i]![1]) : cell.padEnd(columns[i]![1]))).join(" ");
  console.log(line(columns.map(([title]) => title)));
  for (const row of rows) console.log(line(columns.map(([, , cell]) => cell(row))));
}

export function printBytes(files: Bytes[]) {
  const core = files[0]!;
  printTable<Bytes>([
    ["file", 56, (f) => f.label],
    ["raw", 8, (f) => String(f.raw)],
    ["gzip -9", 8, (f) => String(f.gzip)],
    ["brotli", 8, (f) => String(f.brotli)],
    ["core gzip / this", 17, (f) => (f.contestant === "edgescore" ? "" : pct(core.gzip, f.gzip))],
  ], files);
}

export function printLoads(rows: Summary[]) {
  const fig = (r: Summary, m: keyof Summary["figures"], k: "median" | "p90") => r.figures[m][k];
  printTable<Summary>([
    ["page", 20, (r) => r.name],
    ["loads", 6, (r) => String(r.loads)],
    ["task ms", 8, (r) => fmt(fig(r, "TaskDuration", "median"))],
    ["p90", 6, (r) => fmt(fig(r, "TaskDuration", "p90"))],
    ["script ms", 10, (r) => fmt(fig(r, "ScriptDuration", "median"))],
    ["p90", 6, (r) => fmt(fig(r, "ScriptDuration", "p90"))],
    ["layout+style ms", 16, (r) => fmt(fig(r, "LayoutDuration", "median")! + fig(r, "RecalcStyleDuration", "median")!)],
    ["sent (first at)", 16, (r) => (r.name === "none" ? "-" : `${r.sentInWindow}/${r.loads} (${fmt(r.firstSendMs, 0)} ms)`)],
    ["last request", 13, (r) => `${fmt(r.lastRequestMs, 0)} ms`],
    ["sent at hide", 13, (r) => (r.name === "none" ? "-" : `${r.sentAtHide}/${r.loads}`)],
  ], rows);
}

/** One script's own cost per page view: each run's figure, and its ratios to Plausible's (like for like, default). */
export interface Own {
  name: string;
  task: number[];
  script: number[];
  vsPlausible: number;
  vsDefault: number;
}

export function printOwn(rows: Own[]) {
  const median = (xs: number[]) => quantile(xs, 0.5);
  const runs = (xs: number[]) => `${fmt(median(xs))} (${xs.map((x) => fmt(x)).join(", ")})`;
  printTable<Own>([
    ["script", 20, (r) => r.name],
    ["task ms", 26, (r) => runs(r.task)],
    ["script ms", 26, (r) => runs(r.script)],
    ["task / Plausible like for like", 31, (r) => pct(r.vsPlausible, 1)],
    ["task / Plausible default", 25, (r) => pct(r.vsDefault, 1)],
  ], rows);
}
