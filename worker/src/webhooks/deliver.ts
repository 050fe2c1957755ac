/**
 * Sending one webhook (docs/api.md#webhooks): signed afresh at every attempt as Standard
 * Webhooks sign, so receivers verify with a maintained library (docs/api.md#signatures),
 * and, until the legacy headers' removal, as before; the same id on every retry, a short
 * timeout so a slow receiver cannot hold its profile's alarm.
 */
import type { Stage } from "../../../shared/rules";
import type { StageOrigin } from "../domain/profile";
import { hmacBase64, hmacHex } from "../lib/crypto";
import { webhookRefusal } from "../lib/webhook-host";
import { signingKey } from "../lib/webhook-secret";
import { webhookHears, type Site } from "../sites/config";
import { getSite } from "../sites/store";

const TIMEOUT_MS = 10_000;
/** The user agent of every delivery: this worker refuses requests that carry it (app.ts), so a webhook never reaches it. */
export const WEBHOOK_AGENT = "edgescore-webhooks";

/** `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the secret's key. */
async function standardSignature(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  return `v1,${await hmacBase64(signingKey(secret), `${id}.${timestamp}.${body}`)}`;
}

/** The deprecated `X-Edgescore-Signature`: `v1=` and the hex HMAC-SHA256 of `timestamp.body` under the secret's text, whatever its kind. */
async function legacySignature(secret: string, timestamp: number, body: string): Promise<string> {
  return `v1=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

/**
 * Posts a delivery; answers null on a 2xx, else what went wrong, in words that tell a
 * site's admin no more of the network than a status: never the runtime's error text. The
 * address is checked again here, not only when it was saved: the rules may be stricter now.
 */
export async function send(url: string, secret: string, id: string, body: string, now: number, localWebhooks: string | undefined): Promise<string | null> {
  const refusal = webhookRefusal(url, null, localWebhooks);
  if (refusal) return `not sent: the address ${refusal}`;
  const timestamp = Math.floor(now / 1000);
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": WEBHOOK_AGENT,
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": await standardSignature(secret, id, timestamp, body),
        // Deprecated, sent until 2027-06-30 so receivers have time to move (docs/api.md#signatures).
        "X-Edgescore-Id": id,
        "X-Edgescore-Timestamp": String(timestamp),
        "X-Edgescore-Signature": await legacySignature(secret, timestamp, body),
      },
      body,
      redirect: "manual", // a redirect could lead the signed body anywhere
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (err) {
    return err instanceof Error && err.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : "no answer: the connection failed";
  }
}

/**
 * Sends a webhook an object's outbox holds (its payload has `site`, `type` and, for a
 * stage change, `to`) to the site's webhook as it is now. Answers null, delivered, when
 * the site has no webhook any more or does not want this change (webhookHears: it
 * filters `profile.stage_changed` only).
 */
export async function deliverWebhook(env: Pick<Env, "SITES" | "LOCAL_WEBHOOKS">, item: { id: string; payload: string }, now: number): Promise<string | null> {
  const body = JSON.parse(item.payload) as { site: string; type: string; to?: Stage; origin?: StageOrigin };
  const webhook = (await getSite(env.SITES, body.site))?.webhook;
  if (!webhook) return null;
  if (body.type === "profile.stage_changed" && !webhookHears(webhook.stages, body.to!, body.origin!)) return null;
  return send(webhook.url, webhook.secret, item.id, item.payload, now, env.LOCAL_WEBHOOKS);
}

/** A signed `ping` to the site's webhook, to check its receiver (null: the site has none): delivered, or why not. */
export async function pingWebhook(env: Pick<Env, "LOCAL_WEBHOOKS">, site: Site, now: number): Promise<{ id: string; delivered: boolean; error?: string } | null> {
  if (!site.webhook) return null;
  const id = `ping.${crypto.randomUUID()}`;
  const body = JSON.stringify({ id, type: "ping", site: site.id, at: new Date(now).toISOString() });
  const error = await send(site.webhook.url, site.webhook.secret, id, body, now, env.LOCAL_WEBHOOKS);
  return { id, delivered: error === null, ...(error && { error }) };
}
