/**
 * Sales' outcomes back from HubSpot (docs/crm.md#hubspot): a webhook request checked by
 * its v3 signature, and its contact property changes read as the stages sales feedback moves
 * a lead to. Pure: the route resolves contacts to leads and applies the stages.
 */
import * as v from "valibot";
import type { Stage } from "../../../shared/rules";
import { HUBSPOT_LIFECYCLE, type StageMap } from "./stages";

/** How old a signed request may be: HubSpot's own bound, past which a captured request cannot be replayed. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

/** A webhook request as it came: the full URL HubSpot called, and the body's text as sent. */
export interface SignedRequest {
  method: string;
  uri: string;
  body: string;
  /** X-HubSpot-Signature-v3 */
  signature: string | null;
  /** X-HubSpot-Request-Timestamp, in ms */
  timestamp: string | null;
}

/**
 * Checks X-HubSpot-Signature-v3: base64 HMAC-SHA256, under the app's client secret, of
 * method + URI + body + timestamp, the timestamp within REPLAY_WINDOW_MS of `now`.
 */
export async function verifyHubSpot(request: SignedRequest, clientSecret: string, now: number): Promise<{ ok: true } | { ok: false; error: string }> {
  const { signature, timestamp } = request;
  if (!signature || !timestamp) return { ok: false, error: "unsigned: no X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp" };
  if (!/^\d{1,15}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > REPLAY_WINDOW_MS) {
    return { ok: false, error: "stale: the timestamp is not within 5 minutes" };
  }
  const mac = base64Bytes(signature);
  if (!mac) return { ok: false, error: "bad signature" };
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(clientSecret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const signed = encoder.encode(`${request.method.toUpperCase()}${signedUri(request.uri)}${request.body}${timestamp}`);
  // verify compares in constant time: a timing attack learns nothing of the expected MAC.
  return (await crypto.subtle.verify("HMAC", key, mac, signed)) ? { ok: true } : { ok: false, error: "bad signature" };
}

/** The URI as HubSpot signs it: with these percent-encoded characters decoded, the others left as they are. */
function signedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => decodeURIComponent(escape));
}

function base64Bytes(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * hs_lead_status, HubSpot's sales status, in the words sales use: being worked or spoken to
 * is sales-qualified (IN_PROGRESS, CONNECTED); an open deal is an opportunity; UNQUALIFIED is
 * disqualified; BAD_TIMING sends the lead back to nurture (lead) to qualify again later.
 * NEW, OPEN and ATTEMPTED_TO_CONTACT say sales have not judged it yet: they move nothing.
 */
export const HUBSPOT_LEAD_STATUS: ReadonlyMap<string, Stage> = new Map([
  ["IN_PROGRESS", "sql"], ["CONNECTED", "sql"], ["OPEN_DEAL", "opportunity"], ["UNQUALIFIED", "disqualified"], ["BAD_TIMING", "lead"],
]);

/**
 * The lifecycle stages read back: only the sales stages. lead and marketingqualifiedlead are
 * edgescore's own verdicts (its upserts set them, and HubSpot reports them back), and read as
 * feedback they would count as sales' touch and stop an MQL's expiry.
 */
const SALES_STAGES: readonly Stage[] = ["sql", "opportunity", "customer"];

/** A stage sales gave a contact in HubSpot, as feedback to apply to its lead. */
export interface HubSpotOutcome {
  eventId: number;
  portalId: number;
  /** The contact's id: the lead is found by it (readContacts), and it is the feedback's crmId. */
  contactId: string;
  stage: Stage;
  /** `hubspot:<property>:<value>`, e.g. hubspot:lifecyclestage:salesqualifiedlead */
  reasonCode: string;
  at: string;
}

const PropertyChange = v.object({
  eventId: v.number(),
  portalId: v.number(),
  subscriptionType: v.literal("contact.propertyChange"),
  objectId: v.number(),
  propertyName: v.string(),
  propertyValue: v.string(),
  occurredAt: v.number(),
});

/**
 * The outcomes in a webhook body (an array of events), oldest first so that the latest wins;
 * events of other kinds or properties, and values that move nothing, are left out. Null when
 * the body is not an array.
 */
export function hubspotOutcomes(body: string, lifecycle: StageMap = HUBSPOT_LIFECYCLE): HubSpotOutcome[] | null {
  let events: unknown;
  try {
    events = JSON.parse(body);
  } catch {
    return null;
  }
  if (!Array.isArray(events)) return null;
  const byLifecycle = new Map(SALES_STAGES.flatMap((stage) => (lifecycle[stage] ? [[lifecycle[stage], stage] as const] : [])));
  const changes = events.flatMap((item) => {
    const parsed = v.safeParse(PropertyChange, item);
    return parsed.success && Number.isFinite(new Date(parsed.output.occurredAt).getTime()) ? [parsed.output] : [];
  });
  return changes.sort((a, b) => a.occurredAt - b.occurredAt).flatMap(({ eventId, portalId, objectId, propertyName, propertyValue, occurredAt }) => {
    const stage = propertyName === "lifecyclestage" ? byLifecycle.get(propertyValue)
      : propertyName === "hs_lead_status" ? HUBSPOT_LEAD_STATUS.get(propertyValue)
      : undefined;
    if (!stage) return [];
    return [{ eventId, portalId, contactId: String(objectId), stage, reasonCode: `hubspot:${propertyName}:${propertyValue}`, at: new Date(occurredAt).toISOString() }];
  });
}
