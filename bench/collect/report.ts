// The collect bench's table: a row per phase, the ratios between phases, and the medians
// of several runs.
import { fmt, quantile } from "../shared.ts";
import type { Row } from "./phase.ts";

export type Ratios = Record<string, number | null>;

export function ratiosOf(rows: Row[]): Ratios {
  const rps = (name: string) => rows.find((r) => r.name === name)?.rps;
  const ratio = (a: string, b: string) => {
    const x = rps(a);
    const y = rps(b);
    return x && y ? x / y : null;
  };
  return {
    "collect-new / one-object-one-row": ratio("collect-new", "one-object-one-row"),
    "collect-returning / one-object-one-row": ratio("collect-returning", "one-object-one-row"),
    "collect-new / noop": ratio("collect-new", "noop"),
    "collect-returning / noop": ratio("collect-returning", "noop"),
    "collect-returning / collect-new": ratio("collect-returning", "collect-new"),
    "one-object-one-row / noop": ratio("one-object-one-row", "noop"),
    ...(rps("same-sql-10-events") && {
      "collect-new / same-sql-10-events": ratio("collect-new", "same-sql-10-events"),
      "same-sql-10-events / one-object-one-row": ratio("same-sql-10-events", "one-object-one-row"),
    }),
  };
}

/** A row as printed: a phase's own, or the medians of several runs'. */
interface Printed {
  name: string;
  capped: boolean;
  requests: number | null;
  eventsPerSec: number | null;
  rps: number | null;
  p50: number | null;
  p99: number | null;
  errors: number;
  resets?: number;
  runtimeCpu: number | null;
  runtimeCpuMsPerRequest: number | null;
  clientCpu: number | null;
  errorsByStatus: Record<string, number>;
  errorSamples: Record<string, string>;
}

const COLUMNS: [string, number, (r: Printed) => string][] = [
  ["phase", 28, (r) => r.name + (r.capped ? " (capped)" : "")],
  ["requests", 9, (r) => String(r.requests)],
  ["events/s", 9, (r) => (r.eventsPerSec == null ? "-" : fmt(r.eventsPerSec, 0))],
  ["req/s", 8, (r) => fmt(r.rps, 0)],
  ["p50 ms", 8, (r) => fmt(r.p50, 1)],
  ["p99 ms", 8, (r) => fmt(r.p99, 1)],
  ["errors", 7, (r) => String(r.errors)],
  ["resets", 7, (r) => String(r.resets ?? "-")],
  ["workerd cores", 14, (r) => (r.runtimeCpu == null ? "-" : fmt(r.runtimeCpu, 2))],
  ["workerd ms/req", 15, (r) => (r.runtimeCpuMsPerRequest == null ? "-" : fmt(r.runtimeCpuMsPerRequest, 2))],
  ["client cores", 12, (r) => fmt(r.clientCpu, 2)],
];

export function printHeader() {
  console.log(COLUMNS.map(([h, w], i) => (i ? h.padStart(w) : h.padEnd(w))).join(" "));
}

export function printRow(row: Printed) {
  console.log(COLUMNS.map(([, w, f], i) => (i ? f(row).padStart(w) : f(row).padEnd(w))).join(" "));
  for (const [status, n] of Object.entries(row.errorsByStatus)) {
    const sample = row.errorSamples[status];
    console.log(`    ${n} × ${status}${sample ? `  e.g. ${sample.replace(/\s+/g, " ")}` : ""}`);
  }
}

export function printRatios(ratios: Ratios) {
  for (const [name, value] of Object.entries(ratios)) {
    console.log(`  ${name.padEnd(40)} ${value == null ? "-" : `${(value * 100).toFixed(0)}%`}`);
  }
}

export const median = (xs: readonly (number | null | undefined)[]) => quantile(xs, 0.5);

/** Each figure's median over the runs, and each ratio's; errors summed. */
export function mediansOf(results: { rows: Row[]; ratios: Ratios }[]) {
  const names = results[0]!.rows.map((r) => r.name);
  const rows = names.map((name) => {
    const all = results.map((res) => res.rows.find((r) => r.name === name)).filter((r): r is Row => r !== undefined);
    const m = (k: "requests" | "seconds" | "rps" | "eventsPerSec" | "p50" | "p99" | "clientCpu" | "runtimeCpu" | "runtimeCpuMsPerRequest") => median(all.map((r) => r[k]));
    const errorsByStatus: Record<string, number> = {};
    for (const r of all) for (const [k, n] of Object.entries(r.errorsByStatus)) errorsByStatus[k] = (errorsByStatus[k] ?? 0) + n;
    return {
      name, requests: m("requests"), seconds: m("seconds"), rps: m("rps"), eventsPerSec: m("eventsPerSec"),
      p50: m("p50"), p99: m("p99"), errors: all.reduce((a, r) => a + r.errors, 0), errorsByStatus, errorSamples: {},
      capped: all.some((r) => r.capped), clientCpu: m("clientCpu"), runtimeCpu: m("runtimeCpu"),
      runtimeCpuMsPerRequest: m("runtimeCpuMsPerRequest"),
    };
  });
  const ratios = Object.fromEntries(
    Object.keys(results[0]!.ratios).map((k) => [k, median(results.map((r) => r.ratios[k]))]),
  );
  return { rows, ratios };
}
