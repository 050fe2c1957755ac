/**
 * A site's rules draft (docs/api.md#rules-draft): at most one per site, kept in
 * KV under `rules-draft:<site>` with the rules version it was based on, so a draft
 * written before the rules changed again is not published over that change.
 */
import { validateModel, type ScoringModel } from "../../../shared/rules";
import type { Checked } from "../../../shared/validation";
import type { Site } from "./config";

export interface Draft {
  rules: ScoringModel;
  /** The site's rules version when the draft was written. */
  basedOn: number;
  updatedAt: number;
}

const key = (site: string) => `rules-draft:${site}`;

/**
 * Checks `model` as a site PUT checks its `rules` (every bad field named, paths as
 * in the model) and, when it is valid, makes it the site's draft.
 */
export async function putDraft(kv: KVNamespace, site: Site, model: unknown, now: number): Promise<Checked<Draft>> {
  const checked = validateModel(model);
  if (!checked.ok) return checked;
  const draft: Draft = { rules: checked.value, basedOn: site.rulesVersion, updatedAt: now };
  await kv.put(key(site.id), JSON.stringify(draft));
  return { ok: true, value: draft };
}

export async function getDraft(kv: KVNamespace, site: string): Promise<Draft | null> {
  return kv.get<Draft>(key(site), "json");
}

/** Removes the site's draft; false when it had none. */
export async function deleteDraft(kv: KVNamespace, site: string): Promise<boolean> {
  if ((await kv.get(key(site))) === null) return false;
  await kv.delete(key(site));
  return true;
}
