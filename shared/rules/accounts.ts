/**
 * Accounts: the companies a site's people belong to, scored as buying committees.
 *
 * An account is named by its key, and the two kinds never meet:
 *   domain:<email domain>  the leads whose email is at a business domain (acme.com);
 *                          free and disposable mail and the site's own domains never form one
 *   org:<organisation>     anonymous visitors whose requests came from a company's own
 *                          network (the edge's `asOrganization`), never a cloud, host or ISP
 * `domain:acme.com` and `org:acme` are two accounts: nothing ties a network's name to a
 * domain, and a guess would merge strangers.
 *
 * Score: engagement is the sum of the members' engagement (a disqualified member's
 * counts for nothing); fit is the best fit among the members, each judged by the model's
 * fit rules that read company traits only. The account is an MQA once both reach the
 * model's `accountThresholds`.
 */
import { listens } from "./event-types";
import { matches } from "./match";
import { ACCESS_NETWORKS, DATA_CENTRES, type NetworkNames } from "./networks";
import type { Stage } from "../stages";
import type { Dimension, ProfileEvent, Rule, Score, ScoringModel, Traits } from "./types";

export const ACCOUNT_STAGES = ["account", "mqa"] as const;
export type AccountStage = (typeof ACCOUNT_STAGES)[number];

/**
 * Thresholds of a model that names none: the fit a lead needs (one company rule of the
 * default model), and engagement 75, five people with a pricing visit each (15 points),
 * or about four at an MQL's 20.
 */
export const DEFAULT_ACCOUNT_THRESHOLDS = { fit: 10, engagement: 75 } as const;

/** Traits that describe a person's company rather than the person. */
export const COMPANY_TRAITS = ["company", "companySize", "industry", "country", "emailDomain", "emailType"] as const;
const COMPANY_FIELDS: ReadonlySet<string> = new Set(COMPANY_TRAITS.map((trait) => `traits.${trait}`));

// --- which account -----------------------------------------------------------

const HOSTNAME = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/** A lead's account: `domain:<its email domain>` for a business email outside the site's own domains, else null. */
export function leadAccount(traits: Traits, internalDomains: readonly string[]): string | null {
  const domain = traits.emailDomain;
  if (domain === undefined || traits.emailType !== "business" || !HOSTNAME.test(domain)) return null;
  return internalDomains.includes(domain) ? null : `domain:${domain}`;
}

/** An anonymous visitor's account: `org:<name>` when the edge's `asOrganization` names a company, else null. */
export function organizationAccount(asOrganization: string | undefined): string | null {
  const words = asOrganization === undefined ? [] : organizationWords(asOrganization);
  return words.length && !isNetwork(words) ? `org:${words.join(" ")}` : null;
}

/** Legal forms dropped from the end of a name: "Acme, Inc." and "ACME Inc" are one company. */
const LEGAL_FORMS: ReadonlySet<string> = new Set([
  "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation", "co", "company", "plc",
  "gmbh", "mbh", "ag", "kg", "se", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ab", "as", "asa", "aps", "oy",
  "oyj", "pty", "pte", "kk", "sl", "sp", "zoo", "com",
]);
/** Longest name kept in a key: names longer than this are one company by their start. */
const MAX_NAME = 64;

/**
 * The words of an organisation's name as keys compare them: lower case, without accents,
 * dotted abbreviations joined ("S.A." → "sa"), "&" and apostrophes dropped ("AT&T" →
 * "att"), other punctuation a space, legal forms dropped from the end. Empty when the name
 * is only an AS number ("AS13335") or digits.
 */
