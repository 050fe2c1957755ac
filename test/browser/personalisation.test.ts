/**
 * Personalisation and privacy (docs/sdk.md#personalisation, docs/sdk.md#consent-and-privacy):
 * stage in the page, consent, GPC, the snippet, robustness, in every engine.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "../../shared/rules";
import { collectsOf, createSite, eachEngine, errorsOf, eventsOf, eventsSent, open, pageUrl, serverFault, sleep, until, waitIn } from "./harness";

const mqlJourney = () => {
  edgescore.track("demo_request");
  edgescore.track("webinar_attended", { webinar: "w1" });
  edgescore.identify({ email: "ada@acme.com", title: "VP Marketing", companySize: "201-500" });
  return edgescore.flush();
};

eachEngine((browser) => {
  describe("personalisation", () => {
    it("sets data-es-stage, fires edgescore:stage and calls onStage callbacks; the next page applies the cached stage at once", async () => {
      const site = await createSite();
      const tab = await open(browser(), pageUrl(site, "basic.html"));
      await tab.evaluate(() => {
        (window as any).__events = [];
        (window as any).__callbacks = [];
        window.addEventListener("edgescore:stage", (e) => (window as any).__events.push((e as CustomEvent).detail.stage));
        (window as any).edgescore.onStage((s: { stage: string }) => (window as any).__callbacks.push(s.stage));
      });
      await tab.evaluate(mqlJourney);
      await waitIn(tab, () => document.documentElement.dataset.esStage === "mql", "mql attribute");
      expect(await tab.evaluate(() => (window as any).__events)).toContain("mql");
      expect(await tab.evaluate(() => (window as any).__callbacks)).toContain("mql");
      expect(await tab.evaluate(() => (window as any).edgescore.stage)).toMatchObject({ stage: "mql", mql: true });

      // Next page, with the network to the worker down: the cached stage still applies, before any answer.
      const sent = collectsOf(site);
      serverFault(site, () => "down");
      await tab.goto(pageUrl(site, "basic.html"));
      expect(await tab.evaluate(() => document.documentElement.dataset.esStage)).toBe("mql");
      await until(() => sent.some((b) => !b.answer && b.body.events.length), "a request the network failed");
      expect(await tab.evaluate(() => document.documentElement.dataset.esStage)).toBe("mql");
    });

    it("identify takes numbers, booleans and the site's own traits, as an enrichment tool gives them", async () => {
      const site = await createSite({
        rules: {
          ...DEFAULT_MODEL,
          rules: [...DEFAULT_MODEL.rules, { id: "big_revenue", on: "identify", dimension: "fit", points: 10, match: { "traits.annualRevenue": { gte: 10_000_000 } } }],
        },
      });
      const sent = collectsOf(site);
      const tab = await open(browser(), pageUrl(site, "basic.html"));
      await tab.evaluate(() => {
        edgescore.identify({ email: "ada@acme.com", title: "CTO", companySize: 1000, annualRevenue: 25_000_000, budgetAuthority: true });
        return edgescore.flush();
      });
      const [identify] = await eventsSent(sent, "identify");
      expect(identify!.traits).toEqual({ email: "ada@acme.com", title: "CTO", companySize: 1000, annualRevenue: 25_000_000, budgetAuthority: true });
      // title_icp, company_size_icp and big_revenue: 10 each.
      await waitIn(tab, () => edgescore.stage?.score.fit === 30, "fit from every trait");
      expect(await tab.evaluate(() => edgescore.stage)).toMatchObject({ stage: "lead", score: { fit: 30 } });
    });

    it("calls made before the script loaded are replayed, onStage included", async () => {
      const site = await createSite();
      const sent = collectsOf(site);
      const tab = await open(browser(), pageUrl(site, "snippet.html"));
      const [track] = await eventsSent(sent, "track");
      expect(track).toMatchObject({ name: "demo_request", props: { from: "snippet" } });
      await waitIn(tab, () => (window as any).__stages?.length > 0, "the queued onStage callback");
    });
  });

  describe("privacy", () => {
    it("consent required: nothing sent or stored before consent, then delivery; consent(false) forgets the visitor", async () => {
      const site = await createSite();
      const sent = collectsOf(site);
      const tab = await open(browser(), pageUrl(site, "consent.html"));
      await tab.evaluate(() => edgescore.track("demo_request"));
      await sleep(1500);
      expect(sent).toHaveLength(0);
      expect(await tab.evaluate(() => [localStorage.length, document.cookie])).toEqual([0, ""]);
      await tab.click("#accept");
      await until(() => eventsOf(sent).length, "events after consent");
      const vid = sent[0]!.body.vid;
      // Remembered across pages.
      await tab.goto(pageUrl(site, "consent.html"));
      await until(() => sent.filter((b) => b.body.events.some((e) => e.type === "pageview")).length >= 2, "a second page view");
      await tab.evaluate(() => edgescore.consent(false));
      expect(await tab.evaluate(() => document.documentElement.dataset.esStage ?? null)).toBeNull();
      await tab.evaluate(() => edgescore.consent(true));
      await tab.evaluate(() => {
        edgescore.track("after");
        return edgescore.flush();
      });
      await until(() => eventsOf(sent, "track").some((e) => e.name === "after"), "the later track");
      const later = sent.find((b) => b.body.events.some((e) => e.name === "after"))!;
      expect(later.body.vid).not.toBe(vid);
    });

    it("Global Privacy Control is consent refused, unless the site ignores it", async () => {
      const site = await createSite();
      const sent = collectsOf(site);
      const tab = await open(browser(), pageUrl(site, "basic.html", "?gpc=1"));
      await tab.evaluate(() => edgescore.track("demo_request"));
      await sleep(1500);
      expect(sent).toHaveLength(0);
      expect(await tab.evaluate(() => localStorage.length)).toBe(0);
    });

    it("never throws into the page when storage is unavailable, and still sends", async () => {
      const site = await createSite();
      const sent = collectsOf(site);
      const tab = await open(browser(), pageUrl(site, "basic.html", "?storage=denied"));
      await tab.evaluate(() => {
        edgescore.track("demo_request");
        edgescore.identify({ email: "x@y.com" });
        return edgescore.flush();
      });
      await eventsSent(sent, "track");
      expect(await tab.evaluate(() => { try { localStorage; return "readable"; } catch { return "denied"; } })).toBe("denied");
      expect(await errorsOf(tab)).toEqual([]);
    });
  });
});
