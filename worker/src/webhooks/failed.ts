/**
 * Webhook deliveries that gave up, listed per site in KV so the API and the
 * dashboard can show them without asking every profile object:
 *   webhookfail:<site>:<delivery id>   metadata: the failure
 * A delivery id starts with its object's id (a profile's, or an account's), so
 * erasing a person finds theirs.
 */
import { accountObject, profileById } from "../lib/identity";
import { listAll } from "../lib/kv";
import type { OutboxItem } from "../objects/outbox";

export interface FailedDelivery {
  id: string;
  /** The profile whose delivery it was; for an account's, the account object's id. */
  profile: string;
  /** An account's delivery: the account's key. */
  account?: string;
  type: string;
  to: string | null;
  attempts: number;
  firstAttemptAt: number;
  failedAt: number;
  lastError: string;
}

const prefix = (site: string) => `webhookfail:${site}:`;

export async function recordFailure(kv: KVNamespace, site: string, failure: FailedDelivery): Promise<void> {
  await kv.put(prefix(site) + failure.id, "", { metadata: failure });
}

/** Lists a webhook of an object's outbox that gave up after its last attempt, at `now`. */
export async function recordGiveUp(
  kv: KVNamespace, item: OutboxItem, owner: { profile: string; account?: string }, now: number, error: string,
): Promise<void> {
  const body = JSON.parse(item.payload) as { type: string; site: string; to?: string };
  await recordFailure(kv, body.site, {
    id: item.id, ...owner, type: body.type, to: body.to ?? null,
    attempts: item.attempts + 1, firstAttemptAt: item.created_at, failedAt: now, lastError: error,
  });
}

export async function clearFailure(kv: KVNamespace, site: string, id: string): Promise<void> {
  await kv.delete(prefix(site) + id);
}

export async function getFailure(kv: KVNamespace, site: string, id: string): Promise<FailedDelivery | null> {
  const { metadata } = await kv.getWithMetadata<FailedDelivery>(prefix(site) + id);
  return metadata;
}

/** A site's failed deliveries, newest failure first; only a profile's when `profile` is given. */
export async function listFailures(kv: KVNamespace, site: string, profile?: string): Promise<FailedDelivery[]> {
  const keys = await listAll<FailedDelivery>(kv, prefix(site) + (profile ? `${profile}.` : ""));
  return keys.flatMap((k) => (k.metadata ? [k.metadata] : [])).sort((a, b) => b.failedAt - a.failedAt);
}

/**
 * Sends a failed delivery again from the outbox of the object that holds it (an account's,
 * or a profile's): whether it was delivered, or null when the site has no such failure.
 * Not delivered, it is retried with backoff, and listed again if it gives up again.
 */
export async function retryFailure(env: Env, site: string, id: string, now: number): Promise<{ id: string; delivered: boolean } | null> {
  const failure = await getFailure(env.SITES, site, id);
  const owner = failure && (failure.account ? accountObject(env, site, failure.account) : profileById(env, failure.profile));
  if (!failure || !owner) return null;
  return { id: failure.id, delivered: await owner.retryDelivery(failure.id, now) };
}
