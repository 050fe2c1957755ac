import { createHmac } from "node:crypto";
import { Signature } from "@hubspot/api-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hubspotOutcomes, REPLAY_WINDOW_MS, verifyHubSpot, type SignedRequest } from "../../../worker/src/crm/hubspot-events";
import { HUBSPOT_LIFECYCLE } from "../../../worker/src/crm/stages";

const SECRET = "7a1f0c52-app-client-secret";
const NOW = Date.parse("2026-03-02T10:15:00.000Z");
const URI = "https://edgescore.example/v1/hubspot/acme";

const event = (changes: Record<string, unknown>) => ({
  eventId: 1001, subscriptionId: 2001, portalId: 62515, appId: 3001, occurredAt: NOW - 60_000,
  subscriptionType: "contact.propertyChange", attemptNumber: 0, objectId: 151, changeSource: "CRM_UI",
  propertyName: "lifecyclestage", propertyValue: "salesqualifiedlead", ...changes,
});
const BODY = JSON.stringify([event({})]);

/** HubSpot's v3 signature, made as its docs say: base64 HMAC-SHA256(secret, method + uri + body + timestamp). */
function sign(method: string, uri: string, body: string, timestamp: number, secret = SECRET): string {
  return createHmac("sha256", secret).update(`${method}${uri}${body}${timestamp}`).digest("base64");
}

function signed(changes: Partial<SignedRequest> = {}, timestamp = NOW - 1_000): SignedRequest {
  return { method: "POST", uri: URI, body: BODY, signature: sign("POST", URI, BODY, timestamp), timestamp: String(timestamp), ...changes };
}

/** What @hubspot/api-client says of the same request, its clock set to `now`. */
function hubspotSays(request: SignedRequest, uri: string, now: number): boolean {
  vi.useFakeTimers({ now });
  try {
    return Signature.isValid({
      signatureVersion: "v3", method: request.method, url: uri, requestBody: request.body,
      signature: request.signature!, clientSecret: SECRET, timestamp: Number(request.timestamp),
    });
  } catch {
    return false; // it throws for a stale timestamp
  } finally {
    vi.useRealTimers();
  }
}

afterEach(() => vi.useRealTimers());

describe("verifyHubSpot", () => {
  it("agrees with @hubspot/api-client's Signature.isValid (v3) on a signature made as HubSpot makes it", async () => {
    const request = signed();
    expect(await verifyHubSpot(request, SECRET, NOW)).toEqual({ ok: true });
    expect(hubspotSays(request, URI, NOW)).toBe(true);
  });

  it("refuses a tampered body, as the client does", async () => {
    const request = signed({ body: BODY.replace("salesqualifiedlead", "customer") });
    expect(await verifyHubSpot(request, SECRET, NOW)).toEqual({ ok: false, error: "bad signature" });
    expect(hubspotSays(request, URI, NOW)).toBe(false);
  });

  it("refuses another secret's signature, another method, another URI", async () => {
    const timestamp = NOW - 1_000;
    expect(await verifyHubSpot(signed({ signature: sign("POST", URI, BODY, timestamp, "other-secret") }), SECRET, NOW)).toMatchObject({ ok: false });
    expect(await verifyHubSpot(signed({ method: "PUT" }), SECRET, NOW)).toMatchObject({ ok: false });
    expect(await verifyHubSpot(signed({ uri: `${URI}-other` }), SECRET, NOW)).toMatchObject({ ok: false });
  });

  it("accepts a request 5 minutes old and refuses one 5 minutes and 1 ms old: the replay window, as the client draws it", async () => {
    const atEdge = signed({}, NOW - REPLAY_WINDOW_MS);
    expect(await verifyHubSpot(atEdge, SECRET, NOW)).toEqual({ ok: true });
    expect(hubspotSays(atEdge, URI, NOW)).toBe(true);
    const replayed = signed({}, NOW - REPLAY_WINDOW_MS - 1);
    expect(await verifyHubSpot(replayed, SECRET, NOW)).toEqual({ ok: false, error: "stale: the timestamp is not within 5 minutes" });
    expect(hubspotSays(replayed, URI, NOW)).toBe(false);
  });

  it("refuses a timestamp from more than 5 minutes ahead, and a request without its headers", async () => {
    expect(await verifyHubSpot(signed({}, NOW + REPLAY_WINDOW_MS + 1), SECRET, NOW)).toMatchObject({ ok: false });
    expect(await verifyHubSpot(signed({ signature: null }), SECRET, NOW)).toMatchObject({ ok: false, error: expect.stringContaining("unsigned") });
    expect(await verifyHubSpot(signed({ timestamp: null }), SECRET, NOW)).toMatchObject({ ok: false });
    expect(await verifyHubSpot(signed({ signature: "not base64!" }), SECRET, NOW)).toEqual({ ok: false, error: "bad signature" });
  });

  it("checks the URI as HubSpot signs it: the listed escapes decoded (%3A, %2F, %40, …), others such as %20 kept", async () => {
    const received = `${URI}?from=crm%3Ahubspot&by=ops%40acme.example&note=a%20b`;
    const asSigned = `${URI}?from=crm:hubspot&by=ops@acme.example&note=a%20b`;
    const timestamp = NOW - 1_000;
    const request = signed({ uri: received, signature: sign("POST", asSigned, BODY, timestamp) }, timestamp);
    expect(await verifyHubSpot(request, SECRET, NOW)).toEqual({ ok: true });
    expect(hubspotSays(request, asSigned, NOW)).toBe(true);
  });
});

