import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { visitorProfileName } from "../../worker/src/lib/identity";
import { collect, createSite, ev, uid } from "./helpers";

/** The default model (docs/rules.md#the-default-model) end to end, through the HTTP surface. */
describe("default model scenarios", () => {
  const vp = { email: "ada@acme.com", title: "VP Marketing", companySize: "201-500" };

  it("a VP at a 201-500 company who requests a demo and visits pricing becomes an MQL", async () => {
    const site = await createSite();
    const vid = uid("v");
    const first = await collect(site, vid, [ev.pageview("/pricing"), ev.track("demo_request")]);
    expect(first).toMatchObject({ stage: "visitor", mql: false, score: { fit: 0, engagement: 40, total: 40 } });
    const identified = await collect(site, vid, [ev.identify(vp)]);
    expect(identified).toMatchObject({ stage: "mql", mql: true, score: { fit: 20, engagement: 40, total: 60 } });

    // One event took it from visitor to mql: the history records both stages, mqlAt once.
    const stored = await runInDurableObject(env.PROFILES.getByName(visitorProfileName(site, vid)), (_, state) => ({
      stages: state.storage.sql.exec<{ stage: string }>("SELECT stage FROM stages ORDER BY seq").toArray().map((r) => r.stage),
      mqlAt: state.storage.sql.exec<{ mql_at: number }>("SELECT mql_at FROM profile").one().mql_at,
    }));
    expect(stored.stages).toEqual(["lead", "mql"]);
    expect(stored.mqlAt).toBeGreaterThan(0);
  });

  it("a form with an email identifies, its fields scored as traits", async () => {
    const site = await createSite();
    const res = await collect(site, uid("v"), [
      ev.form({ email: " Grace@Navy.MIL ", title: "Director of Ops", companySize: "1,000+" }),
      ev.track("demo_request"),
    ]);
    expect(res).toMatchObject({ stage: "lead", score: { fit: 20, engagement: 25, total: 45 } });
    const more = await collect(site, uid("v"), [ev.form({ title: "Director" })]);
    expect(more).toMatchObject({ stage: "visitor", score: { fit: 0 } });
  });

  it("fit without engagement stays a lead", async () => {
    const site = await createSite();
    const res = await collect(site, uid("v"), [ev.identify(vp), ev.pageview("/about")]);
    expect(res).toMatchObject({ stage: "lead", mql: false, score: { fit: 20, engagement: 0, total: 20 } });
  });

  it("engagement without fit stays a lead", async () => {
    const site = await createSite();
    const res = await collect(site, uid("v"), [
      ev.identify({ email: "intern@acme.com", title: "Intern", companySize: "11-50" }),
      ev.track("demo_request"), ev.pageview("/pricing"),
      ev.track("webinar_attended", { webinar: "w1" }), ev.track("webinar_attended", { webinar: "w2" }),
    ]);
    expect(res).toMatchObject({ stage: "lead", mql: false, score: { fit: 0, engagement: 60, total: 60 } });
  });

  it("an anonymous visitor stays a visitor however engaged, and becomes an MQL the moment it gives its email", async () => {
    const site = await createSite();
    const vid = uid("v");
    const engaged = await collect(site, vid, [
      ev.track("demo_request"), ev.pageview("/pricing"), ev.pageview("/plans/team"),
      ...["a", "b", "c"].map((w) => ev.track("webinar_attended", { webinar: w })),
      ...["1", "2", "3", "4"].map((n) => ev.download(`/files/guide-${n}.pdf`)),
      ev.identify({ title: "Chief Revenue Officer", companySize: "5000" }),
    ]);
    expect(engaged).toMatchObject({ stage: "visitor", mql: false, score: { fit: 20, engagement: 85, total: 105 } });
    const known = await collect(site, vid, [ev.identify({ email: "cro@bigco.com" })]);
    expect(known).toMatchObject({ stage: "mql", mql: true });
  });

  it("an unsubscribe takes points away, floored at zero", async () => {
    const site = await createSite();
    const res = await collect(site, uid("v"), [ev.track("email_unsubscribe"), ev.track("demo_request")]);
    expect(res.score).toEqual({ fit: 0, engagement: 5, total: 5 });
    const alone = await collect(site, uid("v"), [ev.track("email_unsubscribe")]);
    expect(alone.score).toEqual({ fit: 0, engagement: 0, total: 0 });
  });

  it("a known bot is recorded but never scored", async () => {
    const site = await createSite();
    const bot = { ...ev.track("demo_request"), bot: true };
    const res = await collect(site, uid("v"), [bot, ev.pageview("/pricing")]);
    expect(res).toMatchObject({ accepted: 2, score: { engagement: 15 } });
  });
});
