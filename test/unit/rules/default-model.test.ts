import { describe, expect, it } from "vitest";
import { qualifies, replay } from "../../../shared/rules";
import { DAY, defaults, download, identify, lineOf, pageview, T0, track } from "./helpers";

const engagementOf = (events: Parameters<typeof replay>[1]) => replay(defaults, events, T0 + 2 * DAY).scored.engagement;

describe("the default model", () => {
  it("makes a VP of a 201-500 company who asked for a demo and saw pricing an MQL: 20 + 40 = 60", () => {
    const events = [
      identify({ email: "ada@acme.com", title: "VP Marketing", companySize: "201-500" }),
      track("demo_request"),
      pageview("https://acme.com/pricing"),
    ];
    const { points, scored } = replay(defaults, events, T0);
    expect(points).toEqual([20, 25, 15]);
    expect(scored).toMatchObject({ fit: 20, engagement: 40, total: 60 });
    expect(scored.explanation.map((line) => [line.rule, line.points])).toEqual([
      ["pricing_visit", 15],
      ["demo_request", 25],
      ["title_icp", 10],
      ["company_size_icp", 10],
    ]);
    expect(lineOf(scored, "demo_request")?.events).toEqual([events[1]?.id]);
    expect(qualifies(defaults, scored)).toBe(true);
  });

  it("counts pricing visits once a day, up to 30", () => {
    const sameDay = [0, 1, 2].map((h) => pageview("https://acme.com/pricing", { receivedAt: T0 + h * 3_600_000 }));
    expect(engagementOf(sameDay)).toBe(15);
    const threeDays = [0, 1, 2].map((d) => pageview("https://acme.com/plans/teams", { receivedAt: T0 + d * DAY }));
    expect(engagementOf(threeDays)).toBe(30);
  });

  it("counts each document once, up to 15, by extension regardless of case", () => {
    expect(engagementOf(["/a.pdf", "/b.pdf", "/c.epub", "/d.pptx"].map((href) => download(href)))).toBe(15);
    expect(engagementOf([download("/a.pdf"), download("/a.pdf")])).toBe(5);
    expect(engagementOf([download("https://cdn.acme.com/Guide.PDF")])).toBe(5);
    expect(engagementOf([download("/logo.png")])).toBe(0);
  });

  it("counts each webinar once, up to 30", () => {
    const webinars = ["a", "b", "a", "c", "d"].map((webinar) => track("webinar_attended", { props: { webinar } }));
    expect(replay(defaults, webinars, T0).points).toEqual([10, 10, 0, 10, 0]);
  });

  it("gives email_engaged once, at the fifth open", () => {
    const opens = Array.from({ length: 7 }, () => track("email_open"));
    expect(replay(defaults, opens, T0).points).toEqual([0, 0, 0, 0, 5, 0, 0]);
  });

  it("takes 20 once for an unsubscribe", () => {
    const events = [track("demo_request"), track("email_unsubscribe"), track("email_unsubscribe")];
    expect(replay(defaults, events, T0).points).toEqual([25, -20, 0]);
  });

  it("does not qualify on engagement alone, nor with fit below its threshold", () => {
    const { scored } = replay(defaults, [track("demo_request"), pageview("https://acme.com/pricing"), pageview("https://acme.com/pricing", { receivedAt: T0 + DAY })], T0 + DAY);
    expect(scored).toMatchObject({ fit: 0, engagement: 55, total: 55 });
    expect(qualifies(defaults, scored)).toBe(false);
  });
});
