import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import { Refused } from "../domain/errors";
import { requireScope } from "../http/auth";
import { limitBody, readJson } from "../http/body";
import { ApiError } from "../lib/errors";
import { requireSite } from "../http/site";
import { deleteDraft, getDraft, putDraft } from "../sites/draft";
import { draftOf, publishDraft, rollBack } from "../sites/publish";
import { previewLeads, summarise } from "../sites/preview";
import { authorOf, currentVersion, getVersion, listVersions, NOTE_MAX } from "../sites/versions";

const SAMPLES = 10;
const MAX_SAMPLES = 100;
const PreviewSchema = v.optional(
  v.strictObject({ samples: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_SAMPLES)), SAMPLES) }),
  {},
);

/** A publish's or rollback's body: the rescore's webhooks, and the version's note. */
const ChangeSchema = v.optional(
  v.strictObject({
    notify: v.optional(v.boolean(), false),
    note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(NOTE_MAX, `a note is at most ${NOTE_MAX} characters`), v.transform((note) => note || undefined))),
  }),
  {},
);

const noDraft = () => new ApiError(404, "no_draft", "this site has no rules draft");

/**
 * A site's rules versions and its draft (docs/api.md#rules-versions and the
 * sections after it): every published version is kept; a draft is previewed against every lead, then published as the next
 * version, or the previous version's rules are restored as the next one (versions
 * only rise: a profile never goes back to an older one). Publishing and rolling
 * back rescore every lead after the answer, as `POST …/rescore` does.
 */
export const rules = new Hono<AppEnv>()
  .get("/v1/sites/:site/rules", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    await currentVersion(c.env.SITES, site); // rules older than kept versions are listed too
    return c.json({ current: site.rulesVersion, items: await listVersions(c.env.SITES, site.id) });
  })
  .get("/v1/sites/:site/rules/:version{[0-9]+}", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    const version = await getVersion(c.env.SITES, site.id, Number(c.req.param("version")));
    if (!version) throw new ApiError(404, "unknown_version", "this site keeps no such rules version", "version");
    return c.json(version);
  })
  .put("/v1/sites/:site/rules/draft", requireScope("site:admin"), limitBody(256 * 1024), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    const draft = await putDraft(c.env.SITES, site, await readJson(c, v.unknown()), Date.now());
    if (!draft.ok) throw ApiError.invalid("invalid_rules", draft.issues);
    return c.json(draft.value);
  })
  .get("/v1/sites/:site/rules/draft", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    const draft = await getDraft(c.env.SITES, site.id);
    if (!draft) throw noDraft();
    return c.json(draft);
  })
  .delete("/v1/sites/:site/rules/draft", requireScope("site:admin"), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    if (!(await deleteDraft(c.env.SITES, site.id))) throw noDraft();
    return c.body(null, 204);
  })
  .post("/v1/sites/:site/rules/preview", requireScope("site:admin"), limitBody(1024), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    const { samples } = await readJson(c, PreviewSchema);
    const draft = await draftOf(c.env.SITES, site, "preview");
    const previews = await previewLeads(c.env, site.id, draft.rules, Date.now());
    return c.json({ rulesVersion: site.rulesVersion, basedOn: draft.basedOn, ...summarise(previews, samples ?? SAMPLES) });
  })
  .post("/v1/sites/:site/rules/publish", requireScope("site:admin"), limitBody(1024), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    const { notify, note } = await readJson(c, ChangeSchema);
    const published = await publishDraft(c.env, c.executionCtx, site, notify, Date.now(), { by: authorOf(c.get("caller")), note });
    if (!published.ok) throw new Refused(published);
    return c.json(published.value, 202);
  })
  .post("/v1/sites/:site/rules/rollback", requireScope("site:admin"), limitBody(1024), async (c) => {
    const site = await requireSite(c, c.req.param("site"), { fresh: true });
    const { notify, note } = await readJson(c, ChangeSchema);
    const rolledBack = await rollBack(c.env, c.executionCtx, site, notify, Date.now(), { by: authorOf(c.get("caller")), note });
    if (!rolledBack.ok) throw new Refused(rolledBack);
    return c.json(rolledBack.value, 202);
  });
