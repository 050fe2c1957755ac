/**
 * Forwarding visitor → lead: a visitor's events bound for a lead leave in `seq`
 * order, one forward after another, so a lead gets them in order; a failed forward
 * leaves them unsent for the alarm (timers.ts FORWARD_RETRY_MS) and the next batch.
 */
import type { Stage } from "../../../../shared/rules";
import { eventOf, type EventRow } from "../profile-schema";
import { FORWARD_RETRY_MS } from "./timers";
import type { ProfileStore } from "./store";
import { stateOf } from "./views";
import type { ScoringSite } from "../../domain/profile";
import type { ProfileState } from "./types";

/** Events forwarded per call to a lead (a merge may carry a long history). */
const FORWARD_CHUNK = 500;

export class Forwarding {
  /** Forwards to leads run one after another, so a lead gets a visitor's events in order. */
  private forwarding: Promise<unknown> = Promise.resolve();
  /** The lead's stage as the last forward to it answered (none since this instance started: undefined). */
  leadStage: Stage | undefined;
  /** The last forward to a lead failed: the next waits FORWARD_RETRY_MS (timers.ts forwardDue). */
  failed = false;

  /** `visitor`: the object's id; `retryAt`: sets the alarm for a retry. */
  constructor(
    private readonly store: ProfileStore, private readonly env: Env, private readonly visitor: string,
    private readonly retryAt: (at: number) => Promise<void>,
  ) {}

  /** Resolves once the forwards under way are over. */
  settled(): Promise<unknown> {
    return this.forwarding;
  }

  /**
   * Sends the visitor's unsent events to their leads, after any forward already
   * under way; answers the current lead's state. A failure leaves them unsent for
   * the alarm to retry (and the next batch): the lead dedupes what it already has.
   */
  forward(site: ScoringSite, now: number): Promise<ProfileState | null> {
    const run = this.forwarding.then(() => this.sendUnsentEvents(site, now));
    this.forwarding = run.catch(() => undefined);
    return run.then((state) => {
      this.failed = false;
      return state;
    }, async (err) => {
      this.failed = true;
      console.error(`profile: forwarding to a lead failed, retrying later: ${err}`);
      if (!this.store.erased()) await this.retryAt(Date.now() + FORWARD_RETRY_MS);
      return null;
    });
  }

  /** What a browser may see: a verified browser its lead, any other its own state. */
  async shown(now: number, leadState: ProfileState | null): Promise<ProfileState | null> {
    const row = this.store.load();
    if (!row) return null;
    if (row.lead && row.verified) {
      if (leadState) return leadState;
      try {
        const lead = await this.env.PROFILES.getByName(row.lead).state(now);
        if (lead) return lead;
      } catch (err) {
        console.error(`profile: lead unavailable, answering the visitor's own state: ${err}`);
      }
    }
    return stateOf(this.visitor, row, this.store.rules!, now);
  }

  private async sendUnsentEvents(site: ScoringSite, now: number): Promise<ProfileState | null> {
    let state: ProfileState | null = null;
    for (;;) {
      const row = this.store.erased() ? null : this.store.load();
      if (!row?.lead) return state;
      const unsent = this.store.sql.exec<EventRow>(
        "SELECT * FROM events WHERE lead IS NOT NULL AND forwarded = 0 ORDER BY seq LIMIT ?", FORWARD_CHUNK,
      ).toArray();
      if (!unsent.length) return state;
      // Only events bound for the same lead, in order: the next lead waits its turn.
      const lead = unsent[0]!.lead!;
      const other = unsent.findIndex((e) => e.lead !== lead);
      const events = other === -1 ? unsent : unsent.slice(0, other);
      const result = await this.env.PROFILES.getByName(lead).record({
        site, now, events: events.map(eventOf), edgeCountry: row.edgeCountry ?? undefined,
        from: { visitor: this.visitor, verified: row.verified && lead === row.lead },
      });
      if (this.store.erased()) return null;
      this.store.sql.exec("UPDATE events SET forwarded = 1 WHERE lead = ? AND forwarded = 0 AND seq <= ?", lead, events.at(-1)!.seq);
      if (lead === row.lead) {
        state = result.state;
        this.leadStage = result.state?.stage;
      }
    }
  }
}
