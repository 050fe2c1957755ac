/**
 * Rule insights of a site (`GET /v1/sites/:site/insights`, and the dashboard):
 * every lead that has been an MQL, from its export record, against the site's
 * current rules. Computed on each read, from KV alone.
 */
import { latestExports } from "../exports/store";
import type { Site } from "../sites/config";
import { outcomeOf } from "./outcome";
import { ruleInsights, type RuleInsights } from "./rules";

export interface SiteInsights extends RuleInsights {
  /** The version of the rules the insights weigh, and `suggestedRules` starts from. */
  rulesVersion: number;
}

export async function siteInsights(kv: KVNamespace, site: Site): Promise<SiteInsights> {
  const records = await latestExports(kv, site.id);
  return { rulesVersion: site.rulesVersion, ...ruleInsights(site.model, records.map(outcomeOf)) };
}
