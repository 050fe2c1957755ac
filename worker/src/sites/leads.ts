/**
 * The registry of a site's leads: production cannot list Durable Objects, so
 * rescoring a site needs its own list. One KV key per lead (written once, when
 * the lead is created; deleted when it is erased), listed in pages by prefix.
 */
const prefix = (site: string) => `lead:${site}:`;

export async function registerLead(kv: KVNamespace, site: string, profile: string): Promise<void> {
  await kv.put(prefix(site) + profile, "");
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
