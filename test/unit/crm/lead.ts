/** A lead as the courier hands it to a connector: an MQL from a business address. */
import type { ExportRecord } from "../../../worker/src/exports/record";
import type { CrmLead } from "../../../worker/src/crm/types";

export function mqlRecord(changes: Partial<ExportRecord> = {}): ExportRecord {
  return {
    profile: "p_7f3a9c2e",
    email: "ada@acme.example",
    firstName: "Ada",
    lastName: "Lovelace",
    company: "Acme",
    title: "CTO",
    phone: null,
    companySize: 250,
    industry: "Software",
    country: "GB",
    customTraits: {},
    score: { fit: 40, engagement: 35, total: 75 },
    reasons: [{ rule: "pricing_visit", points: 10 }, { rule: "job_title", points: 20 }, { rule: "decay", points: -5 }],
    stage: "mql",
    mqlAt: "2026-03-02T10:15:00.000Z",
    firstSeenAt: "2026-02-20T08:00:00.000Z",
    timeToMqlSeconds: 871_500,
    source: { utm_source: "linkedin", utm_medium: "paid", utm_campaign: "spring", referrer: "www.linkedin.com", landing: "https://acme.example/" },
    clickIds: {},
    lastTouch: null,
    verified: true,
    claimedTraits: [],
    claimedEvents: 0,
    consent: true,
    account: "domain:acme.example",
    rulesVersion: 3,
    updatedAt: "2026-03-02T10:15:00.000Z",
    ...changes,
  };
}

/** A lead the CRM holds already (`synced`) unless told otherwise. */
export function mql(changes: Partial<ExportRecord> = {}, backward = false, synced = true): CrmLead {
  return { record: mqlRecord(changes), leadUrl: `https://edgescore.example/dashboard/acme/leads/${changes.profile ?? "p_7f3a9c2e"}`, backward, synced };
}
