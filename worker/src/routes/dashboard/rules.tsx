/**
 * Scoring rules: the live model, the draft editor, preview, publish, versions (docs/dashboard.md).
 * Every route needs `site:admin`, as the rules API does, and goes through the same code as it.
 */
import { type Context, Hono } from "hono";
import * as v from "valibot";
import type { Rule } from "../../../../shared/rules";
import { check } from "../../../../shared/validation";
import type { AppEnv } from "../../app-env";
import { documentOf } from "../../dashboard/layout";
import { RulesPage, type RulesPageData } from "../../dashboard/rules/page";
import {
  modelErrors, modelFields, modelInput, NEW_RULE, postedModel, postedRule, ruleErrors, ruleFields, ruleInput,
  type FieldErrors, type FormBody, type ModelFields, type RuleFields,
} from "../../dashboard/rules/fields";
import { siteInsights } from "../../insights";
import { limitBody } from "../../http/body";
import { diffModels } from "../../sites/diff";
import { deleteDraft, getDraft, putDraft } from "../../sites/draft";
import { nameLeads, previewLeads, summarise } from "../../sites/preview";
import { publishDraft, rollBack, type Refusal } from "../../sites/publish";
import { authorOf, currentVersion, getVersion, listVersions, NOTE_MAX, versionBefore } from "../../sites/versions";
import { pageUrl } from "../../dashboard/layout";
import { access, messagePage, type Access } from "./access";

/** Leads a preview names and explains: those that would move first. */
const SAMPLES = 20;
/** Form posts: a rule with its conditions, or the model's settings, is a few KiB at most. */
const FORM_LIMIT = 32 * 1024;

/** What an action did, by the code its redirect carries: never text from the query. */
const DONE = {
  started: "A draft was started from the live rules.",
  suggested: "Rule insights' suggested points were saved as the draft.",
  added: "The rule was added to the draft.",
  saved: "The rule was saved in the draft.",
  removed: "The rule was removed from the draft.",
  settings: "Thresholds and decay were saved in the draft.",
  discarded: "The draft was discarded.",
  published: "The draft was published as the new rules version: every lead is being rescored.",
  "rolled-back": "The rules were rolled back as a new version: every lead is being rescored.",
} as const;

/** Why an action did nothing, by code (the API's 409 codes, and the dashboard's own). */
const REFUSED = {
  no_draft: "There is no draft: start one from the live rules first.",
  stale_draft: "The draft is based on older rules: save a change to it to base it on the live rules, then publish.",
  unchanged_rules: "The draft holds the live rules: there is nothing to publish.",
  no_previous_version: "There is no earlier kept version to roll back to.",
  no_suggestions: "Rule insights suggest no change: no draft was saved.",
  unknown_rule: "The draft has no such rule any more.",
  long_note: `A note is at most ${NOTE_MAX} characters: nothing was done.`,
} as const;

const Query = v.object({
  edit: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "is not a rule id"))),
  preview: v.optional(v.literal("1", "must be 1")),
  from: v.optional(v.pipe(v.string(), v.regex(/^[0-9]{1,9}$/, "is not a version"), v.transform(Number))),
  to: v.optional(v.pipe(v.string(), v.regex(/^[0-9]{1,9}$/, "is not a version"), v.transform(Number))),
  done: v.optional(v.picklist(Object.keys(DONE) as (keyof typeof DONE)[])),
  refused: v.optional(v.picklist(Object.keys(REFUSED) as (keyof typeof REFUSED)[])),
});

const NoteSchema = v.object({ note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(NOTE_MAX), v.transform((n) => n || undefined))) });

/** The note a publish or rollback form gives its version; null when it is refused (too long). */
async function noteOf(c: Context<AppEnv>): Promise<{ note?: string } | null> {
  const checked = check(NoteSchema, { note: (await form(c)).note });
  return checked.ok ? checked.value : null;
}

type Back = { done: keyof typeof DONE } | { refused: keyof typeof REFUSED | Refusal["code"] };

/** 303 back to the rules page with what the action did, at the card it concerns. */
const back = (c: Context<AppEnv>, site: string, outcome: Back, hash = "#draft") =>
  c.redirect(pageUrl("/dashboard/rules", site, outcome as Record<string, string>, hash), 303);

/** A form refused by the draft's check: the page again, with what was typed and each error beside its field. */
interface Refused {
  rule?: { fields: RuleFields; errors: FieldErrors };
  model?: { fields: ModelFields; errors: FieldErrors };
}

