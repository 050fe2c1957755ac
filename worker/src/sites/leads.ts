/**
 * The registry of a site's leads: production cannot list Durable Objects, so
 * rescoring a site needs its own list. One KV key per lead (written when the lead
 * is created, and again when what it is found by changes; deleted when it is
 * erased), listed in pages by prefix. Each key's metadata is the lead's summary,
 * what the dashboard searches by name or company (docs/dashboard.md, Leads).
 */
import type { Traits } from "../../../shared/rules";

const prefix = (site: string) => `lead:${site}:`;

/** What a lead is found by: KV metadata, which holds at most 1 KiB, hence the cut texts. */
export interface LeadSummary {
  email?: string;
  name?: string;
  company?: string;
}

const SUMMARY_TEXT = 80;
const cut = (text: string | number | boolean | undefined) =>
  typeof text === "string" && text.trim() ? text.trim().slice(0, SUMMARY_TEXT) : undefined;

/** A lead's summary from its traits: `name`, or first and last name. */
export function leadSummary(traits: Traits): LeadSummary {
  const name = cut(traits.name) ?? cut([traits.firstName, traits.lastName].filter((t) => typeof t === "string").join(" "));
  const company = cut(traits.company);
  return { ...(traits.email && { email: traits.email }), ...(name && { name }), ...(company && { company }) };
}

export async function registerLead(kv: KVNamespace, site: string, profile: string, summary: LeadSummary): Promise<void> {
  await kv.put(prefix(site) + profile, "", { metadata: summary });
}

export async function unregisterLead(kv: KVNamespace, site: string, profile: string): Promise<void> {
  await kv.delete(prefix(site) + profile);
}

/** One page of a site's lead profile ids, and the cursor of the next (null at the end). */
export async function listLeads(kv: KVNamespace, site: string, cursor?: string): Promise<{ profiles: string[]; cursor: string | null }> {
  const page = await kv.list({ prefix: prefix(site), ...(cursor && { cursor }) });
  return {
    profiles: page.keys.map((k) => k.name.slice(prefix(site).length)),
    cursor: page.list_complete ? null : page.cursor,
  };
}

/** Registry pages a search reads at most (1,000 leads each): a bound on its KV list operations. */
export const SEARCH_PAGES = 10;

export interface FoundLead extends LeadSummary {
  profile: string;
}

/**
 * Leads whose email, name, company or profile id contains `text` (any case), at most
 * `limit`, in registry order; `complete` is false when the search stopped at its
 * limit or at SEARCH_PAGES before reading the whole registry.
 */
export async function searchLeads(kv: KVNamespace, site: string, text: string, limit: number): Promise<{ leads: FoundLead[]; complete: boolean }> {
  const wanted = text.trim().toLowerCase();
  const leads: FoundLead[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < SEARCH_PAGES; page++) {
    const listed = await kv.list<LeadSummary>({ prefix: prefix(site), ...(cursor && { cursor }) });
    for (const key of listed.keys) {
      const lead = { profile: key.name.slice(prefix(site).length), ...key.metadata };
      const texts = [lead.profile, lead.email, lead.name, lead.company];
      if (!texts.some((t) => t?.toLowerCase().includes(wanted))) continue;
      if (leads.length === limit) return { leads, complete: false };
      leads.push(lead);
    }
    if (listed.list_complete) return { leads, complete: true };
    cursor = listed.cursor;
  }
  return { leads, complete: false };
}
