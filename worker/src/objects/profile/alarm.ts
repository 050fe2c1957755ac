/**
 * The Profile's one alarm, which serves every timer it has (timers.ts `nextWake`): a lead's
 * next inactivity loss, retention, the MQL service level, its deliveries; a visitor's
 * forward. Kept in memory as last set or read, so scheduling costs no storage read.
 */
import { nextDecayAt } from "../../../../shared/rules";
import type { Outbox } from "../outbox";
import type { Forwarding } from "./forwarding";
import type { ProfileStore } from "./store";
import { forwardDue, nextWake } from "./timers";

export class ProfileAlarm {
  /** The alarm as this object last set or read it (undefined: not known yet; null: none). */
  private at: number | null | undefined;

  constructor(
    private readonly storage: DurableObjectStorage, private readonly store: ProfileStore,
    private readonly outbox: Outbox, private readonly forwarding: () => Forwarding,
  ) {}

  /** Sets the alarm to the earliest timer due, or none. */
  async schedule(now: number): Promise<void> {
    const row = this.store.load();
    const due = nextWake(row, now, {
      decayAt: () => nextDecayAt(this.store.rules!.model, row!.scoring, now),
      unsent: () => this.store.hasUnsentEvents(),
      forwardAt: () => forwardDue(row!.verified, this.forwarding().failed, now, Date.now()),
      oldestArrival: () => this.store.oldestEventArrival(),
      lastStageOrigin: () => this.store.lastStageChange()?.origin,
      outboxDue: () => (this.store.hasPersonPart() ? this.outbox.nextDue() : null),
    });
    if (this.at === undefined) this.at = await this.storage.getAlarm();
    if (due !== this.at) await this.set(due);
  }

  async set(at: number | null): Promise<void> {
    if (at === null) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(at);
    this.at = at;
  }

  /** There is none: it just fired, or the object was just created. */
  spent(): void {
    this.at = null;
  }

  /** Not known any more: the object's storage was reset. */
  forget(): void {
    this.at = undefined;
  }
}
