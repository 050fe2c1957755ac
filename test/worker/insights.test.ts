import { describe, expect, it, vi } from "vitest";
import { validateModel } from "../../shared/rules";
import { newcombe } from "../../worker/src/insights/proportions";
import { ADMIN, call, createSite, json, serverEvents, uid } from "./helpers";

/** A model where one fit rule and either engagement rule make an MQL. */
const RULES = {
  thresholds: { total: 20, fit: 10, engagement: 10 },
  rules: [
    { id: "title_icp", on: "identify", dimension: "fit", points: 10, match: { "traits.title": { regex: "\\bvp\\b", flags: "i" } } },
    { id: "demo_request", on: "track", match: { name: "demo_request" }, points: 10, per: "ever" },
    { id: "pricing_visit", on: "pageview", match: { path: ["/pricing", "/pricing/**"] }, points: 10, per: "day", cap: 20 },
  ],
};

/** A model as the site keeps it: checked, its defaults filled. */
function kept(input: unknown) {
  const checked = validateModel(input);
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return checked.value;
}

type Path = "demo" | "pricing" | "both";
/** Where sales took each lead, in order; `mql` is no feedback at all, `lead` recycles it. */
const SCRIPT: Record<Path, string[]> = {
  demo: ["sql", "sql", "sql", "opportunity", "opportunity", "customer", "customer", "mql", "mql", "disqualified", "lead"],
  pricing: ["sql", "customer", "mql", "mql", "mql", "mql", "disqualified", "disqualified", "disqualified", "disqualified", "lead"],
  both: ["sql", "customer", "mql", "mql"],
};

/** Every lead of SCRIPT made an MQL through the events API (a VP who requested a demo, visited pricing or both), then sales' feedback. */
async function scripted(): Promise<string> {
  const site = await createSite({ rules: RULES });
  const event = (email: string, type: string, extra: object) => ({ id: uid("e"), email, type, ts: Date.now(), ...extra });
  const events: object[] = [];
  const feedback: object[] = [];
  for (const [path, stages] of Object.entries(SCRIPT) as [Path, string[]][]) {
    stages.forEach((stage, i) => {
      const email = `${path}-${i}@acme.test`;
      // The title last: the lead qualifies with all its points, and an MQL sales never touch keeps the
      // record written as it qualified.
      if (path !== "pricing") events.push(event(email, "track", { name: "demo_request" }));
      if (path !== "demo") events.push(event(email, "pageview", { url: "https://www.acme.test/pricing" }));
      events.push(event(email, "identify", { traits: { title: "VP Marketing" } }));
      if (stage !== "mql") feedback.push({ email, stage });
    });
  }
  expect(await serverEvents(site, events)).toMatchObject({ accepted: events.length, rejected: [] });
  const res = await call(`/v1/sites/${site}/feedback`, json(feedback));
  expect((await res.json<{ results: { ok: boolean }[] }>()).results.every((r) => r.ok)).toBe(true);
  return site;
}

const insightsOf = (site: string, headers: Record<string, string> = ADMIN) => call(`/v1/sites/${site}/insights`, { headers });

