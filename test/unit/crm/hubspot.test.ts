import { Client } from "@hubspot/api-client";
import { GDPRApiRequestFactory } from "@hubspot/api-client/lib/codegen/crm/contacts/apis/GDPRApi";
import { createConfiguration, ServerConfiguration } from "@hubspot/api-client/lib/codegen/crm/contacts/index";
import { Observable } from "@hubspot/api-client/lib/codegen/crm/contacts/rxjsStub";
import { ApiClientConfigurator } from "@hubspot/api-client/lib/src/configuration/ApiClientConfigurator";
import { afterEach, describe, expect, it } from "vitest";
import { hubspotConnector } from "../../../worker/src/crm/hubspot";
import { mql } from "./lead";
import { essentials, recorder, shape, type Recorder, type Reply } from "./recorder";

const TOKEN = "pat-eu1-00000000-0000-0000-0000-000000000000";
const NOW = "2026-03-02T10:15:01.000Z";

/** HubSpot's answer to a batch upsert (developers.hubspot.com, Upsert contacts). */
function upserted(id: string): Reply {
  return {
    status: 200,
    body: {
      status: "COMPLETE", startedAt: NOW, completedAt: NOW,
      results: [{ id, new: true, archived: false, createdAt: NOW, updatedAt: NOW, properties: { email: "ada@acme.example" } }],
    },
  };
}

/** What an integrator writes with HubSpot's own client for the MQL in lead.ts. */
const MQL_PROPERTIES = {
  email: "ada@acme.example", firstname: "Ada", lastname: "Lovelace", company: "Acme", jobtitle: "CTO", industry: "Software", country: "GB",
  edgescore_score: "75", edgescore_fit: "40", edgescore_engagement: "35", edgescore_stage: "mql",
  edgescore_mql_at: String(Date.parse("2026-03-02T10:15:00.000Z")), edgescore_reasons: "pricing_visit +10; job_title +20; decay -5",
  edgescore_url: "https://edgescore.example/dashboard/acme/leads/p_7f3a9c2e", edgescore_profile: "p_7f3a9c2e",
  lifecyclestage: "marketingqualifiedlead",
};

let server: Recorder | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("HubSpot upsert, on the wire as HubSpot's own client sends it", () => {
  it("sends the same method, path, headers and body as client.crm.contacts.batchApi.upsert", async () => {
    server = await recorder(() => upserted("151"));
    const client = new Client({ accessToken: TOKEN, basePath: server.url });
    await client.crm.contacts.batchApi.upsert({ inputs: [{ idProperty: "email", id: "ada@acme.example", properties: MQL_PROPERTIES }] });
    const outcome = await hubspotConnector({ accessToken: TOKEN, apiBase: server.url }).upsert(mql());

    expect(outcome).toEqual({ ok: true, recordId: "151" });
    const [theirs, ours] = server.requests;
    expect(ours!.method).toBe(theirs!.method);
    expect(ours!.path).toBe("/crm/v3/objects/contacts/batch/upsert");
    expect(ours!.path).toBe(theirs!.path);
    expect(essentials(ours!.headers)).toEqual(essentials(theirs!.headers));
    expect(essentials(ours!.headers)).toEqual({ authorization: `Bearer ${TOKEN}`, "content-type": "application/json" });
    expect(shape(ours!.body)).toEqual(shape(theirs!.body));
    expect(ours!.body).toEqual(theirs!.body);
  });

  it("leaves out traits edgescore does not know, so HubSpot keeps what sales typed, and clears its own cleared fields", async () => {
    server = await recorder(() => upserted("151"));
    await hubspotConnector({ accessToken: TOKEN, apiBase: server.url }).upsert(mql({ title: null, company: "  ", stage: "lead", mqlAt: null }));
    const { properties } = (server.requests[0]!.body as { inputs: { properties: Record<string, string> }[] }).inputs[0]!;
    expect(properties).not.toHaveProperty("jobtitle");
    expect(properties).not.toHaveProperty("company");
    expect(properties.edgescore_mql_at).toBe("");
    expect(properties.lifecyclestage).toBe("lead");
  });

  it("moves a recycled contact back as HubSpot requires: the lifecycle stage cleared, then set", async () => {
    server = await recorder(() => upserted("151"));
    const outcome = await hubspotConnector({ accessToken: TOKEN, apiBase: server.url }).upsert(mql({ stage: "lead", mqlAt: null }, true));
    expect(outcome).toEqual({ ok: true, recordId: "151" });
    const sent = server.requests.map((r) => (r.body as { inputs: { id: string; properties: Record<string, string> }[] }).inputs[0]!);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual({ idProperty: "email", id: "ada@acme.example", properties: { lifecyclestage: "" } });
    expect(sent[1]!.properties.lifecyclestage).toBe("lead");
  });

  it("leaves the lifecycle stage alone for a disqualified lead, and sends no clear", async () => {
    server = await recorder(() => upserted("151"));
    await hubspotConnector({ accessToken: TOKEN, apiBase: server.url }).upsert(mql({ stage: "disqualified" }, true));
    expect(server.requests).toHaveLength(1);
    const { properties } = (server.requests[0]!.body as { inputs: { properties: Record<string, string> }[] }).inputs[0]!;
    expect(properties).not.toHaveProperty("lifecyclestage");
    expect(properties.edgescore_stage).toBe("disqualified");
  });

  it("refuses a lead without an email: HubSpot finds contacts by it", async () => {
    server = await recorder(() => upserted("151"));
    const outcome = await hubspotConnector({ accessToken: TOKEN, apiBase: server.url }).upsert(mql({ email: null }));
    expect(outcome).toMatchObject({ ok: false, rejected: true });
    expect(server.requests).toHaveLength(0);
  });
});

