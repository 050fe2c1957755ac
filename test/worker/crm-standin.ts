/**
 * HubSpot and Salesforce as the worker tests meet them: small stateful stand-ins on
 * loopback, answering the calls edgescore's connectors make in the vendors' shapes
 * (the connectors' wire format is checked against the vendors' own clients in
 * test/unit/crm). Each test names its own portal or org, so tests never share one:
 *   <base>/hubspot/<portal>/crm/v3/...              HubSpot's API (the connection's apiUrl)
 *   <base>/services/oauth2/token                    Salesforce's token endpoint (client_id = <org>)
 *   <base>/salesforce/<org>/services/data/...       the org's instance (the token's instance_url)
 *   POST <base>/control/<name>  { down?, revoked?, fail?: [status, …], retryAfter?, duplicates?: [email] }
 *   GET  <base>/requests/<name>  every request the portal or org got: method, path, headers, body, status
 */
import type { IncomingMessage, ServerResponse } from "node:http";

interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  at: number;
}

interface Control {
  /** Every call fails as a connection would (the socket is destroyed). */
  down?: boolean;
  /** The credentials are refused. */
  revoked?: boolean;
  /** Statuses the next calls answer, one each, before normal answers resume. */
  fail?: number[];
  /** Seconds a 429 asks to wait. */
  retryAfter?: number;
  /** Salesforce: emails a duplicate rule blocks. */
  duplicates?: string[];
}

interface Account {
  control: Control;
  requests: Recorded[];
  /** Records by key (HubSpot: email; Salesforce: external id), with their properties or fields. */
  records: Map<string, { id: string; values: Record<string, unknown> }>;
  properties: Set<string>;
  groups: Set<string>;
  tokens: Set<string>;
}

const accounts = new Map<string, Account>();
const accountOf = (name: string): Account => {
  let account = accounts.get(name);
  if (!account) accounts.set(name, (account = { control: {}, requests: [], records: new Map(), properties: new Set(["email", "firstname", "lastname", "company", "jobtitle", "phone", "country", "industry", "lifecyclestage", "hs_lead_status"]), groups: new Set(), tokens: new Set() }));
  return account;
};

let ids = 0;
const newId = (prefix: string) => `${prefix}${String(++ids).padStart(12, "0")}`;

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

