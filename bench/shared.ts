// What both benchmarks use: the repository's root, their options from the environment and
// the command line, the machine they ran on, and how they print numbers.
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A reason the bench cannot run: printed alone, exit code 2. */
export class BenchError extends Error {}

/** Prints why the bench cannot run and exits 2. */
export function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

/** An integer option from the environment, at least `min`; `fallback` when unset. */
export function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) fail(`${name} must be an integer ≥ ${min}, not "${raw}"`);
  return n;
}

/** `--json [path]`: where to write the results, `fallback` when no path follows; none without the flag. */
export function jsonPath(fallback: string): string | undefined {
  const at = process.argv.indexOf("--json");
  if (at === -1) return undefined;
  const next = process.argv[at + 1];
  return path.resolve(next && !next.startsWith("--") ? next : fallback);
}

export function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    cores: cpus.length,
    cpu: cpus[0]?.model ?? "unknown",
    os: `${os.type()} ${os.release()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

/** A number with `digits` decimals, "-" when there is none. */
export const fmt = (n: number | null | undefined, digits = 1) => (n == null || !Number.isFinite(n) ? "-" : n.toFixed(digits));

/** The `q` quantile of the finite values, interpolated; null when there is none. */
export function quantile(xs: readonly (number | null | undefined)[], q: number): number | null {
  const v = xs.filter((x): x is number => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const at = (v.length - 1) * q;
  const lo = v[Math.floor(at)]!;
  return lo + (v[Math.ceil(at)]! - lo) * (at - Math.floor(at));
}
