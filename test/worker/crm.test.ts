import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { leadProfileName } from "../../worker/src/lib/identity";
import { ADMIN, call, collect, createSite, ev, lookup, uid, until } from "./helpers";

const receiver = inject("receiver");
const APP_SECRET = "hubspot-app-secret-0123456789";

interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: any;
  status: number;
  at: number;
}

const read = async (path: string): Promise<any> => (await call(path, { headers: ADMIN })).json();
const requests = async (name: string): Promise<Recorded[]> => (await fetch(`${receiver}/requests/${name}`)).json();
const control = (name: string, state: Record<string, unknown>) =>
  fetch(`${receiver}/control/${name}`, { method: "POST", body: JSON.stringify(state) });
const upserts = async (name: string) => (await requests(name)).filter((r) => /batch\/upsert|sobjects\/Lead\/Edgescore_Id__c/.test(r.path));

const hubspot = (portal: string, extra: Record<string, unknown> = {}) =>
  ({ accessToken: `pat-na1-${portal}-0123456789`, appSecret: APP_SECRET, apiUrl: `${receiver}/hubspot/${portal}`, ...extra });
const salesforce = (org: string, extra: Record<string, unknown> = {}) =>
  ({ domain: receiver, clientId: org, clientSecret: "salesforce-client-secret-0123", ...extra });

async function leadStub(site: string, email: string) {
  return env.PROFILES.getByName(await leadProfileName(env.IDENTITY_SECRET, site, email));
}

/** Runs a lead's due work (its deliveries) at `now`, as its alarm would. */
async function wake(site: string, email: string, now: number) {
  await runInDurableObject(await leadStub(site, email), (p) => p.wake(now));
}

/** A VP who requests a demo and visits pricing: an MQL (fit 20, engagement 40). */
async function qualify(site: string, email: string) {
  await collect(site, uid("v"), [
    { ...ev.pageview("/pricing?utm_source=newsletter"), props: { utm_source: "newsletter" } },
    ev.track("demo_request"),
    ev.identify({ email, title: "VP Marketing", companySize: "201-500", name: "Ada Lovelace" }),
  ]);
}

const sales = (site: string, email: string, stage: string) => call(`/v1/sites/${site}/feedback`, {
  method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify({ email, stage }),
});

const linksOf = async (site: string, email: string) => {
  const lead = (await lookup(site, email))!;
  return runInDurableObject(await leadStub(site, email), (p) => p.links(site)).then((links) => ({ id: lead.id, ...links! }));
};

const outboxOf = async (site: string, email: string) => runInDurableObject(await leadStub(site, email), (_, state) =>
  state.storage.sql.exec<{ id: string; kind: string; due_at: number; failed_at: number | null; last_error: string | null }>(
    "SELECT id, kind, due_at, failed_at, last_error FROM outbox WHERE kind IN ('hubspot', 'salesforce') ORDER BY n").toArray());

