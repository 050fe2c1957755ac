/**
 * Personalisation and privacy (docs/sdk.md#personalisation, docs/sdk.md#consent-and-privacy):
 * stage in the page, consent, GPC, the snippet, robustness.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "../../shared/rules";
import { createSite, edge, eventsOf, eventsSent, launch, newPage, pageUrl, recordCollects, until } from "./harness";

let browser: Awaited<ReturnType<typeof launch>>;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

const mqlJourney = () => {
  edgescore.track("demo_request");
  edgescore.track("webinar_attended", { webinar: "w1" });
  edgescore.identify({ email: "ada@acme.com", title: "VP Marketing", companySize: "201-500" });
  return edgescore.flush();
};

describe("personalisation", () => {
  it("sets data-es-stage, fires edgescore:stage and calls onStage callbacks; the next page applies the cached stage at once", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    await page.goto(pageUrl(site, "basic.html"));
    await page.evaluate(() => {
      (window as any).__events = [];
      (window as any).__callbacks = [];
      window.addEventListener("edgescore:stage", (e) => (window as any).__events.push((e as CustomEvent).detail.stage));
      (window as any).edgescore.onStage((s: { stage: string }) => (window as any).__callbacks.push(s.stage));
    });
    await page.evaluate(mqlJourney);
    await until(async () => (await page.evaluate(() => document.documentElement.dataset.esStage)) === "mql", "mql attribute");
    expect(await page.evaluate(() => (window as any).__events)).toContain("mql");
    expect(await page.evaluate(() => (window as any).__callbacks)).toContain("mql");
    expect(await page.evaluate(() => (window as any).edgescore.stage)).toMatchObject({ stage: "mql", mql: true });

    // Next page, with the network to the edge blocked: the cached stage still applies.
    await page.route(`${edge}/v1/**`, (route) => route.abort());
    await page.goto(pageUrl(site, "basic.html"));
    await until(async () => (await page.evaluate(() => document.documentElement.dataset.esStage)) === "mql", "cached stage");
    await page.close();
  });

  it("identify takes numbers, booleans and the site's own traits, as an enrichment tool gives them", async () => {
    const site = await createSite({
      rules: {
        ...DEFAULT_MODEL,
        rules: [...DEFAULT_MODEL.rules, { id: "big_revenue", on: "identify", dimension: "fit", points: 10, match: { "traits.annualRevenue": { gte: 10_000_000 } } }],
      },
    });
    const page = await newPage(browser);
    const sent = recordCollects(page, site);
    await page.goto(pageUrl(site, "basic.html"));
    await page.evaluate(() => {
      edgescore.identify({ email: "ada@acme.com", title: "CTO", companySize: 1000, annualRevenue: 25_000_000, budgetAuthority: true });
      return edgescore.flush();
    });
    const [identify] = await eventsSent(sent, "identify");
    expect(identify!.traits).toEqual({ email: "ada@acme.com", title: "CTO", companySize: 1000, annualRevenue: 25_000_000, budgetAuthority: true });
    // title_icp, company_size_icp and big_revenue: 10 each.
    await until(async () => (await page.evaluate(() => edgescore.stage))?.score.fit === 30, "fit from every trait");
    expect(await page.evaluate(() => edgescore.stage)).toMatchObject({ stage: "lead", score: { fit: 30 } });
    await page.close();
  });

  it("calls made before the script loaded are replayed, onStage included", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    const sent = recordCollects(page, site);
    await page.goto(pageUrl(site, "snippet.html"));
    const [track] = await eventsSent(sent, "track");
    expect(track).toMatchObject({ name: "demo_request", props: { from: "snippet" } });
    await until(() => page.evaluate(() => (window as any).__stages?.length > 0), "the queued onStage callback");
    await page.close();
  });
});

describe("privacy", () => {
  it("consent required: nothing sent or stored before consent, then delivery; consent(false) forgets the visitor", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    const sent = recordCollects(page, site);
    await page.goto(pageUrl(site, "consent.html"));
    await page.evaluate(() => edgescore.track("demo_request"));
    await page.waitForTimeout(1500);
    expect(sent).toHaveLength(0);
    expect(await page.evaluate(() => [localStorage.length, document.cookie])).toEqual([0, ""]);
    await page.click("#accept");
    await until(() => eventsOf(sent).length, "events after consent");
    const vid = sent[0]!.body.vid;
    // Remembered across pages.
    await page.goto(pageUrl(site, "consent.html"));
    await until(() => sent.filter((b) => b.body.events.some((e) => e.type === "pageview")).length >= 2, "a second page view");
    await page.evaluate(() => edgescore.consent(false));
    expect(await page.evaluate(() => document.documentElement.dataset.esStage ?? null)).toBeNull();
    await page.evaluate(() => edgescore.consent(true));
    await page.evaluate(() => {
      edgescore.track("after");
      return edgescore.flush();
    });
    await until(() => eventsOf(sent, "track").some((e) => e.name === "after"), "the later track");
    const later = sent.find((b) => b.body.events.some((e) => e.name === "after"))!;
    expect(later.body.vid).not.toBe(vid);
    await page.close();
  });

  it("Global Privacy Control is consent refused, unless the site ignores it", async () => {
    const site = await createSite();
    const context = await launch();
    try {
      await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
      const page = await newPage(context);
      const sent = recordCollects(page, site);
      await page.goto(pageUrl(site, "basic.html"));
      await page.evaluate(() => edgescore.track("demo_request"));
      await page.waitForTimeout(1500);
      expect(sent).toHaveLength(0);
      expect(await page.evaluate(() => localStorage.length)).toBe(0);
      await page.close();
    } finally {
      await context.close();
    }
  });

  it("never throws into the page when storage is unavailable, and still sends", async () => {
    const site = await createSite();
    const context = await launch();
    try {
      await context.addInitScript(() => {
        for (const name of ["localStorage", "sessionStorage"]) {
          Object.defineProperty(window, name, { get: () => { throw new DOMException("denied", "SecurityError"); } });
        }
      });
      const page = await newPage(context);
      const errors: Error[] = [];
      page.on("pageerror", (e) => errors.push(e));
      const sent = recordCollects(page, site);
      await page.goto(pageUrl(site, "basic.html"));
      await page.evaluate(() => {
        edgescore.track("demo_request");
        edgescore.identify({ email: "x@y.com" });
        return edgescore.flush();
      });
      await eventsSent(sent, "track");
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
