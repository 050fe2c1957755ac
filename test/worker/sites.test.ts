import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "../../shared/rules";
import { DEFAULT_SCORING_MODEL } from "../../worker/src/sites/config";
import { ADMIN, call, collect, ev, ORIGIN, uid } from "./helpers";

const put = (site: string, body: unknown, headers: Record<string, string> = ADMIN) =>
  call(`/v1/sites/${site}`, { method: "PUT", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) });
const get = (site: string, headers: Record<string, string> = ADMIN) => call(`/v1/sites/${site}`, { headers });

describe("PUT and GET /v1/sites/:site", () => {
  it("creates a site with the default model, then replaces it, raising the rules version only when rules change", async () => {
    const site = uid("s-");
    const created = await put(site, { name: "Acme", origins: [ORIGIN] });
    expect(created.status).toBe(201);
    const shown = await (await get(site)).json<Record<string, unknown>>();
    expect(shown).toMatchObject({ id: site, name: "Acme", origins: [ORIGIN], rulesVersion: 1, publicStages: ["visitor", "lead", "mql"] });
    expect(shown.rules).toEqual(DEFAULT_SCORING_MODEL);

    const renamed = await put(site, { name: "Acme Inc", origins: [ORIGIN] });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: "Acme Inc", rulesVersion: 1 });

    const rules = { ...DEFAULT_MODEL, thresholds: { total: 10, fit: 0, engagement: 10 } };
    const changed = await (await put(site, { name: "Acme Inc", origins: [ORIGIN], rules })).json();
    expect(changed).toMatchObject({ rulesVersion: 2, rules: { thresholds: { total: 10, fit: 0, engagement: 10 } } });
  });

  it("keeps secrets write-only: shown as { set: true }, and sending that back keeps them", async () => {
    const site = uid("s-");
    const webhook = { url: "https://crm.test/hook", secret: "whsec-0123456789abcdef" };
    await put(site, { name: "A", origins: [ORIGIN], webhook, identifySecret: "idsec-0123456789abcdef" });
    const shown = await (await get(site)).json<Record<string, unknown>>();
    expect(shown.webhook).toEqual({ url: webhook.url, secret: { set: true } });
    expect(shown.identifySecret).toEqual({ set: true });
    expect(JSON.stringify(shown)).not.toContain("0123456789abcdef");
    // A GET, edited and PUT back, is a valid config that changes nothing it did not touch.
    const resent = await put(site, { ...shown, name: "B" });
    expect(resent.status).toBe(200);
    expect(await resent.json()).toMatchObject({ name: "B", rulesVersion: 1, webhook: { secret: { set: true } } });
  });

  it("refuses an invalid config with 400 naming each bad field", async () => {
    const res = await put(uid("s-"), {
      name: "",
      origins: ["https://ok.test", "not a url", "https://with.path.test/page"],
      publicStages: ["visitor", "vip"],
      webhook: { url: "http://crm.test/hook", secret: "short" },
      rules: {
        ...DEFAULT_MODEL,
        thresholds: { total: "fifty", fit: 10, engagement: 20 },
        rules: [
          { ...DEFAULT_MODEL.rules[0], points: "many" },
          { ...DEFAULT_MODEL.rules[1], on: "telepathy" },
          { id: "bad_regex", on: "identify", dimension: "fit", points: 5, match: { "traits.title": { regex: "(" } } },
        ],
      },
    });
    expect(res.status).toBe(400);
    const { error } = await res.json<{ error: { code: string; path: string; issues: { path: string }[] } }>();
    expect(error.code).toBe("invalid_site");
    const paths = error.issues.map((i) => i.path);
    for (const path of ["name", "origins[1]", "origins[2]", "publicStages[1]", "webhook.url", "webhook.secret",
      "rules.thresholds.total", "rules.rules[0].points", "rules.rules[1].on"]) {
      expect(paths).toContain(path);
    }
    expect(paths.some((p) => p.startsWith("rules.rules[2].match") && p.includes("regex"))).toBe(true);
    expect(error.path).toBe(paths[0]);
  });

  it("takes a whsec_ secret only as Standard Webhooks libraries decode it, naming webhook.secret otherwise; any other secret as typed", async () => {
    const key = (bytes: number) => btoa("k".repeat(bytes));
    const refused = async (secret: string) => {
      const res = await put(uid("s-"), { name: "A", origins: [ORIGIN], webhook: { url: "https://crm.test/hook", secret } });
      expect(res.status, secret).toBe(400);
      const { error } = await res.json<{ error: { path: string; message: string } }>();
      expect(error.path).toBe("webhook.secret");
      return error.message;
    };
    expect(await refused(`whsec_${key(23)}`)).toMatch(/base64 of 24 to 64 bytes \(this is 23\)/);
    expect(await refused(`whsec_${key(65)}`)).toMatch(/this is 65/);
    // Url-safe, unpadded or spaced text: not what every library decodes, so refused.
    const urlSafe = btoa("\xfb".repeat(33)).replace(/\+/g, "-").replace(/\//g, "_");
    for (const encoded of [key(32).replace(/=+$/, ""), urlSafe, ` ${key(32)}`]) {
      expect(await refused(`whsec_${encoded}`)).toMatch(/standard base64/);
    }
    for (const secret of [`whsec_${key(24)}`, `whsec_${key(64)}`, "whsec-0123456789abcdef", "any secret of 16+ chars, even whsec_ inside"]) {
      expect((await put(uid("s-"), { name: "A", origins: [ORIGIN], webhook: { url: "https://crm.test/hook", secret } })).status, secret).toBe(201);
    }
  });

  it("refuses a webhook pointing at the worker itself", async () => {
    const res = await put(uid("s-"), { name: "A", origins: [ORIGIN], webhook: { url: "https://edge.test/v1/collect", secret: "whsec-0123456789abcdef" } });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { path: string } }>()).error.path).toBe("webhook.url");
  });

  it.each([
    ["no token", {}],
    ["a wrong token", { Authorization: "Bearer nope" }],
    ["another scheme", { Authorization: "Basic dGVzdC1hZG1pbi10b2tlbg==" }],
  ])("answers 401 to %s", async (_what, headers) => {
    const site = uid("s-");
    const [putRes, getRes] = [await put(site, { name: "A", origins: [ORIGIN] }, headers), await get(site, headers)];
    for (const res of [putRes, getRes]) {
      expect(res.status).toBe(401);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe("unauthorized");
    }
  });

  it("answers 404 for a site that does not exist", async () => {
    expect((await get(uid("s-"))).status).toBe(404);
  });

  it("rescores a profile from its kept events when the rules change, never back to an older version", async () => {
    const site = uid("s-");
    await put(site, { name: "A", origins: [ORIGIN] });
    const vid = uid("v");
    const before = await collect(site, vid, [ev.track("demo_request"), ev.pageview("/pricing")]);
    expect(before.score.engagement).toBe(40);
    const doubled = DEFAULT_MODEL.rules.map((r) => (r.id === "demo_request" ? { ...r, points: 50 } : r));
    await put(site, { name: "A", origins: [ORIGIN], rules: { ...DEFAULT_MODEL, rules: doubled } });
    const after = await collect(site, vid, [ev.pageview("/about")]);
    expect(after.score.engagement).toBe(65);
  });
});

