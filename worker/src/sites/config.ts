/**
 * A site's configuration (docs/api.md#put-v1sitessite): what the site owner
 * sends, how it is checked, and the record kept in KV.
 */
import * as v from "valibot";
import { DEFAULT_MODEL, STAGES, validateModel, type ScoringModel, type Stage } from "../../../shared/rules";
import { check, type Checked, type FieldIssue } from "../../../shared/validation";
import { isHttpUrl, parseUrl } from "../../../shared/urls";
import { joinPath } from "../lib/errors";
import type { ScoringSite, StageOrigin } from "../domain/profile";
import { buildCrm, crmStagesOf, CrmInputSchema, publicCrm, type CrmConnections } from "./crm";
import { secret, webhookSecret } from "./secret";

export const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Stage changes a webhook hears of unless it lists its own (docs/api.md#webhooks). */
export const WEBHOOK_STAGES: readonly Stage[] = ["mql", "sql", "opportunity", "customer"];

/**
 * Whether a webhook hears of a change into `to`: into the stages it lists; listing none,
 * into WEBHOOK_STAGES, and an MQL's expiry back to `lead` (sales hold that MQL: they
 * must hear that it was withdrawn).
 */
export function webhookHears(listed: readonly Stage[] | undefined, to: Stage, origin: StageOrigin): boolean {
  return listed ? listed.includes(to) : WEBHOOK_STAGES.includes(to) || origin === "expiry";
}

/** The stages a browser may see when a site names none (docs/api.md#post-v1collect, Identity). */
const DEFAULT_PUBLIC_STAGES: Stage[] = ["visitor", "lead", "mql"];
const DEFAULT_RETENTION_DAYS = 395;

/** The default model (docs/rules.md#the-default-model), checked once: a site created without `rules` gets it. */
export const DEFAULT_SCORING_MODEL: ScoringModel = (() => {
  const checked = validateModel(DEFAULT_MODEL);
  if (!checked.ok) throw new Error("the default model is invalid");
  return checked.value;
})();


const origin = v.pipe(
  v.string(),
  v.check((s) => isHttpUrl(s) && parseUrl(s)!.origin === s,
    "must be an origin such as https://www.example.com (scheme, host and port only)"),
);

const stage = v.picklist(STAGES);

const isLoopback = (host: string) => host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);

const webhookUrl = v.pipe(
  v.string(),
  v.check((s) => {
    const url = parseUrl(s);
    return url?.protocol === "https:" || (url?.protocol === "http:" && isLoopback(url.hostname));
  }, "must be an https URL (http only to a loopback address)"),
);

const SiteInputSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  origins: v.pipe(v.array(origin), v.minLength(1, "must list at least one origin"), v.maxLength(50)),
  rules: v.optional(v.unknown()),
  webhook: v.optional(v.strictObject({
    url: webhookUrl,
    secret: webhookSecret,
    stages: v.optional(v.pipe(v.array(stage), v.minLength(1))),
  })),
  identifySecret: v.optional(secret),
  requireVerified: v.optional(v.boolean(), false),
  publicStages: v.optional(v.pipe(v.array(stage), v.minLength(1)), DEFAULT_PUBLIC_STAGES),
  exclude: v.optional(v.strictObject({
    emailDomains: v.optional(v.pipe(v.array(v.pipe(v.string(), v.toLowerCase(), v.maxLength(253))), v.maxLength(1000)), []),
    ips: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(45))), v.maxLength(1000)), []),
  }), { emailDomains: [], ips: [] }),
  allowBots: v.optional(v.boolean(), false),
  retentionDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650)), DEFAULT_RETENTION_DAYS),
  mqlSlaDays: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365))), null),
  crm: v.optional(CrmInputSchema),
});

type SiteInput = v.InferOutput<typeof SiteInputSchema>;

/** Fields GET shows but a PUT does not set: dropped, so a config read, edited and sent back is valid. */
const READ_ONLY = ["id", "rulesVersion", "dashboardUrl", "createdAt", "updatedAt"];

function withoutReadOnly(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([key]) => !READ_ONLY.includes(key)));
}

