/**
 * The scoring rules page (docs/dashboard.md, Scoring rules) through its forms, as a
 * browser posts them: the draft's rule and settings forms, their errors beside the
 * field, preview, publish and rollback with notes, and who may do any of it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL, validateModel, type ScoringModel } from "../../shared/rules";
import { ruleFields, type RuleFields } from "../../worker/src/dashboard/rules/fields";
import {
  ADMIN, call, collect, createSite, dashboardSession as session, ev, json, lookup, openPage as open, submitForm as post, uid, until,
} from "./helpers";


async function createKey(site: string, scopes: string[]): Promise<{ id: string; key: string }> {
  const res = await call(`/v1/sites/${site}/keys`, json({ scopes }));
  expect(res.status).toBe(201);
  return res.json();
}


/** A rule's form as the page fills it, posted as name/value pairs. */
function ruleForm(fields: RuleFields): [string, string][] {
  const { conditions, on, ...plain } = fields;
  return [
    ...Object.entries(plain),
    ...on.map((type): [string, string] => ["on", type]),
    ...conditions.flatMap((row, i) => Object.entries(row).map(([k, v]): [string, string] => [`cond-${i}-${k}`, v])),
  ];
}

function liveModel(): ScoringModel {
  const checked = validateModel(DEFAULT_MODEL);
  if (!checked.ok) throw new Error("the default model is invalid");
  return checked.value;
}
const draftOf = async (site: string) => (await call(`/v1/sites/${site}/rules/draft`, { headers: ADMIN })).json<{ rules: ScoringModel; basedOn: number }>();

let site: string;
let admin: string;
beforeAll(async () => {
  site = await createSite();
  admin = await session();
});