describe("CRM sync", () => {
  it("upserts an MQL made by collect into HubSpot by email, with its stage, score and reasons", async () => {
    const portal = uid("hs");
    const site = await createSite({ crm: { hubspot: hubspot(portal) } });
    await qualify(site, "ada@acme.com");
    const [upsert] = await until(async () => (await upserts(portal)).length > 0 && upserts(portal), "the HubSpot upsert");
    const lead = (await lookup(site, "ada@acme.com"))!;
    expect(upsert).toMatchObject({ method: "POST", path: "/crm/v3/objects/contacts/batch/upsert", status: 200 });
    expect(upsert!.headers.authorization).toBe(`Bearer pat-na1-${portal}-0123456789`);
    const [input] = upsert!.body.inputs;
    expect(input).toMatchObject({ idProperty: "email", id: "ada@acme.com" });
    expect(input.properties).toMatchObject({
      email: "ada@acme.com", firstname: "Ada", lastname: "Lovelace", jobtitle: "VP Marketing",
      lifecyclestage: "marketingqualifiedlead", edgescore_stage: "mql", edgescore_score: "60", edgescore_fit: "20", edgescore_engagement: "40",
    });
    expect(input.properties.edgescore_reasons).toMatch(/demo_request/);
    expect(input.properties.edgescore_url).toContain(`/dashboard/leads/${lead.id}?site=${site}`);

    const links = await until(async () => {
      const l = await linksOf(site, "ada@acme.com");
      return l.crm.some((c) => c.recordId) ? l : null;
    }, "the sync kept on the lead");
    expect(links.crm).toEqual([expect.objectContaining({ crm: "hubspot", recordId: expect.any(String), syncedAt: expect.any(Number), error: null })]);
  });

  it("upserts a Salesforce Lead by its external id, with a status from the stage and the fields Salesforce requires", async () => {
    const org = uid("sf");
    const site = await createSite({ crm: { salesforce: salesforce(org, { status: { mql: "Working - Contacted" } }) } });
    await qualify(site, "grace@initech.com");
    const [upsert] = await until(async () => (await upserts(org)).length > 0 && upserts(org), "the Salesforce upsert");
    const lead = (await lookup(site, "grace@initech.com"))!;
    expect(upsert).toMatchObject({ method: "PATCH", path: `/services/data/v62.0/sobjects/Lead/Edgescore_Id__c/${lead.id}`, status: 201 });
    expect(upsert!.body).toMatchObject({
      Email: "grace@initech.com", FirstName: "Ada", LastName: "Lovelace", Title: "VP Marketing", Status: "Working - Contacted",
      LeadSource: "newsletter", Edgescore_Score__c: 60, Edgescore_Stage__c: "mql",
    });
    // A new Lead requires a company: the email's business domain when none is known; sales' own entry is never overwritten later.
    expect(upsert!.body.Company).toBe("initech.com");
    const token = (await requests(org)).find((r) => r.path === "/services/oauth2/token")!;
    expect(token.body).toMatchObject({ grant_type: "client_credentials", client_id: org, client_secret: "salesforce-client-secret-0123" });
  });

  it("syncs sales' later changes, and a lead that moved back is cleared then set in HubSpot", async () => {
    const portal = uid("hs");
    const site = await createSite({ crm: { hubspot: hubspot(portal) } });
    await qualify(site, "ada@acme.com");
    await until(async () => (await upserts(portal)).length === 1, "the MQL upsert");
    expect((await sales(site, "ada@acme.com", "lead")).status).toBe(200);
    const sent = await until(async () => {
      const list = await upserts(portal);
      return list.length >= 3 && list;
    }, "the recycle");
    expect(sent.map((u) => u.body.inputs[0].properties.lifecyclestage)).toEqual(["marketingqualifiedlead", "", "lead"]);
  });

  it("honours a 429's Retry-After, then delivers", async () => {
    const portal = uid("hs");
    await control(portal, { fail: [429], retryAfter: 120 });
    const site = await createSite({ crm: { hubspot: hubspot(portal) } });
    const before = Date.now();
    await qualify(site, "ada@acme.com");
    const [held] = await until(async () => {
      const items = await outboxOf(site, "ada@acme.com");
      return items[0]?.last_error ? items : null;
    }, "the first attempt");
    expect(held!.due_at).toBeGreaterThanOrEqual(before + 120_000);
    await wake(site, "ada@acme.com", held!.due_at);
    expect((await upserts(portal)).map((u) => u.status)).toEqual([429, 200]);
    expect(await outboxOf(site, "ada@acme.com")).toEqual([]);
  });

  it("holds deliveries while the token is refused, says so in settings, and sends them once a new token is saved", async () => {
    const portal = uid("hs");
    await control(portal, { revoked: true });
    const site = await createSite({ crm: { hubspot: hubspot(portal) } });
    await qualify(site, "ada@acme.com");
    await until(async () => (await upserts(portal)).length > 0, "the refused attempt");
    const status = await until(async () => {
      const s = await read(`/v1/sites/${site}/crm`);
      return s.hubspot?.state === "refused" && s;
    }, "the refused status");
    expect(status.hubspot.error).toMatch(/401/);

    // Two days on: held, not given up, and the CRM not called again while the token is the same.
    for (const hours of [1, 25, 48]) await wake(site, "ada@acme.com", Date.now() + hours * 3_600_000);
    expect(await upserts(portal)).toHaveLength(1);
    const [item] = await outboxOf(site, "ada@acme.com");
    expect(item).toMatchObject({ kind: "hubspot", failed_at: null });
    expect((await read(`/v1/sites/${site}/webhooks/failed`)).items).toEqual([]);

    await control(portal, {});
    const patched = await call(`/v1/sites/${site}`, {
      method: "PATCH", headers: { ...ADMIN, "Content-Type": "application/json" },
      body: JSON.stringify({ crm: { hubspot: { accessToken: `pat-na1-${portal}-new-0123456789` } } }),
    });
    expect(patched.status).toBe(200);
    await wake(site, "ada@acme.com", item!.due_at);
    expect((await upserts(portal)).map((u) => u.status)).toEqual([401, 200]);
  });

  it("shows a Salesforce duplicate rule's refusal on the lead", async () => {
    const org = uid("sf");
    await control(org, { duplicates: ["grace@initech.com"] });
    const site = await createSite({ crm: { salesforce: salesforce(org) } });
    await qualify(site, "grace@initech.com");
    const links = await until(async () => {
      const l = await linksOf(site, "grace@initech.com");
      return l.crm[0]?.error ? l : null;
    }, "the refusal on the lead");
    expect(links.crm[0]).toMatchObject({ crm: "salesforce", recordId: null, error: expect.stringMatching(/DUPLICATES_DETECTED|duplicate/i) });
  });

  it("loses no delivery across a ten-minute outage, and keeps each lead's order", { timeout: 30_000 }, async () => {
    const portal = uid("hs");
    const site = await createSite({ crm: { hubspot: hubspot(portal) } });
    await control(portal, { down: true });
    const emails = ["a@acme.com", "b@acme.com", "c@acme.com"];
    for (const email of emails) await qualify(site, email);
    for (const email of emails) expect((await sales(site, email, "sql")).status).toBe(200);
    const start = Date.now();
    for (let minute = 1; minute <= 10; minute++) {
      for (const email of emails) await wake(site, email, start + minute * 60_000);
    }
    expect((await upserts(portal)).every((u) => u.status === 0)).toBe(true);
    await control(portal, {});
    for (const email of emails) {
      const due = Math.max(...(await outboxOf(site, email)).map((i) => i.due_at));
      await wake(site, email, due);
      await wake(site, email, due + 3_600_000); // the later item waited behind the first
    }
    const delivered = (await upserts(portal)).filter((u) => u.status === 200).map((u) => u.body.inputs[0]);
    for (const email of emails) {
      expect(delivered.filter((i) => i.id === email).map((i) => i.properties.lifecyclestage)).toEqual(["marketingqualifiedlead", "salesqualifiedlead"]);
      expect(await outboxOf(site, email)).toEqual([]);
    }
  });

  it("moves the lead to SQL when HubSpot says sales qualified it, signed with the app's secret", async () => {
    const portal = uid("hs");
    const site = await createSite({ crm: { hubspot: hubspot(portal) } });
    await qualify(site, "ada@acme.com");
    const [upsert] = await until(async () => (await upserts(portal)).length > 0 && upserts(portal), "the upsert");
    const { recordId } = (await until(async () => {
      const l = await linksOf(site, "ada@acme.com");
      return l.crm[0]?.recordId ? l : null;
    }, "the record id")).crm[0]!;
    expect(upsert!.status).toBe(200);

    const body = JSON.stringify([{
      eventId: 1, subscriptionId: 2, portalId: 3, appId: 4, occurredAt: Date.now(), subscriptionType: "contact.propertyChange",
      attemptNumber: 0, objectId: Number(recordId), propertyName: "lifecyclestage", propertyValue: "salesqualifiedlead", changeSource: "CRM_UI",
    }]);
    const url = `https://edge.test/v1/sites/${site}/crm/hubspot/events`;
    const timestamp = String(Date.now());
    const signature = await hmacBase64(APP_SECRET, `POST${url}${body}${timestamp}`);
    const post = (sig: string, ts = timestamp) => call(`/v1/sites/${site}/crm/hubspot/events`, {
      method: "POST", headers: { "Content-Type": "application/json", "X-HubSpot-Signature-v3": sig, "X-HubSpot-Request-Timestamp": ts }, body,
    });
    expect((await post("bm90IHRoZSBzaWduYXR1cmU=")).status).toBe(401);
    expect((await post(signature, String(Date.now() - 6 * 60_000))).status).toBe(401);
    const answered = await post(signature);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ moved: 1 });
    expect((await lookup(site, "ada@acme.com"))!.stage).toBe("sql");
    const metrics = await until(async () => {
      const m = await read(`/v1/sites/${site}/metrics`);
      return m.rates?.mqlToSql === 1 && m;
    }, "MQL→SQL to move");
    expect(metrics.rates.mqlToSql).toBe(1);
  });

  it("syncs a lead now on request, and tests a connection, creating edgescore's HubSpot properties", async () => {
    const portal = uid("hs");
    const site = await createSite({ crm: { hubspot: hubspot(portal, { stages: ["customer"] }) } });
    await qualify(site, "ada@acme.com");
    const lead = (await lookup(site, "ada@acme.com"))!;
    expect(await upserts(portal)).toEqual([]); // an MQL is not a stage this connection syncs
    const synced = await call(`/v1/sites/${site}/profiles/${lead.id}/sync`, { method: "POST", headers: ADMIN });
    expect(synced.status).toBe(200);
    expect((await synced.json<any>()).crm).toEqual([expect.objectContaining({ crm: "hubspot", recordId: expect.any(String) })]);

    const tested = await (await call(`/v1/sites/${site}/crm/hubspot/test`, { method: "POST", headers: ADMIN })).json<any>();
    expect(tested).toMatchObject({ crm: "hubspot", ok: true });
    expect(tested.created).toEqual(expect.arrayContaining(["edgescore_score", "edgescore_reasons"]));
    expect((await read(`/v1/sites/${site}/crm`)).hubspot.state).toBe("connected");
  });

  it("erases the person's records in both CRMs when the person is erased", async () => {
    const portal = uid("hs");
    const org = uid("sf");
    const site = await createSite({ crm: { hubspot: hubspot(portal), salesforce: salesforce(org) } });
    await qualify(site, "ada@acme.com");
    const synced = await until(async () => {
      const l = await linksOf(site, "ada@acme.com");
      return l.crm.filter((c) => c.recordId).length === 2 ? l : null;
    }, "both syncs");
    const erased = await call(`/v1/sites/${site}/profiles/${synced.id}`, { method: "DELETE", headers: ADMIN });
    expect(erased.status).toBe(204);
    const record = (crm: string) => synced.crm.find((c) => c.crm === crm)!.recordId;
    const hubspotErasure = await until(async () => (await requests(portal)).find((r) => r.path.endsWith("/gdpr-delete")), "HubSpot's GDPR delete");
    expect(hubspotErasure).toMatchObject({ method: "POST", body: { objectId: record("hubspot") }, status: 204 });
    const salesforceErasure = await until(async () => (await requests(org)).find((r) => r.method === "DELETE"), "Salesforce's delete");
    expect(salesforceErasure).toMatchObject({ path: `/services/data/v62.0/sobjects/Lead/${record("salesforce")}`, status: 204 });
    // Nothing of the person stays behind in the erased lead's object once the deliveries are done.
    const stub = env.PROFILES.get(env.PROFILES.idFromString(synced.id));
    await until(async () => (await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n)) === 0, "the erasures delivered");
  });

  it("keeps credentials write-only, and refuses an API address that is not the CRM's", async () => {
    const portal = uid("hs");
    const site = await createSite({ crm: { hubspot: hubspot(portal), salesforce: salesforce(uid("sf")) } });
    const shown = await read(`/v1/sites/${site}`);
    expect(shown.crm.hubspot.accessToken).toEqual({ set: true });
    expect(shown.crm.salesforce.clientSecret).toEqual({ set: true });
    expect(JSON.stringify(shown)).not.toContain("0123456789");
    const refused = await call(`/v1/sites/${site}`, {
      method: "PATCH", headers: { ...ADMIN, "Content-Type": "application/json" },
      body: JSON.stringify({ crm: { hubspot: { apiUrl: "https://api.example.com" }, salesforce: { domain: "https://evil.example.com" } } }),
    });
    expect(refused.status).toBe(400);
    const { error } = await refused.json<any>();
    expect(error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["crm.hubspot.apiUrl", "crm.salesforce.domain"]);
  });
});

async function hmacBase64(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)))));
}
