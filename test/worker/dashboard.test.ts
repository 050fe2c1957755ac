import { env } from "cloudflare:workers";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { recordFailure } from "../../worker/src/webhooks/failed";
import { ADMIN, call, collect, createSite, dashboardSession as session, ev, json, uid } from "./helpers";

const SELF = "https://edge.test";
const XSS_COMPANY = "<script>alert(1)</script>";
const XSS_SOURCE = `"><svg onload=alert(1)>`;

/** A VP who visits pricing from `utm_source` and requests a demo: an MQL under the default model (docs/rules.md#the-default-model). */
async function qualify(site: string, email: string, company: string, utmSource: string) {
  await collect(site, uid("v"), [
    { ...ev.pageview("/pricing"), props: { title: "Pricing", utm_source: utmSource, utm_medium: "email", utm_campaign: "nov" } },
    ev.track("demo_request"),
    ev.identify({ email, title: "VP Marketing", companySize: "201-500", name: "Ada Lovelace", company }),
  ]);
}

async function metricsOf(site: string) {
  const res = await call(`/v1/sites/${site}/metrics`, { headers: ADMIN });
  return (await res.json<{ counts: Record<string, number> }>()).counts;
}

/** Stage changes reach the metrics through each profile's outbox, on its alarm: wait for them. */
async function settled(site: string, want: { mqls: number; sqls: number }) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const counts = await metricsOf(site);
    if (counts.mqls === want.mqls && counts.sqls === want.sqls) return counts;
    if (Date.now() > deadline) throw new Error(`metrics never settled: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Posts the login form as a browser on this origin would. */
function login(token: string, origin = SELF): Promise<Response> {
  return call("/dashboard/login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
    body: new URLSearchParams({ token }).toString(),
    redirect: "manual",
  });
}

const open = (path: string, cookie?: string) => call(path, { headers: cookie ? { Cookie: cookie } : {} });

async function createKey(site: string, scopes?: string[]): Promise<{ id: string; key: string }> {
  const res = await call(`/v1/sites/${site}/keys`, json(scopes ? { scopes } : {}));
  expect(res.status).toBe(201);
  return res.json();
}

let site: string;
beforeAll(async () => {
  site = await createSite();
  await qualify(site, "ada@acme.com", XSS_COMPANY, XSS_SOURCE);
  await qualify(site, "grace@acme.com", "Acme Corp", "newsletter");
  await qualify(site, "alan@acme.com", "Bletchley Ltd", "newsletter");
  const feedback = await call(`/v1/sites/${site}/feedback`, json({ email: "grace@acme.com", stage: "sql" }));
  expect(feedback.status).toBe(200);
  await settled(site, { mqls: 3, sqls: 1 });
});

describe("dashboard (GET /dashboard)", () => {
  it("without a session shows the login form, posting to /dashboard/login", async () => {
    const res = await open("/dashboard");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<form[^>]*method="post"[^>]*action="\/dashboard\/login"/);
    expect(html).toContain('name="token"');
    expect(html).not.toContain(site);
  });

  it("exchanges the admin token for a signed, HttpOnly, SameSite=Strict cookie on /dashboard, without the token", async () => {
    const res = await login("test-admin-token");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/dashboard");
    const cookie = res.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^es_dashboard=[^;]+\./);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/dashboard");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("Max-Age=43200");
    expect(cookie).not.toContain("test-admin-token");
    expect(decodeURIComponent(cookie)).not.toContain("test-admin-token");
  });

  it("refuses a wrong token with 401 and the form again, and a form posted from another origin", async () => {
    const wrong = await login("not-the-token");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("Set-Cookie")).toBeNull();
    const html = await wrong.text();
    expect(html).toContain("not valid");
    expect(html).toContain('name="token"');

    const forged = await login("test-admin-token", "https://evil.test");
    expect(forged.status).toBe(403);
    expect(forged.headers.get("Set-Cookie")).toBeNull();
  });

  it("shows the site's funnel, rates and MQLs to a session", async () => {
    const cookie = await session();
    const res = await open(`/dashboard?site=${site}`, cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    const funnel = (stage: string) => new RegExp(`data-stage="${stage}".*?class="value"[^>]*>([\\d,]+)<`, "s").exec(html)?.[1];
    expect(funnel("mqls")).toBe("3");
    expect(funnel("sqls")).toBe("1");
    expect(funnel("customers")).toBe("0");
    expect(html).toMatch(/data-kpi="mql-to-sql".*?<dd>33.3%<\/dd>/s);
    for (const email of ["ada@acme.com", "grace@acme.com", "alan@acme.com"]) expect(html).toContain(email);
    expect(html).toContain("demo_request +25");
    expect(html).toContain("/dashboard/mqls.csv?site=" + site);
  });

  it("says Web Vitals are sampled, and how many page views are behind each figure", async () => {
    const other = await createSite();
    const vital = (name: string, value: number, path: string) =>
      ({ id: uid("e"), type: "vitals", ts: Date.now(), url: `https://www.acme.test${path}`, props: { name, value, rating: "good" } });
    await collect(other, uid("v"), [ev.pageview("/pricing"), vital("LCP", 1800, "/pricing"), vital("CLS", 0.02, "/pricing")]);
    await collect(other, uid("v"), [ev.pageview("/"), vital("LCP", 2400, "/")]);
    const deadline = Date.now() + 10_000;
    while ((await (await call(`/v1/sites/${other}/metrics`, { headers: ADMIN })).json<{ vitals: { LCP: { samples: number } } }>()).vitals.LCP.samples < 2) {
      if (Date.now() > deadline) throw new Error("vitals never arrived");
      await new Promise((r) => setTimeout(r, 50));
    }
    const html = await (await open(`/dashboard?site=${other}`, await session())).text();
    const row = (metric: string) => new RegExp(`<th scope="row">${metric}</th>.*?</tr>`, "s").exec(html)?.[0];
    expect(row("LCP")).toContain("sampled: 2 page views");
    expect(row("CLS")).toContain("sampled: 1 page view<");
    expect(row("INP")).toContain("sampled: 0 page views");
    expect(html).toContain("Sampled: captured on a share of page views");
  });

  it("shows each rule's SQL rate with and without it, over every MQL", async () => {
    const html = await (await open(`/dashboard?site=${site}&days=7`, await session())).text();
    const row = (rule: string) => new RegExp(`<tr data-rule="${rule}">(.*?)</tr>`, "s").exec(html)?.[1]?.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
    expect(html).toContain("<h2>Rule insights</h2>");
    // All three MQLs requested a demo, Grace went on to SQL; nobody attended a webinar.
    expect(row("demo_request")).toBe("demo_request engagement +25 33.3% 1 of 3 MQLs – 0 of 0 MQLs – no MQLs on one side –");
    expect(row("webinar_attended")).toBe("webinar_attended engagement +10 – 0 of 0 MQLs 33.3% 1 of 3 MQLs – no MQLs on one side –");
    expect(html).toContain("No change suggested.");
  });

  it("shows the site's accounts, MQAs first, with their members and score", async () => {
    // The three MQLs at acme.com make their account an MQA (engagement 120, fit 10); one lead at initech.com is an account.
    await collect(site, uid("v"), [ev.pageview("/pricing"), ev.identify({ email: "zed@initech.com" })]);
    for (const deadline = Date.now() + 10_000; ;) {
      const { items } = await (await call(`/v1/sites/${site}/accounts`, { headers: ADMIN })).json<{ items: { account: string; stage: string }[] }>();
      if (items.length === 2 && items.some((a) => a.stage === "mqa")) break;
      if (Date.now() > deadline) throw new Error(`accounts never settled: ${JSON.stringify(items)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const html = await (await open(`/dashboard?site=${site}`, await session())).text();
    const rows = [...html.matchAll(/<tr data-account="([^"]+)">([\s\S]*?)<\/tr>/g)].map(([, account, row]) => ({
      account,
      cells: [...row!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map(([, cell]) => cell!.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim()),
    }));
    expect(rows.map((r) => r.account)).toEqual(["domain:acme.com", "domain:initech.com"]);
    expect(rows[0]!.cells.slice(0, 4)).toEqual(["acme.com email domain", "3 3 leads · 3 MQLs", "130 fit 10 · eng. 120", "mqa"]);
    expect(rows[0]!.cells[5]).toBe("company_size_icp +10 engagement of 3 members +120");
    expect(rows[1]!.cells.slice(0, 5)).toEqual(["initech.com email domain", "1 1 lead", "15 fit 0 · eng. 15", "account", "–"]);
  });

  it("sends the security headers, and no script at all", async () => {
    const cookie = await session();
    for (const res of [await open("/dashboard"), await open(`/dashboard?site=${site}`, cookie), await login("wrong")]) {
      expect(res.headers.get("Content-Security-Policy")).toBe(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      const html = await res.text();
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\sstyle=/i);
      expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
    }
    const css = await open("/dashboard/app.css");
    expect(css.headers.get("Content-Type")).toContain("text/css");
  });

  it("escapes what visitors typed: a company, a utm tag (in the table and the SVG labels), a receiver's error", async () => {
    await recordFailure(env.SITES, site, {
      id: `${uid("p")}.1`, profile: uid("p"), type: "profile.stage_changed", to: "mql", attempts: 12,
      firstAttemptAt: Date.now() - 90_000_000, failedAt: Date.now(), lastError: "HTTP 500 <img src=x onerror=alert(1)>",
    });
    const html = await (await open(`/dashboard?site=${site}`, await session())).text();
    expect(html).not.toContain(XSS_COMPANY);
    expect(html).not.toContain("<svg onload");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const source = "&quot;&gt;&lt;svg onload=alert(1)&gt;";
    // In the sources chart (its label, cut to 20 characters, and its tooltip), in both tables and in cost per MQL's.
    const svg = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map(([chart]) => chart).join("");
    expect(svg).toMatch(/<text class="label"[^>]*>&quot;&gt;&lt;svg onload=alert…<\/text>/);
    expect(svg).toContain(`<title>${source} / email / nov: 1 MQL, 0 SQLs</title>`);
    expect(html.split(source).length - 1).toBe(4);
    expect(html).toContain("HTTP 500 &lt;img src=x onerror=alert(1)&gt;");
  });

  it("refuses a tampered cookie", async () => {
    const cookie = await session();
    const [name, value] = cookie.split("=") as [string, string];
    const raw = decodeURIComponent(value);
    const dot = raw.lastIndexOf(".");
    const payload = JSON.parse(atob(raw.slice(0, dot).replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...payload, exp: payload.exp + 86_400 })).replace(/=+$/, "");
    for (const tampered of [`${name}=${encodeURIComponent(`${forged}${raw.slice(dot)}`)}`, `${name}=${value.slice(0, -6)}AAAA%3D`]) {
      const html = await (await open(`/dashboard?site=${site}`, tampered)).text();
      expect(html).toContain('action="/dashboard/login"');
      expect(html).not.toContain("ada@acme.com");
    }
  });

  it("a site key: its own site only, with exports:read; revoking it ends its session", async () => {
    const key = await createKey(site);
    const cookie = await session(key.key);
    const own = await open("/dashboard", cookie);
    expect(own.status).toBe(200);
    expect(await own.text()).toContain("ada@acme.com");

    // Default keys read: they may not change the site's rules from the dashboard.
    const press = await call(`/dashboard/rules/publish?site=${site}`, { method: "POST", headers: { Cookie: cookie, Origin: SELF } });
    expect(press.status).toBe(403);
    expect(await press.text()).toContain("site:admin");

    const other = await createSite();
    const refused = await open(`/dashboard?site=${other}`, cookie);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("another site");

    const writer = await createKey(site, ["events:write"]);
    const noScope = await login(writer.key);
    expect(noScope.status).toBe(403);
    expect(await noScope.text()).toContain("exports:read");

    expect((await call(`/v1/sites/${site}/keys/${key.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
    const revoked = await (await open("/dashboard", cookie)).text();
    expect(revoked).toContain('action="/dashboard/login"');
    expect(revoked).not.toContain("ada@acme.com");
  });

  it("shows failed webhooks and the way to the rules page to site:admin only, as the API does", async () => {
    const own = await createSite();
    await qualify(own, "ada@acme.com", "Acme", "newsletter");
    await recordFailure(env.SITES, own, {
      id: `${uid("p")}.1`, profile: uid("p"), type: "profile.stage_changed", to: "mql", attempts: 12,
      firstAttemptAt: Date.now() - 90_000_000, failedAt: Date.now(), lastError: "HTTP 500 from the receiver",
    });
    const page = async (scopes: string[]) => {
      const res = await open(`/dashboard?site=${own}`, await session((await createKey(own, scopes)).key));
      expect(res.status).toBe(200);
      return res.text();
    };

    const reader = await page(["exports:read"]);
    expect(reader).toContain("Rule insights");
    for (const admin of ["Failed webhooks", "HTTP 500 from the receiver", "/dashboard/rules"]) expect(reader).not.toContain(admin);
    expect((await call(`/v1/sites/${own}/webhooks/failed`, { headers: { Authorization: `Bearer ${(await createKey(own, ["exports:read"])).key}` } })).status).toBe(403);

    const admin = await page(["exports:read", "site:admin"]);
    for (const shown of ["HTTP 500 from the receiver", `href="/dashboard/rules?site=${own}"`]) expect(admin).toContain(shown);
    expect(admin).not.toContain("Rules draft");
  });

  it("signs out: the cookie is cleared, and the session is over even if a copy of it is replayed", async () => {
    const cookie = await session();
    const other = await session();
    const res = await call("/dashboard/logout", { method: "POST", headers: { Origin: SELF, Cookie: cookie }, redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Set-Cookie")).toMatch(/^es_dashboard=;.*Max-Age=0/);
    expect(res.headers.get("Set-Cookie")).toContain("Path=/dashboard");
    const replayed = await (await open(`/dashboard?site=${site}`, cookie)).text();
    expect(replayed).toContain('action="/dashboard/login"');
    expect(replayed).not.toContain("ada@acme.com");
    // Another sign-in of the same token is its own session.
    expect(await (await open(`/dashboard?site=${site}`, other)).text()).toContain("ada@acme.com");
  });

  it("streams every MQL as CSV to a session, and the login form without one", async () => {
    const res = await open(`/dashboard/mqls.csv?site=${site}`, await session());
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/csv");
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="mqls-${site}.csv"`);
    const rows: Record<string, string>[] = parse(await res.text(), { columns: true });
    expect(rows.map((r) => r.Email).sort()).toEqual(["ada@acme.com", "alan@acme.com", "grace@acme.com"]);
    expect(rows.find((r) => r.Email === "grace@acme.com")!.Stage).toBe("sql");

    const anonymous = await open(`/dashboard/mqls.csv?site=${site}`);
    expect(anonymous.headers.get("Content-Type")).toContain("text/html");
  });
});
