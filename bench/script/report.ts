// The script bench's tables: bytes as served, each page's loads, and each script's own cost.
import { fmt } from "../shared.ts";
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
    ["file", 50, (f) => f.label],
    ["raw", 8, (f) => String(f.raw)],
    ["gzip -9", 8, (f) => String(f.gzip)],
    ["brotli", 8, (f) => String(f.brotli)],
    ["core gzip / this", 17, (f) => (f.contestant === "edgescore" ? "" : pct(core.gzip, f.gzip))],
  ], files);
}

export function printLoads(rows: Summary[]) {
  const fig = (r: Summary, m: keyof Summary["figures"], k: "median" | "p90") => r.figures[m][k];
  printTable<Summary>([
    ["page", 10, (r) => r.name],
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

export function printOwn(rows: Summary[]) {
  const own = (r: Summary, m: keyof Summary["figures"]) => r.figures[m].own;
  const es = rows.find((r) => r.name === "edgescore")!;
  printTable<Summary>([
    ["script", 10, (r) => r.name],
    ["version", 9, (r) => String(r.version)],
    ["task ms", 8, (r) => fmt(own(r, "TaskDuration"))],
    ["script ms", 10, (r) => fmt(own(r, "ScriptDuration"))],
    ["task / edgescore's", 19, (r) => pct(own(r, "TaskDuration"), own(es, "TaskDuration"))],
    ["script / edgescore's", 21, (r) => pct(own(r, "ScriptDuration"), own(es, "ScriptDuration"))],
  ], rows.filter((r) => r.name !== "none"));
}
