/** The CRMs a site can connect (docs/crm.md): each is an outbox kind of its own, so one held CRM never holds another. */
export const CRMS = ["hubspot", "salesforce"] as const;
export type CrmName = (typeof CRMS)[number];

/** HubSpot's API, where a connection sends unless a local run names a stand-in. */
export const HUBSPOT_API = "https://api.hubapi.com";
