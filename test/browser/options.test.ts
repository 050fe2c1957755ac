/** Script tag options (docs/sdk.md#options): data-auto, data-downloads, data-gpc, data-cookie-domain. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSite, eventsOf, eventsSent, launch, newPage, pageUrl, recordCollects } from "./harness";

let browser: Awaited<ReturnType<typeof launch>>;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

it("data-auto and data-downloads choose the captures; data-gpc=ignore sends despite GPC; a second tag starts nothing", async () => {
  const site = await createSite();
  const context = await launch();
  try {
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
    const page = await newPage(context);
    const sent = recordCollects(page, site);
    await page.route("**/files/**", (route) => route.fulfill({ body: "file" }));
    await page.goto(pageUrl(site, "options.html"));
    await page.waitForFunction(() => (window as any).edgescore?._b === 0); // the lazy captures are in
    await page.click("#pdf", { button: "middle" });
    await page.click("#fig", { button: "middle" });
    await page.click("#contact button");
    await page.evaluate(() => edgescore.flush());
    const [download] = await eventsSent(sent, "download");
    expect(download!.props.href).toMatch(/board\.FIG$/);
    expect(eventsOf(sent, "download")).toHaveLength(1);
    expect(eventsOf(sent, "form")).toHaveLength(0);
    expect(eventsOf(sent, "pageview")).toHaveLength(1);
  } finally {
    await context.close();
  }
});

it("data-cookie-domain keeps the visitor id in a first-party cookie, and reads it back first", async () => {
  const site = await createSite();
  const page = await newPage(browser);
  const sent = recordCollects(page, site);
  await page.goto(pageUrl(site, "cookie.html"));
  const vid = (await eventsSent(sent, "pageview"), sent[0]!.body.vid);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === "es_v")?.value).toBe(vid);
  // Another subdomain's storage is empty; the cookie carries the id there.
  await page.evaluate(() => localStorage.clear());
  await page.goto(pageUrl(site, "cookie.html"));
  await eventsSent(sent, "pageview", 2);
  expect(sent.at(-1)!.body.vid).toBe(vid);
  await page.close();
});
