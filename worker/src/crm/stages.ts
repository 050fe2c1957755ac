/**
 * edgescore's stages in each CRM's words (docs/crm.md#hubspot, #salesforce): HubSpot's lifecycle stage
 * and Salesforce's Lead Status. A stage mapped to "" (or not listed) leaves the CRM's value
 * alone. Both maps are the site's to edit: portals add lifecycle stages, and every org's
 * Lead Status picklist differs.
 */
import * as v from "valibot";
import { STAGES, type Stage } from "../../../shared/rules";
import { check, type Checked } from "../../../shared/validation";
import type { CrmName } from "./types";

export type StageMap = Partial<Record<Stage, string>>;

/**
 * HubSpot's internal lifecycle values. `visitor` is no stage of HubSpot's; `disqualified` has
 * none either, and "other" would be a move forward past customer that every later stage
 * would have to clear: the lifecycle stays, and sales see the verdict in `edgescore_stage`.
 */
export const HUBSPOT_LIFECYCLE: Readonly<Record<Stage, string>> = {
  visitor: "", lead: "lead", mql: "marketingqualifiedlead", sql: "salesqualifiedlead",
  opportunity: "opportunity", customer: "customer", disqualified: "",
};

/**
 * A new org's Lead Status picklist. An MQL is open and not yet contacted; an SQL is being
 * worked. Opportunity and customer send no Status: those are converted statuses, which
 * Salesforce sets only by converting the lead, never by an update.
 */
export const SALESFORCE_STATUS: Readonly<Record<Stage, string>> = {
  visitor: "", lead: "Open - Not Contacted", mql: "Open - Not Contacted", sql: "Working - Contacted",
  opportunity: "", customer: "", disqualified: "Closed - Not Converted",
};

export const DEFAULT_STAGE_MAPS: Readonly<Record<CrmName, StageMap>> = { hubspot: HUBSPOT_LIFECYCLE, salesforce: SALESFORCE_STATUS };

/** The CRM's value for a stage, or null to leave the CRM's own alone. */
export function stageValue(map: StageMap, stage: Stage): string | null {
  return map[stage] || null;
}

const VALUES: Readonly<Record<CrmName, v.GenericSchema<unknown, string>>> = {
  // Default stages have names; a portal's own stages have numeric internal values.
  hubspot: v.pipe(v.string("must be a text"), v.regex(/^[A-Za-z0-9_-]{0,100}$/, "must be a lifecycle stage's internal value (marketingqualifiedlead), or empty to leave it alone")),
  // A picklist value's API name: any text up to 255 characters.
  salesforce: v.pipe(v.string("must be a text"), v.maxLength(255, "at most 255 characters"), v.regex(/^[^\p{Cc}]*$/u, "must hold no control characters")),
};

export function stageMapSchema(crm: CrmName) {
  return v.record(v.picklist(STAGES, `not a stage (expected ${STAGES.join(", ")})`), VALUES[crm]);
}

/** Checks a stage map as a site admin sent it, naming every bad stage. */
export function checkStageMap(crm: CrmName, input: unknown): Checked<StageMap> {
  return check(stageMapSchema(crm), input);
}
