/**
 * The export record of an account: what `GET /v1/sites/:site/accounts` lists and
 * `account.stage_changed` carries. Pure: built from what the account object holds.
 */
import { isQualified, type AccountLine, type AccountMember, type AccountStage, type ScoredAccount, type Score } from "../../../shared/rules";

export interface AccountRecord {
  /** The account's key: `domain:acme.com` (leads) or `org:acme` (anonymous visitors from its network). */
  account: string;
  site: string;
  kind: "domain" | "org";
  /** The domain, or the organisation's name as keys write it. */
  name: string;
  stage: AccountStage;
  score: Score;
  /** Each member's engagement, the best member's company fit, a line per account threshold reached. */
  explanation: AccountLine[];
  /** Members: leads and anonymous visitors, and how many of them are MQLs or later. */
  members: { count: number; leads: number; anonymous: number; mqls: number };
  mqaAt: string | null;
  firstSeenAt: string;
  rulesVersion: number;
  updatedAt: string;
}

export interface AccountRecordInput {
  key: string;
  site: string;
  stage: AccountStage;
  scored: ScoredAccount;
  members: readonly AccountMember[];
  mqaAt: number | null;
  firstSeenAt: number;
  rulesVersion: number;
  updatedAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function accountRecord(input: AccountRecordInput): AccountRecord {
  const { scored, members } = input;
  const leads = members.filter((m) => m.kind === "lead").length;
  const separator = input.key.indexOf(":");
  return {
    account: input.key,
    site: input.site,
    kind: input.key.slice(0, separator) as AccountRecord["kind"],
    name: input.key.slice(separator + 1),
    stage: input.stage,
    score: { fit: scored.fit, engagement: scored.engagement, total: scored.total },
    explanation: scored.explanation,
    members: { count: members.length, leads, anonymous: members.length - leads, mqls: members.filter((m) => isQualified(m.stage)).length },
    mqaAt: input.mqaAt === null ? null : iso(input.mqaAt),
    firstSeenAt: iso(input.firstSeenAt),
    rulesVersion: input.rulesVersion,
    updatedAt: iso(input.updatedAt),
  };
}
