/**
 * Helpers for the browser tests: the engines, the customer's site and the proxy that records
 * what the script sent (servers.ts), sites, and what the worker holds.
 */
import { afterAll, afterEach, beforeAll, describe } from "vitest";
import { inject } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { ENGINES, launchEngine, type Browser, type Engine, type Tab } from "./engines";
import { startCustomer, startProxy, type Fault, type SentBatch } from "./servers";

export { launch } from "./engines";

/** The worker itself: what the tests ask of it, and the dashboard's origin. */
export const edge = inject("edge");
const admin = { Authorization: `Bearer ${inject("adminToken")}` };
const proxy = await startProxy(edge);
const site = await startCustomer(proxy.url);
/** The customer's site, whose pages embed the script, served from the proxy (servers.ts). */
export const customer = site.url;

let n = 0;
export const uid = (prefix: string) => `${prefix}${Date.now().toString(36)}${(n++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * The tests `define`s, once per engine (a `describe` each, named after it: `-t firefox` runs
 * one), with that engine's browser, launched once for them. A tab a test left open is closed
 * after it, so that its page sends nothing into the next test.
 */
export function eachEngine(define: (browser: () => Browser, engine: Engine) => void): void {
  describe.each(ENGINES)("%s", (engine) => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchEngine(engine);
    });
    afterEach(async () => {
      for (const tab of [...openTabs]) await tab.close();
    });
    afterAll(() => browser?.close());
    define(() => browser, engine);
  });
}

const openTabs = new Set<Tab>();

/**
 * A new tab of `browser` on `url`, the customer origin's storage and cookies emptied first:
 * what an earlier test's pages kept there (a queue backing off, the visitor id, a stage, the
 * consent choice) would go out with a later test's site, or change what it sees.
 */
export async function open(browser: Browser, url: string): Promise<Tab> {
  const tab = await browser.open();
  const close = tab.close.bind(tab);
  tab.close = () => (openTabs.delete(tab), close());
  openTabs.add(tab);
  await tab.goto(`${customer}/clear.html`);
  await tab.goto(url);
  return tab;
}

/** The uncaught errors of the tab's current page (servers.ts records them). */
export const errorsOf = (tab: Tab) => tab.evaluate(() => (window as any).__errors as string[]);

/** Waits until `fn(arg)` holds in the tab's page; a page being replaced meanwhile is asked again. */
export const waitIn = <R, A = undefined>(tab: Tab, fn: (arg: A) => R, what: string, arg?: A) =>
  until(() => tab.evaluate(fn, arg).catch(() => false as const), what);

/** Waits until the tab shows a page whose address contains `part`, loaded: the page before it is gone. */
export const arrived = (tab: Tab, part: string) =>
  waitIn(tab, (part) => location.href.includes(part) && document.readyState === "complete", `a page at ${part}`, part);

/** Whether the page's lazy chunk has run. */
export const chunkRan = (tab: Tab) => waitIn(tab, () => (window as any).edgescore?._b === 0, "the lazy chunk");

/** Hides the tab's page as switching tabs would (no engine hides a tab driven alone). */
export const hide = (tab: Tab) =>
  tab.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    Object.defineProperty(document, "hidden", { value: true, configurable: true });
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A new page of Chromium `context`, with the customer origin's localStorage emptied first (for the dashboard's tests). */
export async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Storage.clearDataForOrigin", { origin: customer, storageTypes: "local_storage" });
  await cdp.detach();
  return page;
}

/** A site on the edge allowing the customer origin; scoring automation traffic unless told not to. */
export async function createSite(config: Record<string, unknown> = {}): Promise<string> {
  const site = uid("b-");
  const res = await fetch(`${edge}/v1/sites/${site}`, {
    method: "PUT",
    headers: { ...admin, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Browser test", origins: [customer], allowBots: true, ...config }),
  });
  if (!res.ok) throw new Error(`site not created: ${res.status} ${await res.text()}`);
  return site;
}

/** The URL of fixture `page` on the customer site, embedding the script for `site` (options: servers.ts). */
export const pageUrl = (site: string, page: string, query = "") => `${customer}/${site}/${page}${query}`;

/**
 * Every collect request for `site` that reached the worker's proxy, fetch and beacon, parsed,
 * failed attempts too, as they come (a live array).
 */
export const collectsOf = (site: string): SentBatch[] => proxy.batchesOf(site);

/** The answers the worker gave `site`'s collect requests, in order. */
export const answersOf = (sent: SentBatch[]) => sent.flatMap((b) => (b.answer ? [b.answer] : []));

/** Answers `site`'s collect requests with `fault()` while it gives one ("down": the network fails); none: the worker answers again. */
export const serverFault = (site: string, fault?: () => Fault | undefined) => proxy.fault(site, fault);

/** Holds every page's request for the lazy chunk until released. */
export const holdChunk = () => proxy.holdChunk();

/** Events of the recorded batches, flattened, optionally of one type. */
export const eventsOf = (sent: SentBatch[], type?: string) =>
  sent.flatMap((b) => b.body.events).filter((e) => !type || e.type === type);

/** Waits until at least `count` events of `type` were sent, and answers them. */
export const eventsSent = (sent: SentBatch[], type: string, count = 1) =>
  until(() => eventsOf(sent, type).length >= count && eventsOf(sent, type), `${count} ${type} event(s)`);

/** Waits until `check` holds, polling. */
type Falsy = false | 0 | "" | null | undefined;
export async function until<T>(check: () => T | Falsy | Promise<T | Falsy>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The ids of the events the worker keeps on a profile's timeline, in its order (GET …/profiles/:id). */
export async function timelineOf(site: string, profile: string): Promise<string[]> {
  const res = await fetch(`${edge}/v1/sites/${site}/profiles/${profile}`, { headers: admin });
  if (!res.ok) throw new Error(`profile not read: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { timeline: { id: string }[] }).timeline.map((e) => e.id);
}

/** The stage the worker holds for a visitor (GET /v1/stage). */
export async function stageOf(site: string, vid: string) {
  const res = await fetch(`${edge}/v1/stage?site=${site}&vid=${vid}`);
  return res.json() as Promise<{ stage: string; mql: boolean; score: { fit: number; engagement: number; total: number } }>;
}

/** Signs `page` in to the dashboard through its login form: the admin token unless another is given. */
export async function signIn(page: Page, token: string = inject("adminToken")): Promise<void> {
  await page.goto(`${edge}/dashboard`);
  await page.fill("#token", token);
  await Promise.all([page.waitForURL(`${edge}/dashboard`), page.click("form.login button")]);
}

/** Posts one batch to /v1/collect as a new visitor's browser on the customer's site does. */
export async function collectBatch(site: string, events: unknown[]): Promise<void> {
  const res = await fetch(`${edge}/v1/collect`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", Origin: customer },
    body: JSON.stringify({ site, vid: uid("v"), sid: "s1", events }),
  });
  if (!res.ok) throw new Error(`collect answered ${res.status}: ${await res.text()}`);
}
