/**
 * Publishing a site's rules draft and rolling back (docs/api.md, `POST …/rules/publish`
 * and `…/rollback`, and the dashboard's rules page): either makes the next rules version,
 * keeps it, and rescores every lead after the answer, as `POST …/rescore` does. A refusal
 * is an answer, not an error: the API throws it as Refused (a 409), the dashboard shows a notice.
 */
import { Refused } from "../domain/errors";
import { sameRules, withRules, type Site } from "./config";
import { deleteDraft, getDraft, type Draft } from "./draft";
import { rescoreLater, startRescore, type RescoreJob } from "./rescore";
import { currentVersion, getVersion, publishVersion, versionBefore, type VersionAuthor, type VersionSummary } from "./versions";

/** Why a publish or a rollback made no version (docs/api.md, errors). */
export interface Refusal {
  ok: false;
  code: "no_draft" | "stale_draft" | "unchanged_rules" | "no_previous_version";
  message: string;
}

export type Published = { ok: true; value: VersionSummary & { rescore: RescoreJob } } | Refusal;

const noDraft = (site: Site, action: string): Refusal => ({
  ok: false, code: "no_draft", message: `there is no draft to ${action}: PUT /v1/sites/${site.id}/rules/draft first`,
});

/** The site's draft; Refused when there is none to act on. */
export async function draftOf(kv: KVNamespace, site: Site, action: string): Promise<Draft> {
  const draft = await getDraft(kv, site.id);
  if (!draft) throw new Refused(noDraft(site, action));
  return draft;
}

/** Publishes the draft of `site` (as read fresh); refused when there is none, it is stale, or it changes nothing. */
export async function publishDraft(
  env: Env, ctx: ExecutionContext, site: Site, notify: boolean, now: number, author: VersionAuthor,
): Promise<Published> {
  const draft = await getDraft(env.SITES, site.id);
  if (!draft) return noDraft(site, "publish");
  if (draft.basedOn !== site.rulesVersion) {
    return { ok: false, code: "stale_draft", message: `the draft is based on rules version ${draft.basedOn}, and the rules are now at version ${site.rulesVersion}: PUT the draft again to base it on them` };
  }
  if (sameRules(draft.rules, site.model)) return { ok: false, code: "unchanged_rules", message: "the draft holds the current rules: there is nothing to publish" };
  await currentVersion(env.SITES, site); // so that a rollback finds it
  const published = withRules(site, draft.rules, now);
  const version = await publishVersion(env.SITES, published, { origin: "publish" }, author);
  await deleteDraft(env.SITES, site.id);
  const job = startRescore(published, notify, now);
  rescoreLater(ctx, env, published, job);
  return { ok: true, value: { ...version, rescore: job } };
}

/** Restores the rules of the version before the current one as the next version; refused when there is none kept. */
export async function rollBack(
  env: Env, ctx: ExecutionContext, site: Site, notify: boolean, now: number, author: VersionAuthor,
): Promise<Published> {
  const restores = versionBefore(await currentVersion(env.SITES, site));
  const restored = restores >= 1 ? await getVersion(env.SITES, site.id, restores) : null;
  if (!restored) {
    return {
      ok: false, code: "no_previous_version", message: restores >= 1
        ? `rules version ${restores}, the one to restore, was published before versions were kept`
        : `rules version ${restores + 1} is the site's first: there are no earlier rules to restore`,
    };
  }
  const rollback = { rolledBack: site.rulesVersion, restores };
  const published = withRules(site, restored.rules, now);
  const version = await publishVersion(env.SITES, published, { origin: "rollback", ...rollback }, author);
  const job = startRescore(published, notify, now, rollback);
  rescoreLater(ctx, env, published, job);
  return { ok: true, value: { ...version, rescore: job } };
}
