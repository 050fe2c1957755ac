/** How the dashboard writes numbers, times and traits: one place, so every section reads alike. */
import type { TraitValue } from "../../../shared/rules";
import type { VitalName } from "../metrics/types";

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export const count = (n: number) => integer.format(n);

/** An amount in its currency, to the cent only below 100 ("$1,200", "€45.50"); "–" for none. */
export function money(amount: number | null, currency: string | null): string {
  if (amount === null || currency === null) return "–";
  const cents = amount < 100 && !Number.isInteger(amount);
  return new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0 }).format(amount);
}

export const percent = (share: number | null) => (share === null ? "–" : `${Math.round(share * 1000) / 10}%`);

export const signed = (n: number) => (n > 0 ? `+${count(n)}` : count(n));

/** A difference of two shares, in percentage points: "+44.3 pp", "-12 pp". */
export function percentPoints(difference: number): string {
  const pp = Math.round(difference * 1000) / 10;
  return `${pp > 0 ? "+" : ""}${pp === 0 ? 0 : pp} pp`;
}

/** "1 MQL", "3 MQLs". */
export const counted = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? "" : "s"}`;

/** A duration in the two largest units that matter: "45 s", "3 h 20 min", "2 d 4 h". */
export function duration(seconds: number | null): string {
  if (seconds === null) return "–";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** UTC, to the minute: the dashboard names no time zone of its reader (it has no script to know it). */
export const time = (iso: string | number | null) =>
  iso === null ? "–" : `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** A vital as web-vitals reports it: milliseconds, except CLS, which has no unit. */
export function vital(name: VitalName, value: number | null): string {
  if (value === null) return "–";
  return name === "CLS" ? value.toFixed(2) : `${count(value)} ms`;
}

/** Google's thresholds (web.dev/vitals): at most `good` is good, above `poor` is poor. */
const THRESHOLDS: Record<VitalName, { good: number; poor: number }> = {
  LCP: { good: 2500, poor: 4000 },
  INP: { good: 200, poor: 500 },
  CLS: { good: 0.1, poor: 0.25 },
  FCP: { good: 1800, poor: 3000 },
  TTFB: { good: 800, poor: 1800 },
};

export function rating(name: VitalName, value: number | null): "good" | "fair" | "poor" | "none" {
  if (value === null) return "none";
  const t = THRESHOLDS[name];
  return value <= t.good ? "good" : value <= t.poor ? "fair" : "poor";
}

/** A trait as text: a number or a boolean as written (`1000`, `true`), a missing one empty. */
export const traitText = (value: TraitValue | null) => (value === null ? "" : String(value));

/** At most `max` characters, with an ellipsis: SVG text does not wrap, so long labels are cut (the full text goes in a title). */
export const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A first-touch source in one line: its utm tags, else its referrer. */
export function sourceName(source: { utm_source: string | null; utm_medium: string | null; utm_campaign: string | null; referrer: string | null } | null): string {
  const tags = source && [source.utm_source, source.utm_medium, source.utm_campaign].filter((t) => t !== null).join(" / ");
  return tags || source?.referrer || "direct or unknown";
}
