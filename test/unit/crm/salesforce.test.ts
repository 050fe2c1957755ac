import jsforce from "jsforce";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { salesforceConnector, salesforceFields } from "../../../worker/src/crm/salesforce";
import { SALESFORCE_FIELDS } from "../../../worker/src/crm/fields";
import { SALESFORCE_STATUS } from "../../../worker/src/crm/stages";
import { mql } from "./lead";
import { essentials, recorder, shape, type Recorded, type Recorder, type Reply } from "./recorder";

const CLIENT_ID = "3MVG9-connected-app-consumer-key";
const CLIENT_SECRET = "consumer-secret-0000";
const LEAD_ID = "00Q5e00000AbCdEAAV";

let server: Recorder | undefined;
/** A client id of each test's own: the isolate's token cache never carries a token from one test to the next, were a port used again. */
let clientId = CLIENT_ID;
let orgs = 0;
beforeEach(() => {
  clientId = `${CLIENT_ID}-${++orgs}`;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Salesforce's token answer for the client credentials flow (help.salesforce.com, OAuth 2.0 Client Credentials Flow). */
function issued(token: string): Reply {
  return { status: 200, body: { access_token: token, signature: "c2lnbmF0dXJl", instance_url: server!.url, id: `${server!.url}/id/00D/005`, token_type: "Bearer", issued_at: "1772446500000" } };
}

/** A recorder playing an org: tokens numbered as issued, and `api` answering the REST calls. */
async function org(api: (request: Recorded, index: number) => Reply): Promise<Recorder> {
  let issuedCount = 0;
  server = await recorder((request, index) => (request.path === "/services/oauth2/token" ? issued(`token-${++issuedCount}`) : api(request, index)));
  return server;
}

const connector = (changes: Partial<Parameters<typeof salesforceConnector>[0]> = {}) =>
  salesforceConnector({ domain: server!.url, clientId, clientSecret: CLIENT_SECRET, apiVersion: "62.0", ...changes });

const tokenRequests = () => server!.requests.filter((r) => r.path === "/services/oauth2/token");
const apiRequests = () => server!.requests.filter((r) => r.path !== "/services/oauth2/token");

describe("Salesforce upsert, on the wire as jsforce sends it", () => {
  it("sends the same method, path, headers and body as sobject('Lead').upsert(record, externalIdField)", async () => {
    await org(() => ({ status: 201, body: { id: LEAD_ID, success: true, errors: [], created: true } }));
    const lead = mql();
    const outcome = await connector().upsert(lead);
    expect(outcome).toEqual({ ok: true, recordId: LEAD_ID });

    const [ours] = apiRequests();
    const conn = new jsforce.Connection({ instanceUrl: server!.url, accessToken: "token-1", version: "62.0" });
    // What an integrator writes with jsforce: the external id in the record, which jsforce moves into the path.
    await conn.sobject("Lead").upsert({ Edgescore_Id__c: lead.record.profile, ...(ours!.body as object) }, "Edgescore_Id__c");
    const theirs = server!.requests.at(-1)!;

    expect(ours!.method).toBe("PATCH");
    expect(ours!.method).toBe(theirs.method);
    expect(ours!.path).toBe("/services/data/v62.0/sobjects/Lead/Edgescore_Id__c/p_7f3a9c2e");
    expect(ours!.path).toBe(theirs.path);
    expect(essentials(ours!.headers)).toEqual(essentials(theirs.headers));
    expect(essentials(ours!.headers)).toEqual({ authorization: "Bearer token-1", "content-type": "application/json" });
    expect(shape(ours!.body)).toEqual(shape(theirs.body));
    expect(ours!.body).not.toHaveProperty("Edgescore_Id__c");
  });

  it("writes the lead's fields through the map, Status from the stage, LeadSource from the first touch, numbers as numbers", () => {
    expect(salesforceFields(mql(), SALESFORCE_FIELDS, SALESFORCE_STATUS)).toEqual({
      Email: "ada@acme.example", FirstName: "Ada", LastName: "Lovelace", Company: "Acme", Title: "CTO",
      NumberOfEmployees: 250, Industry: "Software", Country: "GB", LeadSource: "linkedin",
      Edgescore_Score__c: 75, Edgescore_Fit__c: 40, Edgescore_Engagement__c: 35, Edgescore_Stage__c: "mql",
      Edgescore_MQL_At__c: "2026-03-02T10:15:00.000Z", Edgescore_Reasons__c: "pricing_visit +10; job_title +20; decay -5",
      Edgescore_Url__c: "https://edgescore.example/dashboard/acme/leads/p_7f3a9c2e", Status: "Open - Not Contacted",
    });
  });

  it("sends a company size only as a whole number, a recycled lead's MQL time as null, and no Status for a converted stage", () => {
    const recycled = salesforceFields(mql({ companySize: "51-200", stage: "lead", mqlAt: null, source: null }), SALESFORCE_FIELDS, SALESFORCE_STATUS);
    expect(recycled).not.toHaveProperty("NumberOfEmployees");
    expect(recycled.Edgescore_MQL_At__c).toBeNull();
    expect(recycled.LeadSource).toBe("Web");
    expect(salesforceFields(mql({ companySize: "1000" }), SALESFORCE_FIELDS, SALESFORCE_STATUS).NumberOfEmployees).toBe(1000);
    expect(salesforceFields(mql({ stage: "customer" }), SALESFORCE_FIELDS, SALESFORCE_STATUS)).not.toHaveProperty("Status");
  });

  it("an update answered 200 gives the record's id", async () => {
    await org(() => ({ status: 200, body: { id: LEAD_ID, success: true, errors: [], created: false } }));
    expect(await connector().upsert(mql())).toEqual({ ok: true, recordId: LEAD_ID });
  });

  it("an update answered 204 (older API versions): the id is read by the external id", async () => {
    await org((request) => request.method === "PATCH" ? { status: 204 } : { status: 200, body: { attributes: { type: "Lead" }, Id: LEAD_ID } });
    expect(await connector({ apiVersion: "45.0" }).upsert(mql())).toEqual({ ok: true, recordId: LEAD_ID });
    const read = apiRequests()[1]!;
    expect(`${read.method} ${read.path}`).toBe("GET /services/data/v45.0/sobjects/Lead/Edgescore_Id__c/p_7f3a9c2e");
    expect(read.query).toEqual({ fields: "Id" });
  });

  it("a new Lead without a last name or company: sent again with LastName and Company filled, the company from the email's domain", async () => {
    await org((_, index) => index === 1
      ? { status: 400, body: [{ message: "Required fields are missing: [LastName, Company]", errorCode: "REQUIRED_FIELD_MISSING", fields: ["LastName", "Company"] }] }
      : { status: 201, body: { id: LEAD_ID, success: true, errors: [], created: true } });
    const outcome = await connector().upsert(mql({ lastName: null, company: null, firstName: null }));
    expect(outcome).toEqual({ ok: true, recordId: LEAD_ID });
    const [first, second] = apiRequests();
    expect(first!.body).not.toHaveProperty("LastName");
    expect(second!.body).toMatchObject({ LastName: "[not provided]", Company: "acme.example" });
  });

  it("a first sync fills LastName and Company at once, keeping what is known", async () => {
    await org(() => ({ status: 201, body: { id: LEAD_ID, success: true, errors: [], created: true } }));
    await connector().upsert(mql({ lastName: null, company: null }, false, false));
    await connector().upsert(mql({ lastName: "Lovelace", company: "Initech" }, false, false));
    const [unknown, known] = apiRequests();
    expect(unknown!.body).toMatchObject({ LastName: "[not provided]", Company: "acme.example" });
    expect(known!.body).toMatchObject({ LastName: "Lovelace", Company: "Initech" });
    expect(apiRequests()).toHaveLength(2);
  });

  it("a free-mail lead gets Salesforce's placeholder company", async () => {
    await org((_, index) => index === 1
      ? { status: 400, body: [{ message: "Required fields are missing: [Company]", errorCode: "REQUIRED_FIELD_MISSING", fields: ["Company"] }] }
      : { status: 201, body: { id: LEAD_ID, success: true, errors: [], created: true } });
    await connector().upsert(mql({ company: null, email: "ada@gmail.com", account: null }));
    expect(apiRequests()[1]!.body).toMatchObject({ Company: "[not provided]", LastName: "Lovelace" });
  });
});

describe("Salesforce token", () => {
  it("asks for it as jsforce's OAuth2 does for the client credentials grant, at the org's My Domain", async () => {
    await org(() => ({ status: 201, body: { id: LEAD_ID, success: true, errors: [], created: true } }));
    await connector().upsert(mql());
    const oauth2 = new jsforce.OAuth2({ loginUrl: server!.url, clientId, clientSecret: CLIENT_SECRET });
    await oauth2.requestToken({ grant_type: "client_credentials" });
    const [ours, theirs] = tokenRequests();
    expect(`${ours!.method} ${ours!.path}`).toBe(`${theirs!.method} ${theirs!.path}`);
    expect(ours!.headers["content-type"]).toBe(theirs!.headers["content-type"]);
    expect(ours!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(ours!.body).toEqual(theirs!.body);
    expect(ours!.body).toEqual({ grant_type: "client_credentials", client_id: clientId, client_secret: CLIENT_SECRET });
  });

  it("is kept for the connection's next calls", async () => {
    await org(() => ({ status: 201, body: { id: LEAD_ID, success: true, errors: [], created: true } }));
    await connector().upsert(mql());
    await connector().upsert(mql({ profile: "p_2" }));
    expect(tokenRequests()).toHaveLength(1);
    expect(apiRequests().map((r) => r.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-1"]);
  });

  it("refused by Salesforce (invalid_client): refused, no upsert tried", async () => {
    server = await recorder(() => ({ status: 400, body: { error: "invalid_client", error_description: "invalid client credentials" } }));
    const outcome = await connector().upsert(mql());
    expect(outcome).toEqual({ ok: false, refused: true, error: "Salesforce token HTTP 400: invalid_client: invalid client credentials" });
    expect(JSON.stringify(outcome)).not.toContain(CLIENT_SECRET);
    expect(server.requests).toHaveLength(1);
  });
});

describe("Salesforce faults", () => {
  const SESSION_EXPIRED = { status: 401, body: [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }] } as const;

  it("401 INVALID_SESSION_ID: one new token, and the upsert sent again", async () => {
    await org((request) => request.headers.authorization === "Bearer token-1" ? SESSION_EXPIRED : { status: 200, body: { id: LEAD_ID, success: true, errors: [], created: false } });
    expect(await connector().upsert(mql())).toEqual({ ok: true, recordId: LEAD_ID });
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests().map((r) => r.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
  });

  it("401 again after exactly one new token: refused, deliveries held", async () => {
    await org(() => SESSION_EXPIRED);
    const outcome = await connector().upsert(mql());
    expect(outcome).toEqual({ ok: false, refused: true, error: "Salesforce HTTP 401: INVALID_SESSION_ID: Session expired or invalid" });
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests()).toHaveLength(2);
  });

  it("a duplicate rule: the record rejected with Salesforce's message", async () => {
    await org(() => ({
      status: 400,
      body: [{
        duplicateResult: { allowSave: false, duplicateRule: "Standard_Lead_Duplicate_Rule", duplicateRuleEntityType: "Lead", errorMessage: "You're creating a duplicate record. We recommend you use an existing record instead.", matchResults: [] },
        errorCode: "DUPLICATES_DETECTED", message: "You're creating a duplicate record. We recommend you use an existing record instead.",
      }],
    }));
    expect(await connector().upsert(mql())).toEqual({
      ok: false, rejected: true,
      error: "Salesforce HTTP 400: DUPLICATES_DETECTED: You're creating a duplicate record. We recommend you use an existing record instead.",
    });
  });

  it("a bad restricted picklist value: rejected, naming the field", async () => {
    await org(() => ({ status: 400, body: [{ message: "bad value for restricted picklist field: Qualified", errorCode: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", fields: ["Status"] }] }));
    expect(await connector().upsert(mql())).toMatchObject({ ok: false, rejected: true, error: "Salesforce HTTP 400: INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST (Status): bad value for restricted picklist field: Qualified" });
  });

  it("a mapped field the org lacks: an error for settings, not a verdict on the lead", async () => {
    await org(() => ({ status: 400, body: [{ message: "No such column 'Edgescore_Score__c' on sobject of type Lead", errorCode: "INVALID_FIELD" }] }));
    const outcome = await connector().upsert(mql());
    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining("INVALID_FIELD") });
    expect(outcome).not.toHaveProperty("rejected");
  });

  it("REQUEST_LIMIT_EXCEEDED: tried again later, an hour for the daily allocation", async () => {
    await org(() => ({ status: 403, body: [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }] }));
    expect(await connector().upsert(mql())).toMatchObject({ ok: false, retryAfterMs: 3_600_000 });
  });

  it("429 with Retry-After: waits as told", async () => {
    await org(() => ({ status: 429, headers: { "Retry-After": "30" }, body: [{ message: "Too many requests", errorCode: "REQUEST_LIMIT_EXCEEDED" }] }));
    expect(await connector().upsert(mql())).toMatchObject({ ok: false, retryAfterMs: 30_000 });
  });

  it("5xx: an error to retry", async () => {
    await org(() => ({ status: 503, body: [{ message: "Service unavailable", errorCode: "SERVER_UNAVAILABLE" }] }));
    expect(await connector().upsert(mql())).toEqual({ ok: false, error: "Salesforce HTTP 503: SERVER_UNAVAILABLE: Service unavailable" });
  });

  it("no answer: a timeout error, not a hang", async () => {
    await org(() => "hang");
    expect(await connector({ timeoutMs: 300 }).upsert(mql())).toEqual({ ok: false, error: "no answer within 0.3 s" });
  });

  it("several Leads with the profile id: rejected", async () => {
    await org(() => ({ status: 300, body: [`/services/data/v62.0/sobjects/Lead/${LEAD_ID}`, "/services/data/v62.0/sobjects/Lead/00Q5e00000AbCdFAAV"] }));
    expect(await connector().upsert(mql())).toMatchObject({ ok: false, rejected: true });
  });
});

describe("Salesforce connect", () => {
  const field = (name: string, extra: object = {}) => ({ name, type: "string", externalId: false, picklistValues: [], ...extra });
  const STATUS = field("Status", { type: "picklist", picklistValues: ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"].map((value) => ({ value, label: value, active: true })) });
  const standard = Object.values(SALESFORCE_FIELDS).map((name) => field(name));

  it("checks the token, the external id field, every mapped field and the statuses against the Lead's describe", async () => {
    await org(() => ({ status: 200, body: { name: "Lead", fields: [field("Id"), ...standard, STATUS, field("Edgescore_Id__c", { externalId: true })] } }));
    expect(await connector().connect()).toEqual({ ok: true, created: [] });
    expect(apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual(["GET /services/data/v62.0/sobjects/Lead/describe"]);
  });

  it("lists what the org lacks: a field not an external id, a mapped field, a status", async () => {
    await org(() => ({ status: 200, body: { name: "Lead", fields: [...standard.filter((f) => f.name !== "Edgescore_Fit__c"), STATUS, field("Edgescore_Id__c")] } }));
    const outcome = await connector({ status: { ...SALESFORCE_STATUS, sql: "Qualified" } }).connect();
    expect(outcome).toMatchObject({ ok: false, missing: ["Edgescore_Id__c (an External ID field)", "Edgescore_Fit__c", 'Status "Qualified"'] });
  });

  it("credentials refused: refused", async () => {
    server = await recorder(() => ({ status: 400, body: { error: "invalid_grant", error_description: "no client credentials user enabled" } }));
    expect(await connector().connect()).toMatchObject({ ok: false, refused: true });
  });
});

describe("Salesforce erasure, on the wire as jsforce sends it", () => {
  it("deletes the Lead as sobject('Lead').destroy(id) does; a Lead already gone is done", async () => {
    await org((request) => (request.path.endsWith("/00QGONE") ? { status: 404, body: [{ message: "The requested resource does not exist", errorCode: "NOT_FOUND" }] } : { status: 204 }));
    expect(await connector().erase(LEAD_ID)).toEqual({ ok: true });
    const [ours] = apiRequests();
    const conn = new jsforce.Connection({ instanceUrl: server!.url, accessToken: "token-1", version: "62.0" });
    await conn.sobject("Lead").destroy(LEAD_ID);
    const theirs = server!.requests.at(-1)!;
    expect(`${ours!.method} ${ours!.path}`).toBe(`DELETE /services/data/v62.0/sobjects/Lead/${LEAD_ID}`);
    expect(`${ours!.method} ${ours!.path}`).toBe(`${theirs.method} ${theirs.path}`);
    expect(essentials(ours!.headers).authorization).toBe(essentials(theirs.headers).authorization);
    expect(await connector().erase("00QGONE")).toEqual({ ok: true });
  });
});