describe("hubspotOutcomes", () => {
  it("reads lifecycle stages sales set as the stages sales feedback moves a lead to", () => {
    const body = JSON.stringify([
      event({ eventId: 1, objectId: 151, propertyValue: "salesqualifiedlead" }),
      event({ eventId: 2, objectId: 152, propertyValue: "opportunity" }),
      event({ eventId: 3, objectId: 153, propertyValue: "customer" }),
    ]);
    expect(hubspotOutcomes(body)).toEqual([
      { eventId: 1, portalId: 62515, contactId: "151", stage: "sql", reasonCode: "hubspot:lifecyclestage:salesqualifiedlead", at: "2026-03-02T10:14:00.000Z" },
      { eventId: 2, portalId: 62515, contactId: "152", stage: "opportunity", reasonCode: "hubspot:lifecyclestage:opportunity", at: "2026-03-02T10:14:00.000Z" },
      { eventId: 3, portalId: 62515, contactId: "153", stage: "customer", reasonCode: "hubspot:lifecyclestage:customer", at: "2026-03-02T10:14:00.000Z" },
    ]);
  });

  it("leaves out edgescore's own verdicts (lead, MQL), a cleared stage and stages edgescore has not", () => {
    const body = JSON.stringify(["lead", "marketingqualifiedlead", "", "subscriber", "evangelist", "other", "constructor"].map((propertyValue) => event({ propertyValue })));
    expect(hubspotOutcomes(body)).toEqual([]);
  });

  it("reads hs_lead_status as sales use it", () => {
    const statuses = ["NEW", "OPEN", "ATTEMPTED_TO_CONTACT", "IN_PROGRESS", "CONNECTED", "OPEN_DEAL", "UNQUALIFIED", "BAD_TIMING", "__proto__"];
    const body = JSON.stringify(statuses.map((propertyValue, i) => event({ eventId: i, propertyName: "hs_lead_status", propertyValue })));
    expect(hubspotOutcomes(body)!.map((o) => [o.reasonCode, o.stage])).toEqual([
      ["hubspot:hs_lead_status:IN_PROGRESS", "sql"],
      ["hubspot:hs_lead_status:CONNECTED", "sql"],
      ["hubspot:hs_lead_status:OPEN_DEAL", "opportunity"],
      ["hubspot:hs_lead_status:UNQUALIFIED", "disqualified"],
      ["hubspot:hs_lead_status:BAD_TIMING", "lead"],
    ]);
  });

  it("orders outcomes by when they happened, so the latest wins, and skips other events", () => {
    const body = JSON.stringify([
      event({ eventId: 2, propertyValue: "customer", occurredAt: NOW - 1_000 }),
      event({ eventId: 1, propertyValue: "opportunity", occurredAt: NOW - 2_000 }),
      event({ eventId: 3, subscriptionType: "contact.creation" }),
      event({ eventId: 4, propertyName: "firstname", propertyValue: "Ada" }),
      { eventId: 5 },
      "noise",
    ]);
    expect(hubspotOutcomes(body)!.map((o) => o.eventId)).toEqual([1, 2]);
  });

  it("follows the site's lifecycle map: a portal's own stage for sql", () => {
    const body = JSON.stringify([event({ propertyValue: "1034567" }), event({ propertyValue: "salesqualifiedlead" })]);
    expect(hubspotOutcomes(body, { ...HUBSPOT_LIFECYCLE, sql: "1034567" })!.map((o) => o.stage)).toEqual(["sql"]);
  });

  it("answers null for a body that is not a list of events", () => {
    expect(hubspotOutcomes("{")).toBeNull();
    expect(hubspotOutcomes(JSON.stringify(event({})))).toBeNull();
  });
});
