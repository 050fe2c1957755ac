/** What the script captures (docs/sdk.md#what-it-captures), asserted on what leaves the page and what the worker keeps. */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSite, eventsOf, eventsSent, launch, newPage, pageUrl, recordCollects, stageOf, until } from "./harness";

let browser: Awaited<ReturnType<typeof launch>>;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

async function open(site: string, fixture: string, query = "") {
  const page = await newPage(browser);
  const errors: Error[] = [];
  page.on("pageerror", (e) => errors.push(e));
  const sent = recordCollects(page, site);
  await page.goto(pageUrl(site, fixture, query));
  return { page, sent, errors };
}

/** The distinct ids of events, in the order first sent. */
const idsOf = (events: Array<Record<string, any>>) => [...new Set(events.map((e) => e.id as string))];

/** Holds the page's requests for the lazy chunk until released (then they go on). */
async function hold(page: Page) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  await page.route("**/es-captures.js", (route) => released.then(() => route.continue()).catch(() => {}));
  return { release };
}

describe("captures", () => {
  it("a page view on load, with title, origin-only referrer and the session's utm tags, but no other query", async () => {
    const site = await createSite();
    const { page, sent, errors } = await open(site, "basic.html", "?utm_source=news&utm_campaign=nov&token=secret&email=a%40b.c");
    const [view] = await eventsSent(sent, "pageview");
    expect(view!.url).toBe(`${pageUrl(site, "basic.html")}?utm_source=news&utm_campaign=nov`);
    expect(view!.props).toMatchObject({ title: "Acme · Pricing", utm_source: "news", utm_campaign: "nov" });
    expect(JSON.stringify(sent.map((b) => b.body))).not.toMatch(/secret|a%40b|a@b/);
    expect(view!.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(typeof view!.ts).toBe("number");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("downloads by extension (any case), by download attribute, middle clicks too; not other links", async () => {
    const site = await createSite();
    const { page, sent } = await open(site, "basic.html");
    // Captured by the lazy chunk itself, not held for it (the tests below hold it back).
    await until(() => page.evaluate(() => (window as any).edgescore._b === 0), "the lazy chunk");
    // Keep the page: stop navigation the clicks would start.
    await page.route("**/files/**", (route) => route.fulfill({ body: "file" }));
    await page.click("#guide", { button: "middle" });
    await page.click("#sheet");
    await page.click("#image", { modifiers: ["Control"] });
    await page.evaluate(() => edgescore.flush());
    const downloads = await eventsSent(sent, "download", 2);
    const hrefs = downloads.map((d) => d.props.href as string);
    expect(hrefs.some((h) => h.endsWith("/files/Guide.PDF"))).toBe(true);
    expect(hrefs.some((h) => h.endsWith("/files/sheet"))).toBe(true);
    expect(hrefs.join()).not.toContain("photo.png");
    expect(hrefs.join()).not.toContain("es_t");
    await page.close();
  });

  it("a download clicked before the lazy chunk has come is sent once it comes, once", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    const sent = recordCollects(page, site);
    const chunk = await hold(page);
    await page.route("**/files/**", (route) => route.fulfill({ body: "file" }));
    await page.goto(pageUrl(site, "basic.html"));
    await eventsSent(sent, "pageview");
    await page.click("#sheet");
    // Held for the lazy chunk, which has not run.
    expect(await page.evaluate(() => Array.isArray((window as any).edgescore._b))).toBe(true);
    chunk.release();
    const [download] = await eventsSent(sent, "download");
    expect(download!.props.href).toMatch(/\/files\/sheet$/);
    await page.evaluate(() => edgescore.flush());
    await page.waitForTimeout(300);
    // One event: a request that failed on a loaded machine is sent again with the same id (the server dedupes).
    expect(idsOf(eventsOf(sent, "download"))).toEqual([download!.id]);
    await page.close();
  });

  it("a download clicked on a page left before its lazy chunk came is sent by the next page's, once", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    const sent = recordCollects(page, site);
    const chunk = await hold(page);
    await page.route("**/files/**", (route) => route.fulfill({ body: "file" }));
    const first = pageUrl(site, "basic.html");
    await page.goto(first);
    await eventsSent(sent, "pageview");
    // The PDF opens in this tab: the page is left, its chunk never came.
    await Promise.all([page.waitForURL("**/files/Guide.PDF**"), page.click("#guide")]);
    expect(eventsOf(sent, "download")).toHaveLength(0);
    chunk.release();
    const left = Date.now();
    await page.goto(`${first}?next`);
    const [download] = await eventsSent(sent, "download");
    expect(download!.url).toBe(first);
    expect(download!.props).toEqual({ href: expect.stringMatching(/\/files\/Guide\.PDF$/), text: "Guide" });
    expect(download!.ts).toBeLessThanOrEqual(left);
    await page.evaluate(() => edgescore.flush());
    await page.waitForTimeout(300);
    expect(idsOf(eventsOf(sent, "download"))).toEqual([download!.id]);
    expect(await page.evaluate(() => localStorage.getItem("es_h"))).toBeNull();
    await page.close();
  });

  it("a tagged link clicked on a page left before its lazy chunk came is tracked by the next page's, once", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    const sent = recordCollects(page, site);
    const chunk = await hold(page);
    await page.route("**/contact", (route) => route.fulfill({ contentType: "text/html", body: "<p>Contact</p>" }));
    const first = pageUrl(site, "basic.html");
    await page.goto(first);
    await eventsSent(sent, "pageview");
    await Promise.all([page.waitForURL("**/contact"), page.click("#tagged-link")]);
    chunk.release();
    const left = Date.now();
    await page.goto(`${first}?next`);
    const [tag] = await eventsSent(sent, "track");
    expect(tag).toMatchObject({ name: "contact_cta", url: first });
    expect(tag!.ts).toBeLessThanOrEqual(left);
    await page.evaluate(() => edgescore.flush());
    await page.waitForTimeout(300);
    expect(idsOf(eventsOf(sent, "track"))).toEqual([tag!.id]);
    // A plain link was no download: the same click replayed sent nothing else.
    expect(eventsOf(sent, "download")).toHaveLength(0);
    await page.close();
  });

  it("forms: only allow-listed fields; never passwords, card or identity numbers, hidden, file or ignored inputs", async () => {
    const site = await createSite();
    const { page, sent } = await open(site, "form.html");
    await page.click("#contact button");
    await page.click("#private-submit");
    await page.evaluate(() => edgescore.flush());
    const [form] = await eventsSent(sent, "form");
    expect(eventsOf(sent, "form")).toHaveLength(1);
    expect(form!.props.form).toBe("contact");
    expect(form!.props.fields).toEqual({
      email: "ada@acme.com", firstName: "Ada", company: "Acme", title: "VP Marketing", companySize: "201-500",
    });
    const everything = JSON.stringify(sent.map((b) => b.body));
    for (const secret of ["hunter2", "4242424242424242", "123\"", "DE89", "078-05", "hidden-value", "ignored-industry", "private@acme.com"]) {
      expect(everything).not.toContain(secret);
    }
    // The form identified the visitor: VP at a 201-500 company is 20 fit points.
    await until(async () => (await stageOf(site, sent[0]!.body.vid)).score.fit === 20, "fit from the form");
    expect((await stageOf(site, sent[0]!.body.vid)).stage).toBe("lead");
    await page.close();
  });

  it("track, identify and data-es-event tagging", async () => {
    const site = await createSite();
    const { page, sent } = await open(site, "basic.html");
    await page.click("#tagged");
    await page.evaluate(() => {
      edgescore.track("webinar_attended", { webinar: "w1" });
      edgescore.identify({ email: "Grace@Navy.mil", title: "Director" });
      return edgescore.flush();
    });
    const tracks = await eventsSent(sent, "track", 2);
    expect(tracks.map((t) => t.name).sort()).toEqual(["demo_request", "webinar_attended"]);
    expect(tracks.find((t) => t.name === "webinar_attended")!.props).toEqual({ webinar: "w1" });
    const [identify] = await eventsSent(sent, "identify");
    expect(identify!.traits).toMatchObject({ title: "Director" });
    const state = await until(async () => {
      const s = await stageOf(site, sent[0]!.body.vid);
      return s.score.engagement === 35 && s;
    }, "scores on the server");
    expect(state).toMatchObject({ stage: "lead", score: { fit: 10, engagement: 35 } });
    await page.close();
  });

  it("engagement (visible time, scroll depth) when the page is hidden", async () => {
    const site = await createSite();
    const { page, sent } = await open(site, "basic.html");
    await page.mouse.wheel(0, 1500);
    await page.waitForTimeout(300);
    // Headless tabs are always visible: hide this one as switching tabs would.
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      Object.defineProperty(document, "hidden", { value: true, configurable: true });
      document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
    });
    const [engagement] = await eventsSent(sent, "engagement");
    expect(engagement!.props.visibleMs).toBeGreaterThan(0);
    expect(engagement!.props.scrollPct).toBeGreaterThan(0);
    expect(engagement!.props.scrollPct).toBeLessThanOrEqual(100);
  });

  it("HubSpot embedded forms, through the events they publish", async () => {
    const site = await createSite();
    const { page, sent } = await open(site, "hubspot.html");
    await page.click("#hs-new");
    await page.click("#hs-legacy");
    await page.evaluate(() => edgescore.flush());
    const forms = await eventsSent(sent, "form", 2);
    expect(forms.map((f) => f.props.form).sort()).toEqual(["f-legacy", "f-new"]);
    await page.close();
  });

  it("Core Web Vitals, each sent once, from the lazily loaded chunk, with the engagement in one beacon as the page is hidden", async () => {
    const site = await createSite();
    const { page, sent } = await open(site, "vitals.html");
    await page.waitForFunction(() => (window as any).edgescore?._b === 0); // the lazy chunk has run
    await page.click("h1");
    await page.waitForTimeout(500);
    // Vitals wait for the page's hide. Hidden as switching tabs would: the beacon of a page
    // navigated away from arrives, but the browser no longer reports it as the page's request.
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      Object.defineProperty(document, "hidden", { value: true, configurable: true });
      document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
    });
    const vitals = await eventsSent(sent, "vitals", 3);
    const names = vitals.map((v) => v.props.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of ["FCP", "TTFB", "LCP"]) expect(names).toContain(name);
    for (const v of vitals) expect(["good", "needs-improvement", "poor"]).toContain(v.props.rating);
    // What the hide queues (CLS and the engagement at least) leaves in one beacon ("ping").
    await eventsSent(sent, "engagement");
    const hide = sent.filter((b) => b.body.site === site && b.body.events.some((e) => e.type === "engagement" || e.props?.name === "CLS"));
    expect(hide.map((b) => b.request.resourceType())).toEqual(["ping"]);
    expect(hide[0]!.body.events.map((e) => e.type)).toEqual(expect.arrayContaining(["vitals", "engagement"]));
  });

  it("automation is flagged, and a default site records it without scoring it", async () => {
    const site = await createSite({ allowBots: false });
    const { page, sent } = await open(site, "basic.html");
    await page.click("#tagged");
    await page.evaluate(() => edgescore.flush());
    await eventsSent(sent, "track");
    expect(eventsOf(sent).every((e) => e.bot === true)).toBe(true);
    const state = await stageOf(site, sent[0]!.body.vid);
    expect(state.score.total).toBe(0);
    await page.close();
  });
});