const parse = (text: string, type: string | undefined): unknown => {
  if (!text) return null;
  if (type?.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Handles a request under `/hubspot`, `/salesforce`, `/services`, `/control` or `/requests`; false for any other path. */
export async function handleCrm(req: IncomingMessage, res: ServerResponse, base: string): Promise<boolean> {
  const url = new URL(req.url ?? "/", base);
  const [, area, name = "", ...rest] = url.pathname.split("/");
  if (!["hubspot", "salesforce", "services", "control", "requests"].includes(area!)) return false;
  const text = await read(req);
  const body = parse(text, req.headers["content-type"]);
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(value === undefined ? undefined : JSON.stringify(value));

  if (area === "control") {
    accountOf(name).control = body as Control;
    return (json(200, { ok: true }), true);
  }
  if (area === "requests") return (json(200, accountOf(name).requests), true);

  const org = area === "services" ? String((body as Record<string, string>)?.client_id ?? "") : name;
  const account = accountOf(org);
  const path = area === "services" ? url.pathname : `/${rest.join("/")}`;
  const record = (status: number) => account.requests.push({
    method: req.method!, path: path + url.search, headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body, status, at: Date.now(),
  });
  const { control } = account;
  if (control.down) {
    record(0);
    req.socket.destroy();
    return true;
  }
  const failing = control.fail?.shift();
  if (failing) {
    record(failing);
    if (failing === 429) json(429, { status: "error", message: "You have reached your ten_secondly_rolling limit.", errorType: "RATE_LIMIT", category: "RATE_LIMITS" }, { "Retry-After": String(control.retryAfter ?? 1) });
    else json(failing, [{ message: "Service unavailable", errorCode: "SERVER_UNAVAILABLE" }]);
    return true;
  }
  const answer = area === "hubspot" ? hubspot(account, req.method!, path, body, req.headers.authorization) : salesforce(account, org, req.method!, path, body, req.headers.authorization, base);
  record(answer.status);
  json(answer.status, answer.body);
  return true;
}

type Answer = { status: number; body?: unknown };

function hubspot(account: Account, method: string, path: string, body: any, auth: string | undefined): Answer {
  if (account.control.revoked || !auth?.startsWith("Bearer ")) {
    return { status: 401, body: { status: "error", message: "Authentication credentials not found.", category: "INVALID_AUTHENTICATION" } };
  }
  if (method === "POST" && path === "/crm/v3/objects/contacts/batch/upsert") {
    const now = new Date().toISOString();
    const results = (body.inputs as { id: string; properties: Record<string, string> }[]).map((input) => {
      const known = account.records.get(input.id.toLowerCase());
      const contact = known ?? { id: String(1000 + ++ids), values: {} };
      Object.assign(contact.values, input.properties);
      account.records.set(input.id.toLowerCase(), contact);
      return { id: contact.id, properties: contact.values, createdAt: now, updatedAt: now, archived: false, new: !known };
    });
    return { status: 200, body: { status: "COMPLETE", results, startedAt: now, completedAt: now } };
  }
  if (method === "POST" && path === "/crm/v3/objects/contacts/gdpr-delete") {
    for (const [email, contact] of account.records) if (contact.id === String(body.objectId)) account.records.delete(email);
    return { status: 204 };
  }
  if (method === "POST" && path === "/crm/v3/objects/contacts/batch/read") {
    const wanted = new Set((body.inputs as { id: string }[]).map((i) => i.id));
    const results = [...account.records.values()].filter((c) => wanted.has(c.id))
      .map((c) => ({ id: c.id, properties: Object.fromEntries((body.properties as string[]).map((p) => [p, c.values[p] ?? null])) }));
    return { status: 200, body: { status: "COMPLETE", results } };
  }
  if (method === "GET" && path.startsWith("/crm/v3/properties/contacts/groups/")) {
    const group = path.split("/").at(-1)!;
    return account.groups.has(group) ? { status: 200, body: { name: group, label: group } } : { status: 404, body: { status: "error", message: "not found", category: "OBJECT_NOT_FOUND" } };
  }
  if (method === "POST" && path === "/crm/v3/properties/contacts/groups") {
    account.groups.add(body.name);
    return { status: 201, body: { name: body.name, label: body.label, displayOrder: -1, archived: false } };
  }
  if (method === "POST" && path === "/crm/v3/properties/contacts/batch/read") {
    const names = (body.inputs as { name: string }[]).map((i) => i.name);
    const results = names.filter((name) => account.properties.has(name)).map((name) => ({ name, label: name, type: "string", fieldType: "text" }));
    return { status: results.length === names.length ? 200 : 207, body: { status: "COMPLETE", results } };
  }
  if (method === "POST" && path === "/crm/v3/properties/contacts/batch/create") {
    for (const input of body.inputs as { name: string }[]) account.properties.add(input.name);
    return { status: 201, body: { status: "COMPLETE", results: body.inputs } };
  }
  return { status: 404, body: { status: "error", message: `no route ${method} ${path}`, category: "OBJECT_NOT_FOUND" } };
}

function salesforce(account: Account, org: string, method: string, path: string, body: any, auth: string | undefined, base: string): Answer {
  if (method === "POST" && path === "/services/oauth2/token") {
    if (account.control.revoked || body?.grant_type !== "client_credentials") {
      return { status: 400, body: { error: "invalid_client", error_description: "invalid client credentials" } };
    }
    const token = `00D${org}!${newId("tok")}`;
    account.tokens.add(token);
    return { status: 200, body: { access_token: token, instance_url: `${base}/salesforce/${org}`, id: `${base}/id/00D/005`, token_type: "Bearer", issued_at: String(Date.now()), signature: "c2lnbmVk" } };
  }
  if (!auth || !account.tokens.has(auth.replace(/^Bearer /, ""))) {
    return { status: 401, body: [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }] };
  }
  const upsert = path.match(/^\/services\/data\/v[\d.]+\/sobjects\/Lead\/(\w+)\/([^/]+)$/);
  if (method === "PATCH" && upsert) {
    const key = decodeURIComponent(upsert[2]!);
    if (account.control.duplicates?.includes(String(body.Email).toLowerCase())) {
      return { status: 400, body: [{ message: "You're creating a duplicate record. We recommend you use an existing record instead.", errorCode: "DUPLICATES_DETECTED", fields: [] }] };
    }
    const known = account.records.get(key);
    const missing = known ? [] : ["LastName", "Company"].filter((field) => !body[field]);
    if (missing.length) return { status: 400, body: [{ message: `Required fields are missing: [${missing.join(", ")}]`, errorCode: "REQUIRED_FIELD_MISSING", fields: missing }] };
    const lead = known ?? { id: newId("00Q"), values: {} };
    Object.assign(lead.values, body, { [upsert[1]!]: key });
    account.records.set(key, lead);
    return { status: known ? 200 : 201, body: { id: lead.id, success: true, errors: [], created: !known } };
  }
  const deleted = path.match(/^\/services\/data\/v[\d.]+\/sobjects\/Lead\/(00Q\w+)$/);
  if (method === "DELETE" && deleted) {
    const known = [...account.records].find(([, lead]) => lead.id === deleted[1]);
    if (!known) return { status: 404, body: [{ message: "The requested resource does not exist", errorCode: "NOT_FOUND" }] };
    account.records.delete(known[0]);
    return { status: 204 };
  }
  if (method === "GET" && /^\/services\/data\/v[\d.]+\/sobjects\/Lead\/describe$/.test(path)) {
    const standard = ["Id", "Email", "FirstName", "LastName", "Company", "Title", "Phone", "Country", "Industry", "NumberOfEmployees", "Status", "LeadSource"];
    const custom = ["Edgescore_Id__c", "Edgescore_Score__c", "Edgescore_Fit__c", "Edgescore_Engagement__c", "Edgescore_Stage__c", "Edgescore_MQL_At__c", "Edgescore_Reasons__c", "Edgescore_Url__c"];
    return { status: 200, body: { name: "Lead", fields: [...standard, ...custom].map((name) => ({ name, externalId: name === "Edgescore_Id__c", idLookup: name === "Edgescore_Id__c" || name === "Id" })) } };
  }
  return { status: 404, body: [{ message: `no route ${method} ${path}`, errorCode: "NOT_FOUND" }] };
}
