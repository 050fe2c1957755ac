// Measuring: one page load in a fresh browser context, rounds of loads with the order
// rotated, and their summary per contestant.
import type { Browser } from "playwright-core";
import { quantile } from "../shared.ts";
import type { Contestant } from "./contestants.ts";
import type { Server } from "./page.ts";

export const METRICS = ["TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration"] as const;
export type Metric = (typeof METRICS)[number];

export interface LoadOptions {
  rounds: number;
  warmup: number;
  windowMs: number;
  hideMs: number;
}

export type Load = Record<Metric, number> & {
  firstSendMs: number | null;
  lastRequestMs: number;
  sentAtHide: boolean;
  requests: string[];
};

/** Hides the page as switching to another tab does (headless Chromium never hides one); the event bubbles, as the real one. */
export const hide = () => {
  for (const [key, value] of [["visibilityState", "hidden"], ["hidden", true]] as const) Object.defineProperty(document, key, { value, configurable: true });
  document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
};

/**
 * Loads a contestant's page in a fresh context, waits the window, hides it. Answers its
 * metrics in ms, the paths it asked for, when (ms after `load`) its first event request and
 * its last request before the hide came, and whether it sent events as it was hidden.
 */
async function loadOnce(browser: Browser, server: Server, contestant: Contestant, { windowMs, hideMs }: LoadOptions): Promise<Load> {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
    const requests = (server.log.requests = []) as { url: string; at: number }[];
    await tab.goto(`${server.origin}/page/${contestant.name}`, { waitUntil: "load" });
    const loaded = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const hidden = performance.now();
    await tab.evaluate(hide);
    await new Promise((resolve) => setTimeout(resolve, hideMs));
    const { metrics } = await cdp.send("Performance.getMetrics");
    server.log.requests = null;
    const ms = (name: string) => (metrics.find((m) => m.name === name)?.value ?? NaN) * 1000;
    const sends = (r: { url: string }) => contestant.sends(r.url.split("?")[0]!);
    const before = requests.filter((r) => r.at < hidden);
    const sent = before.find(sends);
    return {
      ...(Object.fromEntries(METRICS.map((m) => [m, ms(m)])) as Record<Metric, number>),
      firstSendMs: sent ? sent.at - loaded : null,
      lastRequestMs: before.at(-1)!.at - loaded,
      sentAtHide: requests.some((r) => r.at >= hidden && sends(r)),
      requests: requests.map((r) => r.url.split("?")[0]!),
    };
  } finally {
    await context.close();
  }
}

/** Rounds of one load per contestant, the order rotated each round; warm-up rounds dropped. */
export async function measure(browser: Browser, server: Server, all: Contestant[], options: LoadOptions) {
  const { rounds, warmup } = options;
  const loads: Record<string, Load[]> = Object.fromEntries(all.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (let i = 0; i < all.length; i++) {
      const contestant = all[(i + round) % all.length]!;
      const result = await loadOnce(browser, server, contestant, options);
      if (round >= warmup) loads[contestant.name]!.push(result);
    }
    const counted = round + 1 - warmup;
    if (counted > 0 && (counted % 10 === 0 || counted === rounds)) console.log(`  ${counted}/${rounds} rounds`);
  }
  return loads;
}

export type Summary = ReturnType<typeof summarise>[number];

/** Per contestant and metric: median, p90, and `own`, the median minus the no-script page's. */
export function summarise(all: Contestant[], loads: Record<string, Load[]>) {
  const base = Object.fromEntries(METRICS.map((m) => [m, quantile(loads.none!.map((l) => l[m]), 0.5)]));
  return all.map((c) => {
    const list = loads[c.name]!;
    const figures = Object.fromEntries(METRICS.map((m) => {
      const median = quantile(list.map((l) => l[m]), 0.5);
      return [m, { median, p90: quantile(list.map((l) => l[m]), 0.9), own: median! - base[m]! }];
    })) as Record<Metric, { median: number | null; p90: number | null; own: number }>;
    const sent = list.map((l) => l.firstSendMs).filter((s) => s !== null);
    return {
      name: c.name,
      version: c.version ?? null,
      loads: list.length,
      figures,
      sentInWindow: sent.length,
      sentAtHide: list.filter((l) => l.sentAtHide).length,
      firstSendMs: quantile(sent, 0.5),
      lastRequestMs: Math.max(...list.map((l) => l.lastRequestMs)),
      requested: [...new Set(list.flatMap((l) => l.requests))].sort(),
    };
  });
}
