/**
 * The export record of a lead (docs/api.md#mql-export): what a CRM imports for an MQL, in the
 * MQL export, the CSV and every webhook. Pure: built from what the profile holds.
 */
import type { ExplanationLine, ProfileEvent, Score, Stage, Traits, TraitValue } from "../../../shared/rules";
import { isCustomTrait } from "../../../shared/traits";
import { parseUrl } from "../../../shared/urls";

const CLICK_IDS = ["gclid", "fbclid", "li_fat_id", "msclkid"] as const;

/** Where a person first came from: the first page they viewed. */
export interface Source {
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  /** The referrer's domain. */
  referrer: string | null;
  landing: string | null;
}

/** What of a lead only claims gave (docs/api.md, Trust model). */
export interface Claims {
  /** The traits that only browsers claiming the email set: no server or verified browser vouched for them. */
  claimedTraits: string[];
  /** How many of the lead's kept events such browsers sent. */
  claimedEvents: number;
}

export interface ExportRecord {
  profile: string;
  email: string | null;
  /** The named traits as they were given: a text, a number (`companySize: 1000`) or a boolean. */
  firstName: TraitValue | null;
  lastName: TraitValue | null;
  company: TraitValue | null;
  title: TraitValue | null;
  phone: TraitValue | null;
  companySize: TraitValue | null;
  industry: TraitValue | null;
  country: string | null;
  /** The site's own traits (identify and the events API), by key: the CSV has no column for them. */
  customTraits: Record<string, TraitValue>;
  score: Score;
  reasons: { rule: string; points: number }[];
  stage: Stage;
  mqlAt: string | null;
  firstSeenAt: string;
  timeToMqlSeconds: number | null;
  source: Source | null;
  clickIds: Partial<Record<(typeof CLICK_IDS)[number], string>>;
  lastTouch: { url: string; at: string } | null;
  /** A trusted source vouched for the email: a server event, or a browser whose identify the site signed. */
  verified: boolean;
  /** What only claims gave (Claims): absent from records written before claims were told apart. */
  claimedTraits: string[];
  claimedEvents: number;
  /** The script sends nothing before consent where the site asks for it: every event held was consented to. */
  consent: boolean;
  /** The lead's account (`domain:acme.com`), or null for free, disposable and the site's own mail. */
  account: string | null;
  rulesVersion: number;
  updatedAt: string;
}

export interface RecordInput {
  profile: string;
  traits: Traits;
  score: Score;
  explanation: ExplanationLine[];
  stage: Stage;
  mqlAt: number | null;
  firstSeenAt: number;
  firstTouch: ProfileEvent | null;
  lastTouch: ProfileEvent | null;
  verified: boolean;
  claimed: Claims;
  account: string | null;
  rulesVersion: number;
  updatedAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function exportRecord(input: RecordInput): ExportRecord {
  const { traits } = input;
  const [first, ...rest] = String(traits.name ?? "").trim().split(/\s+/);
  const reasons = new Map<string, number>();
  for (const line of input.explanation) reasons.set(line.rule, (reasons.get(line.rule) ?? 0) + line.points);
  return {
    profile: input.profile,
    email: traits.email ?? null,
    firstName: traits.firstName ?? (first || null),
    lastName: traits.lastName ?? (rest.join(" ") || null),
    company: traits.company ?? null,
    title: traits.title ?? null,
    phone: traits.phone ?? null,
    companySize: traits.companySize ?? null,
    industry: traits.industry ?? null,
    country: traits.country ?? null,
    customTraits: Object.fromEntries(Object.entries(traits).filter(([key]) => isCustomTrait(key))),
    score: input.score,
    reasons: [...reasons].map(([rule, points]) => ({ rule, points })),
    stage: input.stage,
    mqlAt: input.mqlAt === null ? null : iso(input.mqlAt),
    firstSeenAt: iso(input.firstSeenAt),
    timeToMqlSeconds: input.mqlAt === null ? null : Math.max(0, Math.round((input.mqlAt - input.firstSeenAt) / 1000)),
    source: input.firstTouch && sourceOf(input.firstTouch),
    clickIds: clickIdsOf(input.firstTouch),
    lastTouch: input.lastTouch?.url ? { url: input.lastTouch.url, at: iso(input.lastTouch.receivedAt) } : null,
    verified: input.verified,
    ...input.claimed,
    consent: true,
    account: input.account,
    rulesVersion: input.rulesVersion,
    updatedAt: iso(input.updatedAt),
  };
}

/** The record's reasons in one line, as the CSV and the CRMs show them: `demo_request +25; decay -5`. */
export function reasonsText(record: Pick<ExportRecord, "reasons">): string {
  return record.reasons.map(({ rule, points }) => `${rule} ${points >= 0 ? "+" : ""}${points}`).join("; ");
}

/** First-touch source of a page view: its utm tags (as the script sends them, or in its URL), referrer domain, landing page. */
export function sourceOf(event: ProfileEvent): Source {
  const url = event.url ? parseUrl(event.url) : null;
  const props = event.props ?? {};
  const tag = (name: string) => (typeof props[name] === "string" ? props[name] as string : url?.searchParams.get(name) ?? null);
  const ref = typeof props.ref === "string" ? parseUrl(props.ref)?.hostname ?? null : null;
  const landing = typeof props.landing === "string" ? props.landing : event.url ?? null;
  return { utm_source: tag("utm_source"), utm_medium: tag("utm_medium"), utm_campaign: tag("utm_campaign"), referrer: ref, landing };
}

function clickIdsOf(event: ProfileEvent | null): ExportRecord["clickIds"] {
  const url = event?.url ? parseUrl(event.url) : null;
  const ids: ExportRecord["clickIds"] = {};
  for (const name of CLICK_IDS) {
    const value = url?.searchParams.get(name);
    if (value) ids[name] = value;
  }
  return ids;
}
