/** Helpers for the browser tests: Chromium, sites, and what the script sent. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page, type Request } from "playwright-core";
import { inject } from "vitest";

export const edge = inject("edge");
export const customer = inject("customer");
const admin = { Authorization: `Bearer ${inject("adminToken")}` };

let n = 0;
export const uid = (prefix: string) => `${prefix}${Date.now().toString(36)}${(n++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Debian's Chromium, as CI installs it; flags that keep it off the (closed) network. */
export async function launch(options: Parameters<typeof chromium.launchPersistentContext>[1] = {}): Promise<BrowserContext & { close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), "edgescore-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    ...options,
  });
  const close = context.close.bind(context);
  return Object.assign(context, {
    close: async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/**
 * A new page of `context`, with the customer origin's localStorage emptied first. The tests
 * of a file share one context, and what an earlier test's pages kept there (a queue still
 * backing off after a failed request, links clicked before a lazy chunk came, the visitor id,
 * a stage) would go out with a later test's site, or change what it sees.
 */
export async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Storage.clearDataForOrigin", { origin: customer, storageTypes: "local_storage" });
  await cdp.detach();
  return page;
}

/** A site on the edge allowing the customer origin; scoring Chromium's automation traffic unless told not to. */
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

/** The URL of fixture `page` on the customer site, embedding the script for `site`. */
export const pageUrl = (site: string, page: string, query = "") => `${customer}/${site}/${page}${query}`;

export interface SentBatch {
  body: { site: string; vid: string; sid?: string; events: Array<Record<string, any>> };
  request: Request;
}

/**
 * Every collect request for `site` sent in the page's browser context (fetch and beacon),
 * parsed. Listened to on the context, not the page, so that beacons sent as a page closes
 * count; filtered by site, as the context is shared by the tests of a file, whose pages may
 * still be sending.
 */
export function recordCollects(page: Page, site: string): SentBatch[] {
  const sent: SentBatch[] = [];
  page.context().on("request", (request) => {
    if (!request.url().startsWith(`${edge}/v1/collect`)) return;
    const raw = request.postData();
    const body = raw && JSON.parse(raw);
    if (body?.site === site) sent.push({ body, request });
  });
  return sent;
}

/** Events of the recorded batches, flattened, optionally of one type. */
export const eventsOf = (sent: SentBatch[], type?: string) =>
  sent.flatMap((b) => b.body.events).filter((e) => !type || e.type === type);

/** Waits until the page has sent at least `count` events of `type`, and answers them. */
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
    await new Promise((r) => setTimeout(r, 100));
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

/**
 * The collect API's answers `page` receives, as they arrive. An answer whose page moved on
 * before its body was read is left out: Chromium drops the body with the page.
 */
export function recordAnswers(page: Page): Array<{ profile: string }> {
  const answers: Array<{ profile: string }> = [];
  page.on("response", (r) => {
    if (r.url().startsWith(`${edge}/v1/collect`) && r.status() === 200) r.json().then((a) => answers.push(a), () => {});
  });
  return answers;
}
