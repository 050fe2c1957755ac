import { isbot } from "isbot";
import { isDataCentre, organizationWords } from "../../../shared/rules/accounts";

/**
 * What isbot (crawlers, headless browsers, HTTP libraries and command-line clients, kept
 * up to date upstream) does not know: clients that borrow a browser's agent (PowerShell's
 * starts "Mozilla/5.0", GTmetrix's page audits append their name to Chrome's), and the email
 * security gateways that open every link in a message and name themselves. Matched
 * case-insensitively anywhere in the user agent.
 */
const NOT_BROWSERS = new RegExp([
  "PowerShell/",
  "GTmetrix",
  "Barracuda",
  "Proofpoint",
  "Mimecast",
  "CiscoSecureEmail",
  "IronPort", // Cisco's gateway, by its old name
  "MSOffice", // Microsoft Safe Links
  "Gmail-content-sampling",
].join("|"), "i");

/**
 * Whether a request to `/v1/collect` is bot traffic (docs/api.md, "Bot traffic"): no user
 * agent, a known crawler's or non-browser's, a network the edge classes as a cloud or host
 * (link scanners run browsers there, under ordinary agents), or the edge's verified-bot signal
 * where the plan provides one.
 */
export function isBotRequest(userAgent: string | undefined, cf: IncomingRequestCfProperties | undefined): boolean {
  const verified = (cf as { verifiedBotCategory?: string; botManagement?: { verifiedBot?: boolean } } | undefined);
  if (verified?.botManagement?.verifiedBot || verified?.verifiedBotCategory) return true;
  if (cf?.asOrganization && isDataCentre(organizationWords(cf.asOrganization))) return true;
  return !userAgent?.trim() || isbot(userAgent) || NOT_BROWSERS.test(userAgent);
}