export function organizationWords(name: string): string[] {
  const words = name.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/\b(\p{L})\.(?=\p{L}\b)/gu, "$1")
    .replace(/[&'’]/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  while (words.length > 1 && LEGAL_FORMS.has(words.at(-1)!)) words.pop();
  if (words.every((word) => /^(as)?\d+$/.test(word))) return [];
  const kept = [words[0]!.slice(0, MAX_NAME)];
  for (const word of words.slice(1)) {
    if (kept.join(" ").length + 1 + word.length > MAX_NAME) break;
    kept.push(word);
  }
  return kept;
}

/** Whether a name (its words) is a network that carries other people's traffic: a data centre's or an access network's (networks.ts). */
export function isNetwork(words: readonly string[]): boolean {
  return isDataCentre(words) || named(words, ACCESS_NETWORKS);
}

/**
 * Whether a name (its words) is a data centre's network, a cloud's or a host's: its addresses
 * are machines', or people's relayed through one. An access network's words win over a
 * data centre's name: "Google Fiber" is an ISP.
 */
export function isDataCentre(words: readonly string[]): boolean {
  return named(words, DATA_CENTRES) && !words.some((word) => ACCESS_NETWORKS.words.has(word));
}

function named(words: readonly string[], kind: NetworkNames): boolean {
  const name = words.join(" ");
  return words.some((word) => kind.words.has(word))
    || kind.phrases.some((phrase) => ` ${name} `.includes(` ${phrase} `))
    || kind.names.some((network) => name === network || name.startsWith(`${network} `));
}

// --- scoring -------------------------------------------------------------------

/** A member as the account holds it: what its profile last reported. */
export interface AccountMember {
  profile: string;
  /** A lead (a known contact) or an anonymous visitor. */
  kind: "lead" | "visitor";
  stage: Stage;
  /** The member's engagement as its profile shows it (never below 0). */
  engagement: number;
  /** Its company traits (companyTraits). */
  traits: Traits;
}

/** One reason for an account's score; a dimension's lines sum to its shown value. */
export interface AccountLine {
  /** `member` (a member's engagement), a fit rule's id, `floor`, or `threshold` (one reached, 0 points). */
  rule: string;
  dimension: Dimension;
  points: number;
  /** The member whose engagement or company traits gave the points. */
  member?: string;
  /** A `threshold` line: the threshold reached. */
  threshold?: number;
}

export interface ScoredAccount extends Score {
  /** Members' engagement (most first), fit lines of the best-fitting member, a line per threshold reached. */
  explanation: AccountLine[];
  qualifies: boolean;
}

/** The company traits among a profile's traits: what it tells its account. */
export function companyTraits(traits: Traits): Traits {
  return Object.fromEntries(COMPANY_TRAITS.flatMap((trait) => (Object.hasOwn(traits, trait) ? [[trait, traits[trait]!]] : [])));
}

/** The model's company rules: fit rules on `identify` whose conditions read company traits only. */
export function companyRules(model: ScoringModel): Rule[] {
  return model.rules.filter((rule) => rule.dimension === "fit" && listens(rule.on, "identify")
    && Object.keys(rule.match ?? {}).every((field) => COMPANY_FIELDS.has(field)));
}

// An identify rule reads the traits only (schema.ts): the event it is judged with is never read.
const JUDGED: ProfileEvent = { id: "", type: "identify", receivedAt: 0, ts: 0, scored: true };

/** The fit lines a company's traits earn under the model's company rules. */
export function companyFit(rules: readonly Rule[], traits: Traits): { rule: string; points: number }[] {
  return rules.filter((rule) => matches(rule.match, JUDGED, traits)).map(({ id, points }) => ({ rule: id, points }));
}

/** The account's score and whether it reaches the model's account thresholds. */
export function scoreAccount(model: ScoringModel, members: readonly AccountMember[]): ScoredAccount {
  const counted = members.filter((m) => m.stage !== "disqualified" && m.engagement > 0)
    .sort((a, b) => b.engagement - a.engagement || (a.profile < b.profile ? -1 : 1));
  const explanation: AccountLine[] = counted.map((m) => ({ rule: "member", dimension: "engagement", points: m.engagement, member: m.profile }));
  const engagement = counted.reduce((sum, m) => sum + m.engagement, 0);

  const rules = companyRules(model);
  let best: { member: string; lines: { rule: string; points: number }[]; sum: number } | null = null;
  for (const member of members) {
    const lines = companyFit(rules, member.traits);
    const sum = lines.reduce((total, line) => total + line.points, 0);
    if (best === null || sum > best.sum) best = { member: member.profile, lines, sum };
  }
  if (best) {
    for (const { rule, points } of best.lines) explanation.push({ rule, dimension: "fit", points, member: best.member });
    if (best.sum < 0) explanation.push({ rule: "floor", dimension: "fit", points: -best.sum });
  }
  const fit = Math.max(0, best?.sum ?? 0);

  const thresholds = model.accountThresholds ?? DEFAULT_ACCOUNT_THRESHOLDS;
  for (const dimension of ["fit", "engagement"] as const) {
    const value = dimension === "fit" ? fit : engagement;
    if (value >= thresholds[dimension]) explanation.push({ rule: "threshold", dimension, points: 0, threshold: thresholds[dimension] });
  }
  return {
    fit, engagement, total: fit + engagement, explanation,
    qualifies: fit >= thresholds.fit && engagement >= thresholds.engagement,
  };
}

/** Scoring moves an account forward only: an MQA stays one when its members' engagement falls or they leave. */
export function scoredAccountStage(current: AccountStage, qualifies: boolean): AccountStage {
  return current === "account" && qualifies ? "mqa" : current;
}