describe("HubSpot faults", () => {
  const upsert = async (reply: Reply, timeoutMs?: number) => {
    server = await recorder(() => reply);
    return hubspotConnector({ accessToken: TOKEN, apiBase: server.url, ...(timeoutMs && { timeoutMs }) }).upsert(mql());
  };

  it("429 with Retry-After: waits as told", async () => {
    const outcome = await upsert({
      status: 429, headers: { "Retry-After": "7" },
      body: { status: "error", message: "You have reached your ten_secondly_rolling limit.", errorType: "RATE_LIMIT", policyName: "TEN_SECONDLY_ROLLING" },
    });
    expect(outcome).toEqual({ ok: false, error: expect.stringContaining("HubSpot HTTP 429"), retryAfterMs: 7_000 });
  });

  it("429 without Retry-After: waits for the 10-second window to roll, or an hour for the daily limit", async () => {
    expect(await upsert({ status: 429, body: { status: "error", message: "ten_secondly_rolling", policyName: "TEN_SECONDLY_ROLLING" } }))
      .toMatchObject({ ok: false, retryAfterMs: 10_000 });
    await server!.close();
    expect(await upsert({ status: 429, body: { status: "error", message: "daily", policyName: "DAILY" } }))
      .toMatchObject({ ok: false, retryAfterMs: 3_600_000 });
  });

  it("5xx: an error to retry, with HubSpot's words", async () => {
    const outcome = await upsert({ status: 502, body: { status: "error", message: "Bad gateway", category: "INTERNAL_ERROR" } });
    expect(outcome).toEqual({ ok: false, error: "HubSpot HTTP 502: INTERNAL_ERROR: Bad gateway" });
  });

  it("no answer: a timeout error, not a hang", async () => {
    const started = Date.now();
    const outcome = await upsert("hang", 300);
    expect(outcome).toEqual({ ok: false, error: "no answer within 0.3 s" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("401, a revoked token: refused, deliveries held", async () => {
    const outcome = await upsert({ status: 401, body: { status: "error", message: "Authentication credentials not found.", category: "INVALID_AUTHENTICATION" } });
    expect(outcome).toEqual({ ok: false, refused: true, error: "HubSpot HTTP 401: INVALID_AUTHENTICATION: Authentication credentials not found." });
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });

  it("403 missing scopes: refused too, an admin must grant them", async () => {
    const outcome = await upsert({ status: 403, body: { status: "error", message: "This app hasn't been granted all required scopes", category: "MISSING_SCOPES" } });
    expect(outcome).toMatchObject({ ok: false, refused: true });
  });

  it("400 validation error: the record is rejected, with HubSpot's message", async () => {
    const outcome = await upsert({ status: 400, body: { status: "error", message: "Property values were not valid: lifecyclestage", category: "VALIDATION_ERROR" } });
    expect(outcome).toEqual({ ok: false, rejected: true, error: "HubSpot HTTP 400: VALIDATION_ERROR: Property values were not valid: lifecyclestage" });
  });

  it("207 with an error for the input: rejected with that error", async () => {
    const outcome = await upsert({ status: 207, body: { status: "COMPLETE", results: [], numErrors: 1, errors: [{ status: "error", category: "VALIDATION_ERROR", message: "Email address is invalid" }] } });
    expect(outcome).toMatchObject({ ok: false, rejected: true, error: expect.stringContaining("Email address is invalid") });
  });
});

describe("HubSpot connect", () => {
  const propertyResults = (names: string[]) => ({ status: "COMPLETE", results: names.map((name) => ({ name, label: name, type: "string", fieldType: "text", groupName: "contactinformation" })) });
  const STANDARD = ["email", "firstname", "lastname", "company", "jobtitle", "phone", "industry", "country"];

  it("creates the group and the missing properties, as HubSpot's own client would", async () => {
    server = await recorder((req) => {
      if (req.method === "GET") return { status: 404, body: { status: "error", message: "Unable to find property group edgescore", category: "OBJECT_NOT_FOUND" } };
      if (req.path.endsWith("/batch/read")) return { status: 207, body: propertyResults([...STANDARD, "edgescore_score"]) };
      if (req.path.endsWith("/groups")) return { status: 201, body: { name: "edgescore", label: "edgescore", displayOrder: -1, archived: false } };
      return { status: 201, body: propertyResults([]) };
    });
    const outcome = await hubspotConnector({ accessToken: TOKEN, apiBase: server.url }).connect();
    expect(outcome).toEqual({
      ok: true,
      created: ["group edgescore", "edgescore_fit", "edgescore_engagement", "edgescore_stage", "edgescore_mql_at", "edgescore_reasons", "edgescore_url", "edgescore_profile"],
    });
    const ours = server.requests.slice(-2);
    expect(ours.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /crm/v3/properties/contacts/groups", "POST /crm/v3/properties/contacts/batch/create"]);
    const creates = (ours[1]!.body as { inputs: Record<string, unknown>[] }).inputs;
    expect(creates.find((p) => p.name === "edgescore_mql_at")).toMatchObject({ type: "datetime", fieldType: "date", groupName: "edgescore" });
    expect(creates.find((p) => p.name === "edgescore_fit")).toMatchObject({ type: "number", fieldType: "number" });
    expect(creates.find((p) => p.name === "edgescore_stage")).toMatchObject({ type: "enumeration", fieldType: "select" });

    const client = new Client({ accessToken: TOKEN, basePath: server.url });
    await client.crm.properties.groupsApi.create("contacts", ours[0]!.body as { name: string; label: string; displayOrder: number });
    await client.crm.properties.batchApi.create("contacts", ours[1]!.body as never);
    const theirs = server.requests.slice(-2);
    for (const [i, request] of ours.entries()) {
      expect(`${request.method} ${request.path}`).toBe(`${theirs[i]!.method} ${theirs[i]!.path}`);
      expect(essentials(request.headers)).toEqual(essentials(theirs[i]!.headers));
      expect(request.body).toEqual(theirs[i]!.body);
    }
  });

  it("creates nothing when all is there", async () => {
    server = await recorder((req) => req.method === "GET"
      ? { status: 200, body: { name: "edgescore", label: "edgescore", displayOrder: -1, archived: false } }
      : { status: 200, body: propertyResults([...STANDARD, "edgescore_score", "edgescore_fit", "edgescore_engagement", "edgescore_stage", "edgescore_mql_at", "edgescore_reasons", "edgescore_url", "edgescore_profile"]) });
    expect(await hubspotConnector({ accessToken: TOKEN, apiBase: server.url }).connect()).toEqual({ ok: true, created: [] });
    expect(server.requests).toHaveLength(2);
  });

  it("names a mapped property HubSpot lacks rather than inventing it", async () => {
    server = await recorder((req) => req.method === "GET" ? { status: 200, body: {} } : { status: 207, body: propertyResults(STANDARD) });
    const outcome = await hubspotConnector({ accessToken: TOKEN, apiBase: server.url, fields: { email: "email", title: "job_title_text", score: "edgescore_score" } }).connect();
    expect(outcome).toMatchObject({ ok: false, missing: ["job_title_text"] });
    expect(server.requests).toHaveLength(2);
  });

  it("a revoked token: refused", async () => {
    server = await recorder(() => ({ status: 401, body: { status: "error", message: "The OAuth token used to make this call expired", category: "EXPIRED_AUTHENTICATION" } }));
    expect(await hubspotConnector({ accessToken: TOKEN, apiBase: server.url }).connect()).toMatchObject({ ok: false, refused: true });
  });
});

describe("HubSpot readContacts", () => {
  it("reads the contacts a webhook named, with their email and profile id, as HubSpot's client asks", async () => {
    server = await recorder(() => ({
      status: 200,
      body: { status: "COMPLETE", startedAt: NOW, completedAt: NOW, results: [
        { id: "151", archived: false, createdAt: NOW, updatedAt: NOW, properties: { email: "ada@acme.example", edgescore_profile: "p_7f3a9c2e", hs_object_id: "151" } },
        { id: "152", archived: false, createdAt: NOW, updatedAt: NOW, properties: { email: "bob@acme.example", edgescore_profile: null, hs_object_id: "152" } },
      ] },
    }));
    const outcome = await hubspotConnector({ accessToken: TOKEN, apiBase: server.url }).readContacts(["151", "152"]);
    expect(outcome).toEqual({ ok: true, contacts: [
      { id: "151", email: "ada@acme.example", profile: "p_7f3a9c2e" },
      { id: "152", email: "bob@acme.example", profile: null },
    ] });
    const client = new Client({ accessToken: TOKEN, basePath: server.url });
    await client.crm.contacts.batchApi.read({ properties: ["email", "edgescore_profile"], propertiesWithHistory: [], inputs: [{ id: "151" }, { id: "152" }] });
    const [ours, theirs] = server.requests;
    expect(`${ours!.method} ${ours!.path}`).toBe(`${theirs!.method} ${theirs!.path}`);
    // The client's types require propertiesWithHistory; an empty list asks for nothing more.
    const { propertiesWithHistory, ...asked } = theirs!.body as { propertiesWithHistory: string[] };
    expect(propertiesWithHistory).toEqual([]);
    expect(ours!.body).toEqual(asked);
  });
});

describe("HubSpot erasure, on the wire as HubSpot's own client sends it", () => {
  it("sends the GDPR delete as HubSpot's generated GDPR API makes it; a contact already gone is done", async () => {
    server = await recorder((request) => ((request.body as { objectId?: string })?.objectId === "404" ? { status: 404, body: { status: "error", message: "not found", category: "OBJECT_NOT_FOUND" } } : { status: 204 }));
    // The client's discovery layer does not expose the contacts' GDPR API: its generated request is made, and sent, as the discovery does for the others.
    const configuration = createConfiguration(ApiClientConfigurator.getParams({ accessToken: TOKEN, basePath: server.url }, ServerConfiguration, Observable, Observable));
    await configuration.httpApi.send(await new GDPRApiRequestFactory(configuration).purge({ objectId: "151" })).toPromise();
    expect(await hubspotConnector({ accessToken: TOKEN, apiBase: server.url }).erase("151")).toEqual({ ok: true });
    const [theirs, ours] = server.requests;
    expect(`${ours!.method} ${ours!.path}`).toBe("POST /crm/v3/objects/contacts/gdpr-delete");
    expect(`${ours!.method} ${ours!.path}`).toBe(`${theirs!.method} ${theirs!.path}`);
    expect(essentials(ours!.headers)).toEqual(essentials(theirs!.headers));
    expect(ours!.body).toEqual(theirs!.body);
    expect(await hubspotConnector({ accessToken: TOKEN, apiBase: server.url }).erase("404")).toEqual({ ok: true });
  });
});
