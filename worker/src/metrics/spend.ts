/**
 * Marketing spend per source and month (docs/api.md#spend), kept in
 * KV under `spend:<site>` as one document: a site enters a few sources a month, so
 * the whole of it is small, and a write replaces it as the API's PUT does.
 * Cost per MQL divides the period's spend by the period's MQLs, per first-touch source.
 */
import * as v from "valibot";
import { check, type Checked } from "../../../shared/validation";
import type { Metrics } from "./types";

/** Entries kept per site: ten years of forty sources. */
export const MAX_SPEND_ENTRIES = 5_000;
const MAX_AMOUNT = 1e12;
/** How a source is named (the metrics' first-touch source name, lower-cased): "linkedin", "www.google.com", "direct". */
const SOURCE = /^[\p{L}\p{N}][\p{L}\p{N}._~:-]*$/u;

/** A first-touch source as spend names it: trimmed and lower-cased, so "LinkedIn" and "linkedin" are one source. */
export const sourceKey = (name: string) => name.trim().toLowerCase();

const Entry = v.object({
  month: v.pipe(
    v.string("must be a month, YYYY-MM"),
    v.regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month, YYYY-MM (2026-11)"),
  ),
  source: v.pipe(
    v.string("must be a source name"),
    v.transform(sourceKey),
    v.minLength(1, "must not be empty"),
    v.maxLength(100, "must be at most 100 characters"),
    v.regex(SOURCE, "must be a source's name as the metrics show it: letters, digits, . _ ~ : -, no spaces"),
  ),
  amount: v.pipe(
    v.number("must be a number"),
    v.finite("must be a number"),
    v.minValue(0, "must be 0 or more"),
    v.maxValue(MAX_AMOUNT, `must be less than ${MAX_AMOUNT}`),
  ),
});

const SpendInput = v.pipe(
  v.strictObject({
    currency: v.pipe(v.string("must be a currency code"), v.regex(/^[A-Z]{3}$/, "must be an ISO 4217 currency code in capitals (USD, EUR)")),
    entries: v.pipe(
      v.array(Entry, "must be a list of { month, source, amount }"),
      v.maxLength(MAX_SPEND_ENTRIES, `must hold at most ${MAX_SPEND_ENTRIES} entries`),
    ),
    // What GET answers may be sent back as it is: its time of saving is not the caller's to set.
    updatedAt: v.optional(v.unknown()),
  }, "must be { currency, entries }"),
  // A source's month appears once: a second entry would silently add to or hide the first.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const seen = new Set<string>();
    dataset.value.entries.forEach((e, i) => {
      const key = `${e.month} ${e.source}`;
      if (seen.has(key)) {
        addIssue({
          message: `is listed twice for ${e.month}`,
          path: [
            { type: "object", origin: "value", input: dataset.value, key: "entries", value: dataset.value.entries },
            { type: "array", origin: "value", input: dataset.value.entries, key: i, value: e },
            { type: "object", origin: "value", input: e, key: "source", value: e.source },
          ],
        });
      }
      seen.add(key);
    });
  }),
);

export type SpendEntry = v.InferOutput<typeof Entry>;
export interface Spend {
  currency: string;
  /** By month, then source. */
  entries: SpendEntry[];
  updatedAt: number;
}

const key = (site: string) => `spend:${site}`;

export async function getSpend(kv: KVNamespace, site: string): Promise<Spend | null> {
  return kv.get<Spend>(key(site), "json");
}

/** Checks `input` (every bad field named by its path) and, when valid, makes it the site's whole spend. */
export async function putSpend(kv: KVNamespace, site: string, input: unknown, now: number): Promise<Checked<Spend>> {
  const checked = check(SpendInput, input);
  if (!checked.ok) return checked;
  const entries = [...checked.value.entries].sort((a, b) => a.month.localeCompare(b.month) || a.source.localeCompare(b.source));
  const spend: Spend = { currency: checked.value.currency, entries, updatedAt: now };
  await kv.put(key(site), JSON.stringify(spend));
  return { ok: true, value: spend };
}

/** The UTC bounds of a month, "2026-11" → [1 Nov, 1 Dec) in ms. */
function monthBounds(month: string): [number, number] {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return [Date.UTC(year, m - 1, 1), Date.UTC(year, m, 1)];
}

/**
 * The spend that falls in [since, until), by source: a month the period covers in part
 * counts in proportion to the time it overlaps, as if its spend were spread evenly
 * over its days (a period from 17 October counts 15 of October's 31 days).
 */
export function spendIn(spend: Spend | null, since: number, until: number): Map<string, number> {
  const bySource = new Map<string, number>();
  for (const e of spend?.entries ?? []) {
    const [start, end] = monthBounds(e.month);
    const overlap = Math.min(end, until) - Math.max(start, since);
    if (overlap <= 0) continue;
    bySource.set(e.source, (bySource.get(e.source) ?? 0) + (e.amount * overlap) / (end - start));
  }
  return bySource;
}

const cents = (n: number) => Math.round(n * 100) / 100;

/**
 * Cost per MQL over a period: each source's spend ÷ its MQLs, and overall the whole
 * spend ÷ every MQL (sources without spend included); null without spend or MQLs.
 */
export function costPerMql(spend: Spend | null, mqlsBySource: Map<string, number>, since: number, until: number): Metrics["costPerMql"] {
  const spent = spendIn(spend, since, until);
  const sources = new Set([...spent.keys(), ...mqlsBySource.keys()]);
  const ratio = (amount: number, mqls: number) => (amount > 0 && mqls > 0 ? cents(amount / mqls) : null);
  const bySource = [...sources].map((source) => {
    const amount = spent.get(source) ?? 0;
    const mqls = mqlsBySource.get(source) ?? 0;
    return { source, spend: cents(amount), mqls, costPerMql: ratio(amount, mqls) };
  }).sort((a, b) => b.spend - a.spend || b.mqls - a.mqls || a.source.localeCompare(b.source));
  const total = [...spent.values()].reduce((sum, n) => sum + n, 0);
  const mqls = [...mqlsBySource.values()].reduce((sum, n) => sum + n, 0);
  return { currency: spend?.currency ?? null, spend: cents(total), mqls, overall: ratio(total, mqls), bySource };
}
