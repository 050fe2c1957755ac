import { beforeAll, describe, expect, inject, it } from "vitest";
import {
  ADMIN, call, collect, createSite, dashboardSession as session, ev, json, lookup, openPage as open, serverEvents, submitForm as submit, uid, until,
} from "./helpers";

const receiver = inject("receiver");
const received = async (name: string): Promise<Array<{ body: string }>> => (await fetch(`${receiver}/received/${name}`)).json();


async function keySession(site: string, scopes: string[]): Promise<string> {
  const res = await call(`/v1/sites/${site}/keys`, json({ scopes }));
  expect(res.status).toBe(201);
  return session((await res.json<{ key: string }>()).key);
}

/** A lead from server events: two pricing views the same day (the second held by `per: day`), a blog view (no rule), a demo request. */
async function lead(site: string, email: string, traits: Record<string, string>) {
  const at = Date.now();
  const base = { email, ts: at };
  await serverEvents(site, [
    { ...base, id: uid("e"), type: "identify", traits },
    { ...base, id: uid("e"), type: "pageview", url: "https://www.acme.test/pricing" },
    { ...base, id: uid("e"), type: "pageview", url: "https://www.acme.test/pricing" },
    { ...base, id: uid("e"), type: "pageview", url: "https://www.acme.test/blog/post" },
    { ...base, id: uid("e"), type: "track", name: "demo_request" },
  ]);
  return (await lookup(site, email))!.id as string;
}

let site: string;
let hook: string;
let admin: string;
let ada: string;
beforeAll(async () => {
  hook = uid("h");
  site = await createSite({ webhook: { url: `${receiver}/hook/${hook}`, secret: "s".repeat(32) }, exclude: { emailDomains: ["acme.test"] } });
  ada = await lead(site, "ada@analytical.com", { name: "Ada Lovelace", company: "Analytical Engines", title: "VP Marketing" });
  await lead(site, "grace@cobol.org", { firstName: "Grace", lastName: "Hopper", company: "Navy Labs" });
  admin = await session();
});