describe("PATCH /v1/sites/:site (JSON Merge Patch)", () => {
  const patch = (site: string, body: unknown, headers: Record<string, string> = ADMIN) =>
    call(`/v1/sites/${site}`, { method: "PATCH", headers: { ...headers, "Content-Type": "application/merge-patch+json" }, body: JSON.stringify(body) });
  const rules = { ...DEFAULT_MODEL, thresholds: { total: 40, fit: 10, engagement: 20 } };
  const webhook = { url: "https://crm.test/hook", secret: "whsec-0123456789abcdef", stages: ["mql"] };

  async function fullSite(): Promise<string> {
    const site = uid("s-");
    expect((await put(site, { name: "Acme", origins: [ORIGIN], rules, webhook, identifySecret: "idsec-0123456789abcdef", allowBots: true })).status).toBe(201);
    return site;
  }

  it("adds an origin and changes nothing else: webhook, secrets, rules and their version stay", async () => {
    const site = await fullSite();
    const before = await (await get(site)).json<Record<string, any>>();
    const res = await patch(site, { origins: [ORIGIN, "https://shop.acme.test"] });
    expect(res.status).toBe(200);
    const shown = await (await get(site)).json<Record<string, any>>();
    expect(shown).toMatchObject({
      name: "Acme", origins: [ORIGIN, "https://shop.acme.test"], rulesVersion: 1, allowBots: true,
      webhook: { url: webhook.url, secret: { set: true }, stages: ["mql"] }, identifySecret: { set: true },
    });
    expect(shown.rules).toEqual(before.rules);
    // The kept secret still signs: a PUT sending it back as { set: true } is taken.
    expect((await put(site, shown)).status).toBe(200);
  });

  it("merges nested objects, replaces lists, and removes a field sent as null", async () => {
    const site = await fullSite();
    const before = await (await get(site)).json<Record<string, any>>();
    const merged = await (await patch(site, { webhook: { url: "https://crm.test/other" }, rules: { thresholds: { total: 60 } } })).json<Record<string, any>>();
    expect(merged.webhook).toEqual({ url: "https://crm.test/other", secret: { set: true }, stages: ["mql"] });
    expect(merged.rules.thresholds).toEqual({ total: 60, fit: 10, engagement: 20 });
    expect(merged.rules.rules).toEqual(before.rules.rules);
    expect(merged.rulesVersion).toBe(2);
    const removed = await (await patch(site, { webhook: null, identifySecret: null })).json<Record<string, any>>();
    expect(removed.webhook).toBeUndefined();
    expect(removed.identifySecret).toBeUndefined();
    expect(removed.origins).toEqual([ORIGIN]);
  });

  it("checks the merged config as a PUT does, naming the field; an unknown site is 404; a read-only key 403", async () => {
    const site = await fullSite();
    const bad = await patch(site, { origins: ["not an origin"], retentionDays: 0 });
    expect(bad.status).toBe(400);
    const error = (await bad.json<{ error: { code: string; issues: { path: string }[] } }>()).error;
    expect(error.code).toBe("invalid_site");
    expect(error.issues.map((i) => i.path).sort()).toEqual(["origins[0]", "retentionDays"]);
    const polluted = await call(`/v1/sites/${site}`, { method: "PATCH", headers: { ...ADMIN, "Content-Type": "application/json" }, body: '{"__proto__":{"name":"x"}}' });
    expect(polluted.status).toBe(400);
    expect((await get(site)).status).toBe(200);
    expect(await (await get(site)).json()).toMatchObject({ name: "Acme", origins: [ORIGIN] });
    expect((await patch(uid("s-"), { name: "Nope" })).status).toBe(404);
    const key = (await (await call(`/v1/sites/${site}/keys`, { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify({ scopes: ["exports:read"] }) })).json<{ key: string }>()).key;
    expect((await patch(site, { name: "Mine" }, { Authorization: `Bearer ${key}` })).status).toBe(403);
  });
});
