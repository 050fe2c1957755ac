/**
 * What a profile tells its account (objects/account.ts), through the profile's outbox:
 * the one message both objects know, so neither imports the other.
 */
import type { AccountMember } from "../../../shared/rules";

/** A member's state as its profile tells it. */
export type MemberState = Omit<AccountMember, "profile">;

/** What a profile tells one of its accounts: its state, or null when it leaves. */
export interface AccountReport {
  site: string;
  account: string;
  seq: number;
  member: MemberState | null;
}