async function rulesPage(c: Context<AppEnv>, found: Access, refused: Refused = {}): Promise<Response> {
  const { site, can } = found;
  const query = check(Query, c.req.query());
  if (!query.ok) return messagePage(c, 400, "Not a valid address", query.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
  const { edit, preview: wantPreview, from, to, done } = query.value;
  const now = Date.now();
  const kv = c.env.SITES;
  const current = await currentVersion(kv, site); // rules older than kept versions are listed too, as the API's listing does
  const [draft, versions] = await Promise.all([getDraft(kv, site.id), listVersions(kv, site.id)]);
  const before = versionBefore(current);
  const [restorable, compared] = await Promise.all([
    before >= 1 ? getVersion(kv, site.id, before) : null,
    from !== undefined && to !== undefined ? Promise.all([getVersion(kv, site.id, from), getVersion(kv, site.id, to)]) : null,
  ]);

  let preview: RulesPageData["preview"] = null;
  if (draft && wantPreview) {
    // A preview asks every lead: only on request.
    const summary = summarise(await previewLeads(c.env, site.id, draft.rules, now), SAMPLES);
    preview = { summary, names: await nameLeads(c.env, site.id, summary.samples.map((p) => p.profile), now) };
  }
  const editing = (): RuleFields | null => {
    if (!draft || edit === undefined) return null;
    if (edit === "new") return NEW_RULE;
    const rule = draft.rules.rules.find((r) => r.id === edit);
    return rule ? ruleFields(rule) : null;
  };
  const ruleForm = refused.rule ?? (editing() && { fields: editing()!, errors: {} });
  const data: RulesPageData = {
    nav: { site: site.id, current: "rules", can },
    site: { id: site.id, name: site.name, rulesVersion: site.rulesVersion, model: site.model },
    notice: done && DONE[done],
    refusal: query.value.refused && REFUSED[query.value.refused],
    draft: draft && {
      draft,
      diff: diffModels(site.model, draft.rules),
      rule: ruleForm,
      model: refused.model ?? { fields: modelFields(draft.rules), errors: {} },
    },
    preview,
    history: {
      site: site.id,
      current: site.rulesVersion,
      versions,
      restores: restorable ? before : null,
      compared: compared?.[0] && compared[1] ? { from: compared[0].version, to: compared[1].version, diff: diffModels(compared[0].rules, compared[1].rules) } : null,
    },
  };
  return c.html(documentOf(<RulesPage {...data} />), refused.rule || refused.model ? 400 : 200);
}

const form = (c: Context<AppEnv>) => c.req.parseBody({ all: true }) as Promise<FormBody>;

export const rulesPages = new Hono<AppEnv>()
  .get("/dashboard/rules", async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    return rulesPage(c, found);
  })
  .post("/dashboard/rules/draft/start", limitBody(1024), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const saved = await putDraft(c.env.SITES, found.site, found.site.model, Date.now());
    if (!saved.ok) throw new Error(`the live rules failed validation: ${JSON.stringify(saved.issues)}`);
    return back(c, found.site.id, { done: "started" });
  })
  // Rule insights' suggested points become the site's rules draft (it replaces any other).
  .post("/dashboard/rules/draft", limitBody(1024), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const { suggested, suggestedRules } = await siteInsights(c.env.SITES, found.site);
    if (!suggested.length) return back(c, found.site.id, { refused: "no_suggestions" });
    const saved = await putDraft(c.env.SITES, found.site, suggestedRules, Date.now());
    if (!saved.ok) throw new Error(`suggested rules failed validation: ${JSON.stringify(saved.issues)}`);
    return back(c, found.site.id, { done: "suggested" });
  })
  .post("/dashboard/rules/draft/rule", limitBody(FORM_LIMIT), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const fields = postedRule(await form(c));
    const draft = await getDraft(c.env.SITES, found.site.id);
    if (!draft) return back(c, found.site.id, { refused: "no_draft" });
    const rules: unknown[] = [...draft.rules.rules];
    const at = fields.original ? draft.rules.rules.findIndex((r) => r.id === fields.original) : rules.length;
    if (at < 0) return back(c, found.site.id, { refused: "unknown_rule" });
    rules[at] = ruleInput(fields);
    const saved = await putDraft(c.env.SITES, found.site, { ...draft.rules, rules }, Date.now());
    if (!saved.ok) return rulesPage(c, found, { rule: { fields, errors: ruleErrors(saved.issues, at, fields) } });
    return back(c, found.site.id, { done: fields.original ? "saved" : "added" });
  })
  .post("/dashboard/rules/draft/remove", limitBody(1024), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const id = (await form(c)).id;
    const draft = await getDraft(c.env.SITES, found.site.id);
    if (!draft) return back(c, found.site.id, { refused: "no_draft" });
    const rules = draft.rules.rules.filter((r: Rule) => r.id !== id);
    if (rules.length === draft.rules.rules.length) return back(c, found.site.id, { refused: "unknown_rule" });
    const saved = await putDraft(c.env.SITES, found.site, { ...draft.rules, rules }, Date.now());
    if (!saved.ok) throw new Error(`a draft without a rule failed validation: ${JSON.stringify(saved.issues)}`);
    return back(c, found.site.id, { done: "removed" });
  })
  .post("/dashboard/rules/draft/model", limitBody(FORM_LIMIT), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const fields = postedModel(await form(c));
    const draft = await getDraft(c.env.SITES, found.site.id);
    if (!draft) return back(c, found.site.id, { refused: "no_draft" });
    const saved = await putDraft(c.env.SITES, found.site, modelInput(draft.rules, fields), Date.now());
    if (!saved.ok) return rulesPage(c, found, { model: { fields, errors: modelErrors(saved.issues, fields) } });
    return back(c, found.site.id, { done: "settings" });
  })
  .post("/dashboard/rules/draft/discard", limitBody(1024), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    if (!(await deleteDraft(c.env.SITES, found.site.id))) return back(c, found.site.id, { refused: "no_draft" });
    return back(c, found.site.id, { done: "discarded" });
  })
  .post("/dashboard/rules/publish", limitBody(4096), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const author = await noteOf(c);
    if (!author) return back(c, found.site.id, { refused: "long_note" });
    // Without webhooks for the rescore's changes, as the API's default.
    const published = await publishDraft(c.env, c.executionCtx, found.site, false, Date.now(), { by: authorOf(found.caller), ...author });
    if (!published.ok) return back(c, found.site.id, { refused: published.code });
    return back(c, found.site.id, { done: "published" }, "#versions");
  })
  .post("/dashboard/rules/rollback", limitBody(4096), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const author = await noteOf(c);
    if (!author) return back(c, found.site.id, { refused: "long_note" }, "#versions");
    const rolledBack = await rollBack(c.env, c.executionCtx, found.site, false, Date.now(), { by: authorOf(found.caller), ...author });
    if (!rolledBack.ok) return back(c, found.site.id, { refused: rolledBack.code }, "#versions");
    return back(c, found.site.id, { done: "rolled-back" }, "#versions");
  });
