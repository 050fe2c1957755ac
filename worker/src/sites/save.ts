/**
 * Changing a site (docs/api.md#put-v1sitessite): a whole config, as `PUT` sends, or a
 * JSON Merge Patch of what `GET` shows, as `PATCH` and the dashboard's settings forms
 * send. Both are checked as a whole config and kept the same way.
 */
import type { Checked } from "../../../shared/validation";
import { webhookRefusal } from "../lib/webhook-host";
import { buildSite, publicSite, type Site } from "./config";
import { crmRefusals } from "./crm";
import { putSite } from "./store";
import { publishVersion } from "./versions";

/**
 * Checks `input` as a whole config, refuses a webhook this worker may not call (`workerUrl`,
 * a request's, names the worker's own host), and keeps it: a new rules version when the
 * rules changed. Every refusal is a field issue, for the API's error and the form alike.
 */
export async function saveSite(
  env: Pick<Env, "SITES" | "LOCAL_WEBHOOKS">, id: string, input: unknown, previous: Site | null, workerUrl: string, now: number,
): Promise<Checked<Site>> {
  const built = buildSite(id, input, previous, now);
  if (!built.ok) return built;
  const site = { ...built.value, dashboardUrl: new URL("/dashboard", workerUrl).href };
  const refusal = site.webhook && webhookRefusal(site.webhook.url, workerUrl, env.LOCAL_WEBHOOKS);
  const issues = [...(refusal ? [{ path: "webhook.url", message: refusal }] : []), ...crmRefusals(site.crm, env.LOCAL_WEBHOOKS)];
  if (issues.length) return { ok: false, issues };
  // New rules are a new version, kept (GET …/rules) before the config names it.
  if (site.rulesVersion !== previous?.rulesVersion) await publishVersion(env.SITES, site, { origin: "site" });
  else await putSite(env.SITES, site);
  return { ok: true, value: site };
}

/** Changes part of `previous`: what `patch` names changes, the rest (webhook, rules, secrets) stays. */
export function patchSite(
  env: Pick<Env, "SITES" | "LOCAL_WEBHOOKS">, previous: Site, patch: unknown, workerUrl: string, now: number,
): Promise<Checked<Site>> {
  return saveSite(env, previous.id, mergePatch(publicSite(previous), patch), previous, workerUrl, now);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * RFC 7396: objects merge key by key, `null` removes a key, anything else (arrays too)
 * replaces. Keys are defined as own properties, so a `__proto__` key is a key like any
 * other (and refused by the config's check), never the object's prototype.
 */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const merged: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else Object.defineProperty(merged, key, { value: mergePatch(Object.hasOwn(merged, key) ? merged[key] : undefined, value), enumerable: true, writable: true, configurable: true });
  }
  return merged;
}