describe("leads search (GET /dashboard/leads)", () => {
  it("goes straight to the lead for an exact email or profile id", async () => {
    for (const q of ["ADA@analytical.com", ada]) {
      const res = await open(`/dashboard/leads?site=${site}&q=${encodeURIComponent(q)}`, admin);
      expect(res.status).toBe(303);
      expect(res.headers.get("Location")).toBe(`/dashboard/leads/${ada}?site=${site}`);
    }
  });

  it("finds leads by part of a name or company, with stage, score and a link", async () => {
    const byName = await (await open(`/dashboard/leads?site=${site}&q=hopper`, admin)).text();
    expect(byName).toContain("grace@cobol.org");
    expect(byName).toContain("Grace Hopper");
    expect(byName).not.toContain("ada@analytical.com");
    const byCompany = await (await open(`/dashboard/leads?site=${site}&q=analytical%20eng`, admin)).text();
    expect(byCompany).toContain(`href="/dashboard/leads/${ada}?site=${site}"`);
    expect(byCompany).toMatch(/stage-mql">mql</);
    expect(byCompany).not.toContain("grace@cobol.org");
    const none = await (await open(`/dashboard/leads?site=${site}&q=nobody-here`, admin)).text();
    expect(none).toContain("No lead found");
  });

  it("finds a lead from a browser that only claimed its email, once its events reach the lead", async () => {
    await collect(site, uid("v"), [ev.pageview("/pricing"), ev.identify({ email: "alan@bletchley.uk", company: "Bletchley Park" })]);
    const page = await until(async () => {
      const html = await (await open(`/dashboard/leads?site=${site}&q=bletchley%20park`, admin)).text();
      return html.includes("alan@bletchley.uk") && html;
    }, "the claimed lead in the search");
    expect(page).toContain("Bletchley Park");
  });

  it("needs profiles:read", async () => {
    const reader = await keySession(site, ["exports:read"]);
    expect((await open(`/dashboard/leads?site=${site}&q=ada`, reader)).status).toBe(403);
  });
});

describe("a lead's page (GET /dashboard/leads/:id)", () => {
  it("shows the score rule by rule with its events, and why events gave nothing", async () => {
    const html = await (await open(`/dashboard/leads/${ada}?site=${site}`, admin)).text();
    expect(html).toContain("<code>demo_request</code>");
    expect(html).toContain("<code>pricing_visit</code>");
    expect(html).toContain("track demo_request");
    expect(html).toContain('data-reason="no_rule">No rule matched');
    expect(html).toContain('data-reason="limit">');
    expect(html).toContain("In the MQL export");
    expect(html).toContain("analytical.com"); // its account
    // Every wide table scrolls by keyboard.
    expect(html.match(/<table/g)!.length).toBe(html.match(/class="scroll" tabindex="0" role="region"/g)!.length);
  });

  it("says the site's own staff are not scored, in the page and in the profile API", async () => {
    const staff = await lead(site, "sam@acme.test", { name: "Sam Staff" });
    const api = await (await call(`/v1/sites/${site}/profiles/${staff}`, { headers: ADMIN })).json<{ timeline: any[] }>();
    expect(api.timeline.map((e) => e.reason)).toEqual(["staff", "staff", "staff", "staff", "staff"]);
    const html = await (await open(`/dashboard/leads/${staff}?site=${site}`, admin)).text();
    expect(html).toContain("The site&#39;s own staff");
  });
});

describe("sales actions (POST /dashboard/leads/:id/feedback)", () => {
  it("moves the stage as the feedback API does, the webhook hears of it, and the page says so", async () => {
    const res = await submit(`/dashboard/leads/${ada}/feedback?site=${site}`, admin, { stage: "sql", reasonCode: "meeting_booked", reason: "Booked a call" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/dashboard/leads/${ada}?site=${site}&done=sql`);
    const profile = await lookup(site, "ada@analytical.com");
    expect(profile!.stage).toBe("sql");
    expect(profile!.stages.at(-1)).toMatchObject({ stage: "sql", origin: "feedback", reasonCode: "meeting_booked", reason: "Booked a call" });
    const delivery = await until(async () => (await received(hook)).map((d) => JSON.parse(d.body)).find((b) => b.to === "sql"), "the sql webhook");
    expect(delivery).toMatchObject({ type: "profile.stage_changed", from: "mql", to: "sql", origin: "feedback", reasonCode: "meeting_booked" });
    const page = await (await open(res.headers.get("Location")!, admin)).text();
    expect(page).toContain('role="status">Marked SQL.');
  });

  it("shows errors beside their field and changes nothing", async () => {
    const res = await submit(`/dashboard/leads/${ada}/feedback?site=${site}`, admin, { stage: "won", reasonCode: "bad code!", reason: "" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/id="stage-error">must be one of/);
    expect(html).toMatch(/id="reasonCode-error">must be a code/);
    expect(html).toContain('id="reason-error">say why');
    expect((await lookup(site, "ada@analytical.com"))!.stage).toBe("sql");
  });

  it("needs feedback:write: without it no form, and a post is refused", async () => {
    const reader = await keySession(site, ["exports:read", "profiles:read"]);
    const html = await (await open(`/dashboard/leads/${ada}?site=${site}`, reader)).text();
    expect(html).toContain("<code>demo_request</code>");
    expect(html).not.toContain("/feedback?");
    expect(html).not.toContain("Erase this lead");
    const res = await submit(`/dashboard/leads/${ada}/feedback?site=${site}`, reader, { stage: "disqualified", reason: "no" });
    expect(res.status).toBe(403);
    expect((await lookup(site, "ada@analytical.com"))!.stage).toBe("sql");
  });
});

describe("erase (POST /dashboard/leads/:id/erase)", () => {
  it("needs site:admin and the confirmation step", async () => {
    const id = await lead(site, "eve@example.org", { name: "Eve" });
    const sales = await keySession(site, ["exports:read", "profiles:read", "feedback:write"]);
    expect((await submit(`/dashboard/leads/${id}/erase?site=${site}`, sales, { confirm: "erase" })).status).toBe(403);

    const unconfirmed = await submit(`/dashboard/leads/${id}/erase?site=${site}`, admin, {});
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.get("Location")).toBe(`/dashboard/leads/${id}/erase?site=${site}`);
    expect(await lookup(site, "eve@example.org")).not.toBeNull();

    const confirm = await (await open(unconfirmed.headers.get("Location")!, admin)).text();
    expect(confirm).toContain("Erase eve@example.org? This cannot be undone.");
    const res = await submit(`/dashboard/leads/${id}/erase?site=${site}`, admin, { confirm: "erase" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/dashboard/leads?site=${site}&done=erased`);
    expect(await lookup(site, "eve@example.org")).toBeNull();
    const search = await (await open(`/dashboard/leads?site=${site}&q=eve`, admin)).text();
    expect(search).toContain("No lead found");
  });
});