describe("scoring rules page (docs/dashboard.md, Scoring rules)", () => {
  it("shows the live rules in plain words, with thresholds and decay", async () => {
    const html = await (await open(`/dashboard/rules?site=${site}`, admin)).text();
    expect(html).toContain("Live rules: version 1");
    expect(html).toContain("a page view of /pricing, /pricing/**, /plans or /plans/**");
    expect(html).toContain("the lead&#39;s traits: trait title matches /\\b(vp|vice president|director|head|chief|c[emt]o|founder)\\b/i");
    expect(html).toContain("trait companySize is between 50 and 5000");
    expect(html).toContain("once a day, at most 30 points");
    expect(html).toContain("total ≥ 50, fit ≥ 10, engagement ≥ 20");
    expect(html).toMatch(/<div class="scroll" tabindex="0" role="region" aria-label="The live rules">/);
    expect(html).toContain("Start a draft from the live rules");
  });

  it("starts a draft from the live rules, and every rule's form posted unchanged keeps the draft the live rules", async () => {
    const started = await post(`/dashboard/rules/draft/start?site=${site}`, admin);
    expect(started.status).toBe(303);
    expect(started.headers.get("Location")).toBe(`/dashboard/rules?site=${site}&done=started#draft`);
    expect((await draftOf(site)).rules).toEqual(liveModel());
    const page = await (await open(started.headers.get("Location")!, admin)).text();
    expect(page).toContain('<p class="notice" role="status">A draft was started from the live rules.</p>');

    for (const rule of liveModel().rules) {
      const res = await post(`/dashboard/rules/draft/rule?site=${site}`, admin, ruleForm(ruleFields(rule)));
      expect(res.status, rule.id).toBe(303);
    }
    expect((await draftOf(site)).rules).toEqual(liveModel());
  });

  it("changes, adds and removes rules, each confirmed", async () => {
    const pricing = liveModel().rules.find((r) => r.id === "pricing_visit")!;
    const changed = await post(`/dashboard/rules/draft/rule?site=${site}`, admin, ruleForm({ ...ruleFields(pricing), points: "40" }));
    expect(changed.headers.get("Location")).toContain("done=saved");
    expect((await draftOf(site)).rules.rules.find((r) => r.id === "pricing_visit")).toEqual({ ...pricing, points: 40 });

    const added = await post(`/dashboard/rules/draft/rule?site=${site}`, admin, ruleForm({
      ...ruleFields(pricing), original: "", id: "docs_visit", on: ["pageview", "engagement"], points: "-3", path: "/docs/**", per: "",
      cap: "", unique: "sid", conditions: [
        { field: "props.plan", op: "in", value: "pro, team", flags: "", min: "", max: "" },
        { field: "traits.country", op: "absent", value: "", flags: "", min: "", max: "" },
        { field: "", op: "equals", value: "", flags: "", min: "", max: "" },
      ],
    }));
    expect(added.headers.get("Location")).toContain("done=added");
    expect((await draftOf(site)).rules.rules.at(-1)).toEqual({
      id: "docs_visit", on: ["pageview", "engagement"], points: -3, dimension: "engagement", unique: "sid",
      match: { path: "/docs/**", "props.plan": { in: ["pro", "team"] }, "traits.country": { exists: false } },
    });
    const page = await (await open(`/dashboard/rules?site=${site}&done=added`, admin)).text();
    expect(page).toContain("The rule was added to the draft.");
    expect(page).toMatch(/data-diff-added="docs_visit"/);
    expect(page).toMatch(/data-diff-changed="pricing_visit"><td>changed: points</);

    const removed = await post(`/dashboard/rules/draft/remove?site=${site}`, admin, [["id", "docs_visit"]]);
    expect(removed.headers.get("Location")).toContain("done=removed");
    expect((await draftOf(site)).rules.rules.map((r) => r.id)).not.toContain("docs_visit");
  });

  it("shows a rule's validation errors beside their fields, with what was typed kept", async () => {
    const title = liveModel().rules.find((r) => r.id === "title_icp")!;
    const fields = ruleFields(title);
    const res = await post(`/dashboard/rules/draft/rule?site=${site}`, admin, ruleForm({
      ...fields, points: "0", conditions: [{ ...fields.conditions[0]!, value: "(vp" }],
    }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/<input id="points" aria-describedby="points-hint points-error" aria-invalid="true" name="points" value="0"/);
    expect(html).toContain('<span class="field-error" id="points-error">points must not be 0</span>');
    expect(html).toMatch(/<input id="cond-0-field"[^>]*aria-invalid="true"[^>]*value="traits.title"/);
    expect(html).toMatch(/id="cond-0-field-error">regex: [^<]+</);
    expect(html).toContain('name="cond-0-value" value="(vp"');
    expect((await draftOf(site)).rules.rules.find((r) => r.id === "title_icp")).toEqual(title);

    const reserved = await post(`/dashboard/rules/draft/rule?site=${site}`, admin, ruleForm({ ...fields, original: "", id: "floor", on: [] }));
    const text = await reserved.text();
    expect(text).toContain('id="id-error">this id is reserved<');
    expect(text).toMatch(/id="on-error">[^<]+</);
  });

  it("saves thresholds, per-country thresholds, decay and account thresholds, errors beside their fields", async () => {
    const base: [string, string][] = [
      ["thresholds-total", "60"], ["thresholds-fit", "10"], ["thresholds-engagement", "20"],
      ["country-0-country", "DE"], ["country-0-total", "40"], ["country-0-fit", ""], ["country-0-engagement", ""],
      ["country-1-country", "", ], ["country-1-total", ""], ["country-1-fit", ""], ["country-1-engagement", ""],
      ["decay-afterDays", "30"], ["decay-points", "-5"], ["decay-everyDays", "15"], ["account-fit", ""], ["account-engagement", ""],
    ];
    const set = (changes: Record<string, string>) => base.map(([k, v]): [string, string] => [k, changes[k] ?? v]);
    const wrong = await post(`/dashboard/rules/draft/model?site=${site}`, admin, set({ "thresholds-total": "-1", "country-0-country": "de", "decay-points": "3", "account-fit": "5" }));
    expect(wrong.status).toBe(400);
    const html = await wrong.text();
    expect(html).toMatch(/id="thresholds-total-error">[^<]*0[^<]*</);
    expect(html).toMatch(/id="country-0-country-error">a country is an ISO 3166 alpha-2 code, upper case</);
    expect(html).toMatch(/id="decay-points-error">[^<]+</);
    expect(html).toMatch(/id="account-engagement-error">[^<]+</);
    expect(html).toContain('name="country-0-country" value="de"');

    const saved = await post(`/dashboard/rules/draft/model?site=${site}`, admin, set({}));
    expect(saved.headers.get("Location")).toContain("done=settings");
    const { rules } = await draftOf(site);
    expect(rules.thresholds).toEqual({ total: 60, fit: 10, engagement: 20 });
    expect(rules.countries).toEqual({ DE: { total: 40 } });
    expect(rules.decay).toEqual({ afterDays: 30, points: -5, everyDays: 15 });
    expect(rules.accountThresholds).toBeUndefined();
    expect(await (await open(`/dashboard/rules?site=${site}`, admin)).text()).toMatch(/data-diff-setting="countries.DE.total"><td>changed<\/td><td class="path">countries.DE.total<\/td><td>not set<\/td><td>40</);
  });

  it("previews the draft naming the lead that would move, publishes with a note, compares versions, rolls back", async () => {
    const own = await createSite();
    // Engagement 15, fit 20, total 35: a lead; with pricing at 40, an MQL.
    await collect(own, uid("v"), [ev.pageview("/pricing"), ev.identify({ email: "lin@acme.com", name: "Lin Mei", title: "VP Sales", companySize: "201-500" })]);
    await until(async () => (await lookup(own, "lin@acme.com"))?.stage === "lead" && (await lookup(own, "lin@acme.com"))?.score.total === 35, "the lead scored");
    const key = await createKey(own, ["exports:read", "site:admin"]);
    const cookie = await session(key.key);
    await post(`/dashboard/rules/draft/start?site=${own}`, cookie);
    const pricing = liveModel().rules.find((r) => r.id === "pricing_visit")!;
    await post(`/dashboard/rules/draft/rule?site=${own}`, cookie, ruleForm({ ...ruleFields(pricing), points: "40" }));

    const preview = await (await open(`/dashboard/rules?site=${own}&preview=1`, cookie)).text();
    expect(preview).toContain("1 lead would change stage");
    expect(preview).toMatch(/data-mover="[^"]+"><td><span>Lin Mei · lin@acme.com<\/span>/);
    expect(preview).toContain('data-move="lead-mql"');

    const published = await post(`/dashboard/rules/publish?site=${own}`, cookie, [["note", "Pricing counts more"]]);
    expect(published.headers.get("Location")).toBe(`/dashboard/rules?site=${own}&done=published#versions`);
    const listed = await (await call(`/v1/sites/${own}/rules`, { headers: ADMIN })).json<{ items: Array<Record<string, unknown>> }>();
    expect(listed.items[0]).toMatchObject({ version: 2, origin: "publish", by: key.id, note: "Pricing counts more" });
    await until(async () => (await lookup(own, "lin@acme.com"))?.stage === "mql", "the lead rescored to MQL");

    const history = await (await open(`/dashboard/rules?site=${own}&done=published&from=1&to=2`, cookie)).text();
    expect(history).toContain("The draft was published as the new rules version");
    expect(history).toMatch(/data-version="2">.*?key <code>[^<]+<\/code>.*?Pricing counts more/s);
    expect(history).toMatch(/data-diff-changed="pricing_visit"><td>changed: points<\/td>/);
    expect(history).toContain("Start a draft from the live rules");

    // Nothing to publish now: said on the page, not as an error page.
    const nothing = await post(`/dashboard/rules/publish?site=${own}`, cookie);
    expect(nothing.headers.get("Location")).toContain("refused=no_draft");
    expect(await (await open(nothing.headers.get("Location")!, cookie)).text()).toContain("There is no draft: start one from the live rules first.");

    const rolledBack = await post(`/dashboard/rules/rollback?site=${own}`, admin, [["note", "Too generous"]]);
    expect(rolledBack.headers.get("Location")).toContain("done=rolled-back");
    const after = await (await call(`/v1/sites/${own}/rules`, { headers: ADMIN })).json<{ items: Array<Record<string, unknown>> }>();
    expect(after.items[0]).toMatchObject({ version: 3, origin: "rollback", restores: 1, by: "admin", note: "Too generous" });
    expect(await (await open(`/dashboard/rules?site=${own}`, admin)).text()).toMatch(/data-version="3">.*?rolled back 2, restoring 1.*?admin token.*?Too generous/s);
  });

  it("a read-only key: no Scoring rules link, the page and every rules form post refused", async () => {
    const reader = await session((await createKey(site, ["exports:read"])).key);
    const overview = await (await open(`/dashboard?site=${site}`, reader)).text();
    expect(overview).toContain('href="/dashboard?site=');
    expect(overview).not.toContain("/dashboard/rules");
    expect((await open(`/dashboard/rules?site=${site}`, reader)).status).toBe(403);
    const before = await draftOf(site);
    for (const action of ["draft", "draft/start", "draft/rule", "draft/remove", "draft/model", "draft/discard", "publish", "rollback"]) {
      const res = await post(`/dashboard/rules/${action}?site=${site}`, reader, [["id", "pricing_visit"], ["note", "x"]]);
      expect(res.status, action).toBe(403);
    }
    expect(await draftOf(site)).toEqual(before);
  });

  it("discards the draft", async () => {
    const res = await post(`/dashboard/rules/draft/discard?site=${site}`, admin);
    expect(res.headers.get("Location")).toContain("done=discarded");
    expect((await call(`/v1/sites/${site}/rules/draft`, { headers: ADMIN })).status).toBe(404);
  });
});

describe("publish and rollback notes in the JSON API (docs/api.md)", () => {
  it("records the note and who published; refuses a note too long", async () => {
    const own = await createSite();
    const model = liveModel();
    await call(`/v1/sites/${own}/rules/draft`, { ...json({ ...model, thresholds: { ...model.thresholds, total: 45 } }), method: "PUT" });
    const long = await call(`/v1/sites/${own}/rules/publish`, json({ note: "x".repeat(201) }));
    expect(long.status).toBe(400);
    const res = await call(`/v1/sites/${own}/rules/publish`, json({ note: "  Lower bar  " }));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ version: 2, by: "admin", note: "Lower bar" });
    const back = await call(`/v1/sites/${own}/rules/rollback`, json({}));
    const version = await back.json<Record<string, unknown>>();
    expect(version).toMatchObject({ version: 3, by: "admin" });
    expect(version).not.toHaveProperty("note");
  });
});
