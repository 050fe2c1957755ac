/**
 * What a profile tells its accounts (objects/account.ts): where the person stands,
 * through the outbox, each report with a seq rising per account. Which reports a
 * change calls for is decided by `reportsDue`, pure.
 */
import { companyTraits, leadAccount, organizationAccount, scoreOf } from "../../../../shared/rules";
import { accountObject } from "../../lib/identity";
import type { AccountReport, MemberState } from "../account-report";
import type { Outbox } from "../outbox";
import type { ProfileRow } from "../profile-schema";
import type { ProfileStore, Rules } from "./store";

/** What the profile last told an account (its `accounts` row): null once it left. */
export interface Told {
  key: string;
  seq: number;
  report: string | null;
}

/**
 * The reports a change calls for, each with its seq, or null when there is none. A
 * lead tells its business domain's account; an anonymous visitor each company network
 * it has been seen from, from its first point of engagement on. A visitor that gave an
 * email leaves them: what it does is its lead's now. Only a change is told.
 */
export function reportsDue(
  row: ProfileRow, rules: Rules, held: readonly Told[], now: number, organization?: string,
): { state: MemberState; reports: Told[] } | null {
  const joins = row.kind === "lead" ? leadAccount(row.scoring.traits, rules.internalDomains)
    : row.lead === null ? organizationAccount(organization) : null;
  const members = held.filter((h) => h.report !== null).map((h) => h.key);
  if (joins === null && !members.length) return null;

  const { engagement } = scoreOf(rules.model, row.scoring, now);
  const wanted = new Set(row.kind === "visitor" && row.lead === null ? members : []);
  if (joins !== null && (row.kind === "lead" || engagement > 0)) wanted.add(joins);
  const state: MemberState = { kind: row.kind, stage: row.stage, engagement, traits: companyTraits(row.scoring.traits) };
  const report = JSON.stringify(state);
  const reports = [
    ...[...wanted].map((key) => ({ key, report })),
    ...held.filter((h) => h.report !== null && !wanted.has(h.key)).map((h) => ({ key: h.key, report: null })),
  ].filter(({ key, report }) => held.find((h) => h.key === key)?.report !== report)
    .map(({ key, report }) => ({ key, report, seq: (held.find((h) => h.key === key)?.seq ?? 0) + 1 }));
  return reports.length ? { state, reports } : null;
}

export class AccountReports {
  /** An erasure is taking the person out of its accounts: nothing more is told them. */
  leaving = false;

  /** `profile`: the object's id; `transaction`: the object's, which forgets its in-memory copy when a change fails. */
  constructor(
    private readonly store: ProfileStore, private readonly outbox: Outbox, private readonly env: Env, private readonly profile: string,
    private readonly transaction: (change: () => void) => void,
  ) {}

  /**
   * Tells the person's accounts (shared/rules/accounts.ts) where it stands (reportsDue),
   * through the outbox, right after the change that caused it (no await between: one
   * commit). Answers whether it queued anything. A visitor from no company's network
   * costs no query.
   */
  tell(now: number, organization?: string): boolean {
    const row = this.store.row;
    if (!row || !this.store.rules || this.leaving) return false;
    const held = this.store.hasPersonPart()
      ? this.store.sql.exec<{ key: string; seq: number; report: string | null }>("SELECT key, seq, report FROM accounts").toArray()
      : [];
    const due = reportsDue(row, this.store.rules, held, now, organization);
    if (!due) return false;

    this.store.ensurePersonPart();
    this.transaction(() => {
      for (const { key, seq, report } of due.reports) {
        this.store.sql.exec("INSERT OR REPLACE INTO accounts (key, seq, report) VALUES (?, ?, ?)", key, seq, report);
        const payload: AccountReport = { site: row.site, account: key, seq, member: report === null ? null : due.state };
        this.outbox.add("account", `${this.profile}.account.${seq}.${key}`, payload, now);
      }
    });
    return true;
  }

  /**
   * Erasure takes the person out of every account it told anything, before its data
   * goes (a failure fails the erasure, which can then be asked again). A report under
   * way lands first; nothing more is told meanwhile.
   */
  async leave(row: ProfileRow): Promise<void> {
    if (!this.store.hasPersonPart()) return;
    const keys = this.store.sql.exec<{ key: string }>("SELECT key FROM accounts").toArray().map((r) => r.key);
    if (!keys.length) return;
    this.leaving = true;
    try {
      await this.outbox.settled();
      for (const key of keys) await accountObject(this.env, row.site, key).erase(row.site, key, this.profile);
    } catch (err) {
      this.leaving = false;
      throw err;
    }
  }
}
