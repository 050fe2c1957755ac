/**
 * Publishing a site's rules draft (CONTRACT §7 `POST …/rules/publish`, and the
 * dashboard's button): the draft becomes the next rules version, is kept, and
 * every lead is rescored after the answer, as `POST …/rescore` does.
 */
import { ApiError } from "../lib/errors";
import { sameRules, withRules, type Site } from "./config";
import { deleteDraft, getDraft, type Draft } from "./draft";
import { rescoreLater, startRescore, type RescoreJob } from "./rescore";
import { currentVersion, publishVersion, type VersionSummary } from "./versions";

/** The site's draft, or 409 when there is none to act on. */
export async function draftOf(kv: KVNamespace, site: Site, action: string): Promise<Draft> {
  const draft = await getDraft(kv, site.id);
  if (!draft) throw new ApiError(409, "no_draft", `there is no draft to ${action}: PUT /v1/sites/${site.id}/rules/draft first`);
  return draft;
}

/** Publishes the draft of `site` (as read fresh); 409 when there is none, it is stale, or it changes nothing. */
export async function publishDraft(
  env: Env, ctx: ExecutionContext, site: Site, notify: boolean, now: number,
): Promise<VersionSummary & { rescore: RescoreJob }> {
  const draft = await draftOf(env.SITES, site, "publish");
  if (draft.basedOn !== site.rulesVersion) {
    throw new ApiError(409, "stale_draft", `the draft is based on rules version ${draft.basedOn}, and the rules are now at version ${site.rulesVersion}: PUT the draft again to base it on them`);
  }
  if (sameRules(draft.rules, site.model)) throw new ApiError(409, "unchanged_rules", "the draft holds the current rules: there is nothing to publish");
  await currentVersion(env.SITES, site); // so that a rollback finds it
  const published = withRules(site, draft.rules, now);
  const version = await publishVersion(env.SITES, published, { origin: "publish" });
  await deleteDraft(env.SITES, site.id);
  const job = startRescore(published, notify, now);
  rescoreLater(ctx, env, published, job);
  return { ...version, rescore: job };
}