/** A site as kept in KV. Secrets are plain here and never leave through the API. */
export interface Site {
  id: string;
  name: string;
  origins: string[];
  model: ScoringModel;
  /** Rises with every change of `rules`; profiles never go back to an older one. */
  rulesVersion: number;
  webhook?: { url: string; secret: string; stages?: Stage[] };
  identifySecret?: string;
  requireVerified: boolean;
  publicStages: Stage[];
  exclude: { emailDomains: string[]; ips: string[] };
  allowBots: boolean;
  retentionDays: number;
  /** Days sales have to touch an MQL before it goes back to `lead` (reason `expired`); null: no limit. Absent in sites from before. */
  mqlSlaDays?: number | null;
  /** Where leads are synced (docs/crm.md). */
  crm?: CrmConnections;
  /** The dashboard's address as the site was last saved through it (the worker's own): CRM records link to their lead's page there. */
  dashboardUrl?: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * Checks a PUT body and builds the record that replaces `previous`: every bad field
 * is named, the rules version rises only when the rules changed, and a secret sent
 * back as `{ "set": true }` keeps its current value.
 */
export function buildSite(id: string, input: unknown, previous: Site | null, now: number): Checked<Site> {
  const checked = check(SiteInputSchema, withoutReadOnly(input));
  const issues: FieldIssue[] = checked.ok ? [] : checked.issues;
  const rulesInput = (input as { rules?: unknown } | null)?.rules;
  let model = DEFAULT_SCORING_MODEL;
  if (rulesInput !== undefined) {
    const rules = validateModel(rulesInput);
    if (rules.ok) model = rules.value;
    else issues.push(...rules.issues.map((i) => ({ path: joinPath("rules", i.path), message: i.message })));
  }
  if (!checked.ok || issues.length) return { ok: false, issues };

  const site: SiteInput = checked.value;
  const keep = (value: SiteInput["identifySecret"], current: string | undefined, path: string) => {
    if (typeof value === "string" || value === undefined) return value;
    if (current === undefined) issues.push({ path, message: "no secret is set yet: send the secret itself" });
    return current;
  };
  const webhook = site.webhook && {
    url: site.webhook.url,
    secret: keep(site.webhook.secret, previous?.webhook?.secret, "webhook.secret")!,
    ...(site.webhook.stages && { stages: site.webhook.stages }),
  };
  const identifySecret = keep(site.identifySecret, previous?.identifySecret, "identifySecret");
  const crm = site.crm && buildCrm(site.crm, previous?.crm, keep);
  if (issues.length) return { ok: false, issues };

  const rulesChanged = !previous || !sameRules(previous.model, model);
  return {
    ok: true,
    value: {
      id,
      name: site.name,
      origins: site.origins,
      model,
      rulesVersion: previous ? previous.rulesVersion + (rulesChanged ? 1 : 0) : 1,
      ...(webhook && { webhook }),
      ...(identifySecret && { identifySecret }),
      requireVerified: site.requireVerified,
      publicStages: site.publicStages,
      exclude: site.exclude,
      allowBots: site.allowBots,
      retentionDays: site.retentionDays,
      mqlSlaDays: site.mqlSlaDays,
      ...(crm && { crm }),
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    },
  };
}

/** Whether two checked models are the same rules (their defaults filled alike, so compared as written). */
export function sameRules(a: ScoringModel, b: ScoringModel): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The site with other rules: a new rules version, as a PUT that changes `rules` makes. */
export function withRules(site: Site, model: ScoringModel, now: number): Site {
  return { ...site, model, rulesVersion: site.rulesVersion + 1, updatedAt: now };
}

/** What a profile needs of its site to score. */
export function scoringSite(site: Site): ScoringSite {
  return {
    id: site.id,
    rulesVersion: site.rulesVersion,
    model: site.model,
    internalDomains: site.exclude.emailDomains,
    webhookStages: site.webhook ? site.webhook.stages ?? WEBHOOK_STAGES : null,
    retentionDays: site.retentionDays,
    mqlSlaDays: site.mqlSlaDays ?? null,
    crmStages: crmStagesOf(site.crm),
  };
}

/** The config as the API shows it: secrets are write-only. */
export function publicSite(site: Site) {
  const { model, webhook, identifySecret, crm, ...rest } = site;
  return {
    ...rest,
    rules: model,
    ...(webhook && { webhook: { ...webhook, secret: { set: true } } }),
    ...(identifySecret && { identifySecret: { set: true } }),
    ...(crm && { crm: publicCrm(crm) }),
  };
}