describe("rule insights (GET /v1/sites/:site/insights)", { timeout: 30_000 }, () => {
  it("answers each rule's counts and rates on the scripted outcomes, and suggested points", async () => {
    const site = await scripted();
    // 26 MQLs; SQL or later: demo 7, pricing 2, both 2; customers: 2, 1, 1.
    // The two recycled leads (back at `lead`) count as MQLs that did not reach SQL; recycling cleared
    // their engagement points, so they count for title_icp and are left out of the engagement rules.
    //   demo_request  with: 10 demo + 4 both = 14, SQL 7 + 2 = 9, customers 2 + 1 = 3;  without: 10 pricing, SQL 2, customers 1
    //   pricing_visit with: 10 pricing + 4 both = 14, SQL 2 + 2 = 4, customers 2;  without: 10 demo, SQL 7, customers 2
    const want = {
      mqls: 26, sqls: 11, customers: 4,
      title_icp: { hit: { mqls: 26, sqls: 11, customers: 4 }, miss: { mqls: 0, sqls: 0, customers: 0 } },
      demo_request: { hit: { mqls: 14, sqls: 9, customers: 3 }, miss: { mqls: 10, sqls: 2, customers: 1 } },
      pricing_visit: { hit: { mqls: 14, sqls: 4, customers: 2 }, miss: { mqls: 10, sqls: 7, customers: 2 } },
    };
    // Stage changes reach the export from each lead's outbox: wait until every record has its last one.
    const body = await vi.waitFor(async () => {
      const res = await insightsOf(site);
      expect(res.status).toBe(200);
      const answer = await res.json<Record<string, any>>();
      expect(answer).toMatchObject({
        mqls: want.mqls, sqls: want.sqls, customers: want.customers,
        rules: (["title_icp", "demo_request", "pricing_visit"] as const).map((rule) => ({ rule, ...want[rule] })),
      });
      return answer;
    }, { timeout: 15_000, interval: 100 });

    expect(body.rulesVersion).toBe(1);
    const [title, demo, pricing] = body.rules;
    expect(title).toMatchObject({
      dimension: "fit", points: 10, enough: false, coefficient: null, sqlDifference: null, customerDifference: null,
      hit: { sqlRate: 11 / 26, customerRate: 4 / 26 }, miss: { sqlRate: null, customerRate: null },
    });
    expect(demo).toMatchObject({ dimension: "engagement", points: 10, enough: true, hit: { sqlRate: 9 / 14, customerRate: 3 / 14 }, miss: { sqlRate: 0.2, customerRate: 0.1 } });
    expect(pricing).toMatchObject({ enough: true, hit: { sqlRate: 4 / 14, customerRate: 2 / 14 }, miss: { sqlRate: 0.7, customerRate: 0.2 } });
    expect(demo.sqlDifference).toEqual(newcombe(9, 14, 2, 10));
    expect(demo.sqlDifference.low).toBeGreaterThan(0); // 64% against 20%: more than chance, even on 14 and 10
    expect(pricing.sqlDifference).toEqual(newcombe(4, 14, 7, 10));
    expect(pricing.sqlDifference.high).toBeLessThan(0);
    expect(demo.customerDifference).toEqual(newcombe(3, 14, 1, 10));
    expect(demo.coefficient).toBeGreaterThan(0);
    expect(pricing.coefficient).toBeLessThan(0);

    // The engagement points move to the demo request; the pricing visit keeps its sign at +1, its cap scaled alike;
    // title_icp, which every MQL hit, stays. Nothing changes live.
    expect(body.suggested).toEqual([
      { rule: "demo_request", points: 10, suggested: 19, reason: expect.stringContaining("reached SQL: 64% of 14 MQLs with it, 20% of 10 without") },
      { rule: "pricing_visit", points: 10, suggested: 1, reason: expect.stringContaining("against its sign") },
    ]);
    const [titleRule, demoRule, pricingRule] = RULES.rules;
    const suggestedRules = kept({ ...RULES, rules: [titleRule, { ...demoRule, points: 19 }, { ...pricingRule, points: 1, cap: 2 }] });
    expect(body.suggestedRules).toEqual(suggestedRules);
    expect(validateModel(body.suggestedRules)).toEqual({ ok: true, value: suggestedRules });
    const config = await (await call(`/v1/sites/${site}`, { headers: ADMIN })).json<{ rules: unknown; rulesVersion: number }>();
    expect(config).toMatchObject({ rulesVersion: 1, rules: kept(RULES) });

    // The dashboard shows the same: differences whose interval leaves out 0 coloured, and the suggestions.
    const login = await call("/dashboard/login", {
      method: "POST", redirect: "manual", body: "token=test-admin-token",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://edge.test" },
    });
    const html = await (await call(`/dashboard?site=${site}`, { headers: { Cookie: login.headers.get("Set-Cookie")!.split(";")[0]! } })).text();
    const row = (rule: string) => new RegExp(`<tr data-rule="${rule}">(.*?)</tr>`, "s").exec(html)?.[1];
    expect(row("demo_request")).toContain('<span class="up">+44.3 pp</span><span class="sub">95% CI +4.1 pp to +68.4 pp</span>');
    expect(row("pricing_visit")).toContain('<span class="down">-41.4 pp</span><span class="sub">95% CI -67 pp to -1.4 pp</span>');
    expect(row("title_icp")).toContain("no MQLs on one side");
    expect(html).toContain("<li><strong>demo_request</strong> +10 → +19: reached SQL: 64% of 14 MQLs with it, 20% of 10 without;");

    // The team saves the suggestions as the rules draft, previews it against every lead, and publishes it.
    const cookie = login.headers.get("Set-Cookie")!.split(";")[0]!;
    const press = (path: string) => call(path, {
      method: "POST", redirect: "manual", headers: { Cookie: cookie, Origin: "https://edge.test", "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(html).toContain(`<form method="post" action="/dashboard/rules/draft?site=${site}">`);
    expect((await press(`/dashboard/rules/draft?site=${site}`)).headers.get("Location")).toBe(`/dashboard/rules?site=${site}&done=suggested#draft`);
    expect(await (await call(`/v1/sites/${site}/rules/draft`, { headers: ADMIN })).json()).toMatchObject({ rules: suggestedRules, basedOn: 1 });
    const drafted = await (await call(`/dashboard/rules?site=${site}&preview=1&done=suggested`, { headers: { Cookie: cookie } })).text();
    expect(drafted).toContain("Rule insights&#39; suggested points were saved as the draft.");
    expect(drafted).toMatch(/<tr data-diff-changed="demo_request"><td>changed: points<\/td><td class="path">demo_request<\/td><td>\+10 [^<]*<\/td><td>\+19 /);
    const preview = await (await call(`/v1/sites/${site}/rules/preview`, json({}))).json<Record<string, any>>();
    const moved = preview.moves.reduce((n: number, m: { count: number }) => n + m.count, 0);
    expect(drafted).toContain(`Of ${preview.profiles} leads, ${moved} lead${moved === 1 ? "" : "s"} would change stage. `
      + `Median total score ${preview.scores.before.total.median} → ${preview.scores.after.total.median}.`);
    expect((await press(`/dashboard/rules/publish?site=${site}`)).status).toBe(303);
    expect(await (await call(`/v1/sites/${site}`, { headers: ADMIN })).json()).toMatchObject({ rulesVersion: 2, rules: suggestedRules });
    expect((await call(`/v1/sites/${site}/rules/draft`, { headers: ADMIN })).status).toBe(404);
  });

  it("answers a site without MQLs with empty groups and its model unchanged", async () => {
    const site = await createSite({ rules: RULES });
    const res = await insightsOf(site);
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, any>>();
    expect(body).toMatchObject({ rulesVersion: 1, mqls: 0, sqls: 0, customers: 0, suggested: [] });
    expect(body.rules.map((r: any) => [r.rule, r.hit.mqls, r.miss.mqls, r.miss.sqlRate])).toEqual([
      ["title_icp", 0, 0, null], ["demo_request", 0, 0, null], ["pricing_visit", 0, 0, null],
    ]);
    expect(body.suggestedRules).toEqual(kept(RULES));
  });

  it("needs exports:read on the site's own key, and names an unknown site", async () => {
    const site = await createSite();
    const other = await createSite();
    const key = async (on: string, scopes: string[]) =>
      (await (await call(`/v1/sites/${on}/keys`, json({ scopes }))).json<{ key: string }>()).key;
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

    expect((await insightsOf(site, {})).status).toBe(401);
    expect((await insightsOf(site, bearer("esk_nope.nope"))).status).toBe(401);
    expect((await insightsOf(site, bearer(await key(site, ["profiles:read", "site:admin"])))).status).toBe(403);
    expect((await insightsOf(site, bearer(await key(other, ["exports:read"])))).status).toBe(403);
    expect((await insightsOf(site, bearer(await key(site, ["exports:read"])))).status).toBe(200);

    const unknown = await insightsOf("no-such-site");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: "unknown_site", message: 'no site "no-such-site"', path: "site" } });
  });
});
