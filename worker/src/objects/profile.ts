/**
 * Profile: one person as a site knows them, a Durable Object with SQLite storage.
 * Two kinds, one class (names in lib/identity.ts):
 *   visitor  one per (site, visitor id): what one browser did. It scores its own
 *            events (what an unverified browser is shown) and, from the first email
 *            it gives, forwards its events to that email's lead, oldest first.
 *   lead     one per (site, keyed hash of the email): what every browser that gave
 *            the email did, and the server's events about it. Sales sees leads.
 *
 * Storage (profile-schema.ts; migrations versioned in `meta`, or by the tables alone
 * for an object created without it, as new anonymous visitors are):
 *   profile   one row: kind, site, stage, scoring state (shared/rules), first and
 *             last activity, the country first seen at the edge, mqlAt; a visitor's
 *             current lead and whether that identity was verified; what events
 *             past the site's retention left behind (`folded`)
 *   model     one row: the rules version in use, its model and internal domains
 *   events    every accepted event, once per id. Arrival order is (received_at, seq).
 *             A visitor's rows name the lead they belong to; `forwarded = 0` rows
 *             with a lead are still to be sent there. A lead's rows from a visitor
 *             whose link is a claim are `claimed` (docs/api.md, Trust model)
 *   meta      schema versions; `erased_at` once a visitor was erased (its tombstone:
 *             then the only table)
 * and the person part, created when an object first acts as a lead, changes stage or
 * joins its company's account (an anonymous visitor of no company does none of these):
 *   stages    every stage entered: when, and why (scoring, feedback, rescore, expiry)
 *   visitors  a lead's merged visitors (object ids), so erasing reaches them all,
 *             and whether each was ever verified for it
 *   outbox    a lead's webhooks and export records, written with the stage change
 *             that caused them, and what a profile tells its accounts, delivered
 *             by the alarm (outbox.ts)
 *   accounts  the accounts (objects/account.ts) the profile told its state: what it
 *             last told each, and that report's seq (null once it left)
 *
 * Invariants:
 *   - an event id is stored at most once; a duplicate changes nothing
 *   - the scoring state equals a replay, in arrival order, of the events of the
 *     profile's current person (a visitor: those naming its current lead), each with
 *     its claimed mark, under `model`, starting from `folded`, with the recycles sales
 *     asked for; decay settled by the alarm aside
 *   - the model never goes back to an older rules version than the profile has seen
 *   - scoring moves the stage forward only (a rollback's demotion aside: stages.ts);
 *     `stages` records every change
 *   - a visitor's events reach each lead in arrival order, each at least once (the
 *     lead dedupes): two emails are two leads, and what came before the second
 *     email stays with the first
 *   - a lead's `verified` is true once a server event or a verified visitor's batch
 *     reached it, never from a claim; a claim never replaces a trait such a source set
 *   - a lead's stage change, its export record and its webhook are written in one
 *     transaction; each leaves at least once, export records in order
 *   - a change of what a profile tells its account (stage, engagement, company
 *     traits) is written with the change that caused it and reaches the account at
 *     least once, in order, with a seq rising per account; erasing the person
 *     removes it from every account before its data goes
 *   - a batch is applied in one storage transaction, and answered once durable
 *
 * State changes go through `collect` (a browser's batch), `record` (a lead's
 * events), `feedback`, `rescore`, `wake` (the alarm), `erase` and `withdraw` (a
 * claimed visitor's erasure, at its lead).
 *
 * This class holds the RPC surface and the transaction boundaries; its parts, in
 * objects/profile/: store.ts (schema, row, rules), ingest.ts (dedupe, store, score,
 * link identity), scoring.ts (rules versions, replay, retention), stage-changes.ts
 * (advance, demote, expire) with messages.ts (what they send), forwarding.ts (visitor
 * → lead), accounts.ts (reports to accounts), listing.ts (registry, cohort),
 * erasure.ts, crm.ts (what a lead queues for its CRMs and keeps of them), timers.ts
 * (nextWake) with alarm.ts (the one alarm), views.ts, types.ts (what the RPC methods take).
 */
import { DurableObject } from "cloudflare:workers";
import { isQualified, settleDecay, type ScoringModel, type Stage } from "../../../shared/rules";
import { scoringSite } from "../sites/config";
import { getSite } from "../sites/store";
import { leadSummary } from "../sites/leads";
import { clearFailure } from "../webhooks/failed";
import { disenrol } from "./enrolment";
import { setMeta } from "./migrate";
import { accountCourier, crmCourier, exportCourier, metricsCourier, webhookCourier } from "./couriers";
import { Outbox } from "./outbox";
import { saveRow, type ProfileKind, type ProfileRow } from "./profile-schema";
import { ProfileStore, rulesOf } from "./profile/store";
import type { Cause } from "./profile/messages";
import { AccountReports } from "./profile/accounts";
import { CrmSyncs } from "./profile/crm";
import { announceErasure, eraseAtLead, eraseLeadElsewhere } from "./profile/erasure";
import { Forwarding } from "./profile/forwarding";
import { Ingest } from "./profile/ingest";
import { joinCohort, listLead } from "./profile/listing";
import { detailsOf, linksOf, previewOf, stateOf } from "./profile/views";
import { ProfileScoring } from "./profile/scoring";
import { quietRescore, StageChanges } from "./profile/stage-changes";
import { ProfileAlarm } from "./profile/alarm";
import { slaDue } from "./profile/timers";
import type { LeadPreview, Rollback, ScoringSite } from "../domain/profile";
import type { Batch, BatchResult, CrmSync, Feedback, LeadBatch, LeadLinks, ProfileDetails, ProfileState } from "./profile/types";

export class Profile extends DurableObject<Env> {
  private readonly store = new ProfileStore(this.ctx.storage, () => this.timer.spent());
  private readonly sql = this.store.sql;
  private readonly outbox: Outbox = new Outbox(this.sql, {
    webhook: webhookCourier(this.env, () => ({ profile: this.ctx.id.toString() })),
    export: exportCourier(this.env),
    metrics: metricsCourier(this.env),
    // Kept, not sent: the erasure under way tells the accounts itself, and then deletes it.
    account: accountCourier(this.env, this.ctx.id.toString(), () => (this.accounts.leaving ? "the person is being erased" : null)),
    hubspot: crmCourier(this.env, "hubspot", () => this.crm, this.ctx.id.toString()),
    salesforce: crmCourier(this.env, "salesforce", () => this.crm, this.ctx.id.toString()),
  });
  private readonly crm = new CrmSyncs(this.store, this.outbox, this.ctx.id.toString());
  private readonly stages = new StageChanges(this.store, this.outbox, this.crm, this.ctx.id.toString());
  private readonly scoring = new ProfileScoring(this.store, this.stages, this.env.SITES, (change) => this.transaction(change));
  private readonly ingest = new Ingest(this.store, this.stages, this.scoring, (change) => this.transaction(change));
  private readonly accounts = new AccountReports(this.store, this.outbox, this.env, this.ctx.id.toString(), (change) => this.transaction(change));
  private readonly forwarding: Forwarding = new Forwarding(this.store, this.env, this.ctx.id.toString(), (at) => this.timer.set(at));
  private readonly timer: ProfileAlarm = new ProfileAlarm(this.ctx.storage, this.store, this.outbox, () => this.forwarding);

  // --- a browser's batch (visitor objects) ---------------------------------

  /** Applies a browser's batch, forwards it to the visitor's lead (a claimed browser's after the answer), and answers what the browser may see. */
  async collect(batch: Batch): Promise<BatchResult> {
    if (this.store.erased()) return { state: null, accepted: 0, duplicates: 0, reset: true };
    const row = this.store.load();
    const retentionDays = row?.retentionDays;
    if (row && !this.store.rules && row.rulesVersion > batch.site.rulesVersion) {
      // This isolate's config lags the version the profile scored with, whose model it does not keep.
      const site = await getSite(this.env.SITES, row.site, { fresh: true });
      if (site) batch = { ...batch, site: { ...batch.site, ...rulesOf(scoringSite(site)) } };
    }
    // A new visitor's retention is its cohort's to keep: listed first, its row says so from the start.
    const listed = row === null && (await joinCohort(this.env, batch.site.id, batch.now, { profile: this.ctx.id.toString(), retentionDays: batch.site.retentionDays }));
    const { activity, ...counts } = this.ingest.apply("visitor", batch, listed);
    const told = this.accounts.tell(batch.now, batch.edgeOrganization);
    // A shorter retention than the cohort heard: it must hear it, or the visitor keeps its own timer.
    const shortened = row?.inCohort === true && row.retentionDays < retentionDays!;
    if (shortened && !(await joinCohort(this.env, row.site, row.firstSeenAt, { profile: this.ctx.id.toString(), retentionDays: row.retentionDays }))) {
      row.inCohort = false;
      this.transaction(() => saveRow(this.sql, row));
    }
    // A browser that only claimed its lead's email is answered its own state, which needs nothing
    // of the lead: its events go on from its alarm, due at once, after the answer has gone, so
    // how long the answer takes tells nothing of the lead (docs/api.md, Trust model).
    const claimed = this.store.row!.lead !== null && !this.store.row!.verified;
    // A visitor not listed keeps its own timers: its retention's too, which new events may need.
    if (claimed || !this.store.row!.inCohort || activity.firstSeen || told || shortened) await this.timer.schedule(batch.now);
    const leadState = claimed ? null : await this.forwarding.forward(batch.site, batch.now);
    const state = await this.forwarding.shown(batch.now, leadState);
    // The person's stage: its lead's (a claimed browser's as its last forward left it), or its own.
    const qualified = isQualified(leadState?.stage ?? (this.store.row!.lead ? this.forwarding.leadStage : undefined) ?? this.store.row!.stage);
    return { state, ...counts, activity: { ...activity, qualified }, profileId: this.ctx.id.toString() };
  }

  /** What the browser may see now (GET /v1/stage): a verified browser its lead, any other itself. */
  async seen(now: number): Promise<{ state: ProfileState | null; reset?: true }> {
    if (this.store.erased()) return { state: null, reset: true };
    const row = this.store.load();
    if (row) await this.scoring.rulesNow(row, now);
    return { state: await this.forwarding.shown(now, null) };
  }

  // --- a lead's events -----------------------------------------------------

  /** Applies events to a lead: a visitor's forwarded history and batches, or server events. */
  async record(batch: LeadBatch): Promise<BatchResult> {
    const held = this.store.load();
    const listed = held && JSON.stringify(leadSummary(held.scoring.traits));
    const { activity, ...counts } = this.ingest.apply("lead", batch);
    this.accounts.tell(batch.now);
    const row = this.store.row!;
    await listLead(this.env.SITES, this.sql, this.ctx.id.toString(), row, listed);
    await this.timer.schedule(batch.now);
    this.deliverNow(batch.now);
    const state = stateOf(this.ctx.id.toString(), row, this.store.rules!, batch.now);
    return { state, ...counts, activity: { ...activity, qualified: isQualified(state.stage) }, profileId: this.ctx.id.toString() };
  }

  // --- sales and operations ------------------------------------------------

  /** Own state now, or null for a profile that holds nothing. */
  state(now: number): ProfileState | null {
    const row = this.store.load();
    return row ? stateOf(this.ctx.id.toString(), row, this.store.rules!, now) : null;
  }

  /** Moves the stage where sales say (anywhere); `lead` recycles the profile to nurture. */
  async feedback(site: ScoringSite, item: Feedback, now: number): Promise<{ from: Stage; to: Stage } | null> {
    const row = this.heldFor(site.id);
    if (!row) return null;
    const from = row.stage;
    this.transaction(() => {
      const rules = this.scoring.rulesFor(row, site, now, quietRescore(now));
      this.stages.move(row, item, rules.model, now);
      saveRow(this.sql, row);
    });
    this.accounts.tell(now);
    await this.timer.schedule(now);
    return { from, to: row.stage };
  }

  /**
   * Rescores with the site's current rules (never an older version), as `POST
   * …/rescore` asks; its stage changes reach the webhook only when it says `notify`.
   * A rollback's rescore also demotes an MQL that only a rescore made (stages.ts).
   */
  async rescore(
    site: ScoringSite, now: number, { notify = false, rollback }: { notify?: boolean; rollback?: Rollback } = {},
  ): Promise<{ from: Stage; to: Stage; rulesVersion: number } | null> {
    const row = this.heldFor(site.id);
    if (!row) return null;
    const from = row.stage;
    this.transaction(() => {
      const cause: Cause = { origin: "rescore", notify, at: now };
      const rules = this.scoring.rulesFor(row, site, now, cause);
      // Also when the lead met the restored rules before this rescore reached it; never under a later version's.
      if (rollback && rules.rulesVersion === site.rulesVersion) this.stages.demote(row, rules.model, now, cause, rollback);
      saveRow(this.sql, row);
    });
    this.accounts.tell(now);
    await this.timer.schedule(now);
    return { from, to: row.stage, rulesVersion: this.store.rules!.rulesVersion };
  }

  /**
   * What a rescore with `model` would make of this lead, writing nothing: the same
   * replay and the same stage logic as `rescore` (a draft's preview). Null when the
   * object is no lead of `site`.
   */
  preview(site: string, model: ScoringModel, now: number): LeadPreview | null {
    const row = this.heldFor(site, "lead");
    return row && previewOf(this.store, this.ctx.id.toString(), row, this.store.rules!, model, now);
  }

  /** The profile as the profile API shows it, or null when it holds nothing of `site`. */
  async details(site: string, now: number): Promise<ProfileDetails | null> {
    const row = this.heldFor(site);
    if (!row) return null;
    await this.scoring.rulesNow(row, now);
    return detailsOf(this.store, this.ctx.id.toString(), row, this.store.rules!, now);
  }

  /**
   * What a lead is linked to (the dashboard's lead page): the browsers merged into it, each
   * verified or only claimed, whether it is in the MQL export, its webhooks not yet delivered.
   * Null when the object is no lead of `site`.
   */
  links(site: string): LeadLinks | null {
    const row = this.heldFor(site, "lead");
    return row && linksOf(this.store, row, this.outbox.waiting("webhook"), this.crm.list());
  }

  /** Sync now (docs/crm.md): the lead as it stands, to every CRM its site connects; answers what each holds after. Null when no lead of `site`. */
  async syncCrm(site: string, now: number): Promise<CrmSync[] | null> {
    const row = this.heldFor(site, "lead");
    if (!row) return null;
    const { model } = await this.scoring.rulesNow(row, now);
    this.transaction(() => {
      this.store.ensurePersonPart();
      this.crm.queueNow(row.site, row.stage, this.stages.exportRecordOf(row, model, now), now);
    });
    await this.deliver(now);
    await this.timer.schedule(now);
    return this.crm.list();
  }

  /**
   * Erases the person everywhere: a lead with every visitor merged into it and its
   * registry entry; a visitor verified for its lead, through that lead. A visitor
   * that only claimed its lead's email is not that person: it takes what it sent out
   * of the lead (`withdraw`), which stays. A visitor keeps only a tombstone without
   * personal data, so its browser is told to reset. Answers the lead's id when a lead
   * was erased (for the caller's records, and null otherwise), or null when the
   * object holds nothing of `site`.
   */
  async erase(site: string): Promise<{ lead: string | null } | null> {
    const row = this.heldFor(site);
    if (!row) return null;
    if (row.kind === "visitor") {
      await this.forwarding.settled(); // a claimed browser's last batch may be on its way to the lead still
      const erased = await eraseAtLead(this.env, site, this.ctx.id.toString(), row, this.sql);
      await this.forget(); // also when the lead was already gone
      return erased;
    }
    const id = this.ctx.id.toString();
    const visitors = this.sql.exec<{ id: string }>("SELECT id FROM visitors").toArray().map((v) => v.id);
    const records = this.crm.list();
    await eraseLeadElsewhere(
      this.env, row.site, id, visitors, () => this.accounts.leave(row), () => [row.exportKey, ...this.outbox.pendingExportKeys()],
    );
    await this.wipe();
    const now = Date.now();
    if (await announceErasure(this.env.SITES, this.store, this.outbox, this.crm, id, row.site, records, now)) await this.timer.schedule(now);
    return { lead: id };
  }

  /**
   * A visitor that only claimed this lead's email is erased (docs/api.md, Trust model):
   * the events it sent that the lead holds as claimed leave, and the lead is rescored
   * by replay (its stage, forward only, stays), its export record rewritten. A visitor
   * the lead knows as verified is the person: the lead is erased, as is a lead left
   * with nothing. Answers the lead's id when it was erased, else null.
   */
  async withdraw(site: string, visitor: string, events: string[], now: number): Promise<{ lead: string } | null> {
    const row = this.heldFor(site, "lead");
    if (!row) return null;
    const ids = JSON.stringify(events);
    if (this.scoring.withdrawalLeavesNobody(row, visitor, ids)) return (await this.erase(site)) as { lead: string };
    const rules = await this.scoring.rulesNow(row, now);
    const listed = JSON.stringify(leadSummary(row.scoring.traits));
    this.transaction(() => {
      this.scoring.withdraw(row, visitor, ids, rules.model, now);
      saveRow(this.sql, row);
    });
    // Only the withdrawn claim gave the email: what is left names nobody, and goes too.
    if (!row.scoring.traits.email) return (await this.erase(site)) as { lead: string };
    await listLead(this.env.SITES, this.sql, this.ctx.id.toString(), row, listed); // a name only the claim gave is no longer found
    this.accounts.tell(now);
    await this.timer.schedule(now);
    return null;
  }

  /** Deletes everything this object holds; a visitor keeps a tombstone so its browser resets. */
  async forget(): Promise<void> {
    const row = this.store.load();
    if (row) await this.accounts.leave(row);
    if (row?.inCohort) {
      await disenrol(this.env, row.site, row.firstSeenAt, this.ctx.id.toString());
    }
    const kind = row?.kind ?? "visitor";
    await this.wipe();
    if (kind === "visitor") setMeta(this.sql, "erased_at", Date.now());
  }

  // --- timers --------------------------------------------------------------

  /** Its cohort's time has come: what is past retention goes, and the visitor keeps its own timer from now on. */
  async leaveCohort(now: number): Promise<void> {
    const row = this.store.erased() ? null : this.store.load();
    if (!row?.inCohort) return;
    row.inCohort = false;
    this.transaction(() => saveRow(this.sql, row));
    await this.wake(now);
  }

  override async alarm(): Promise<void> {
    this.timer.spent();
    await this.wake(Date.now());
  }

  /**
   * Everything due by `now` (the tests pass their own clock): a lead's inactivity
   * losses are settled into its state, a visitor's unsent events are forwarded.
   * Idempotent: waking twice at the same time changes nothing.
   */
  async wake(now: number): Promise<void> {
    if (this.store.erased()) return;
    const row = this.store.load();
    if (row) await this.scoring.rulesNow(row, now);
    if (row) this.transaction(() => this.scoring.fold(row, now));
    if (row?.kind === "lead") {
      this.transaction(() => {
        let changed = settleDecay(this.store.rules!.model, row.scoring, now).length > 0;
        const due = slaDue(row, () => this.store.lastStageChange()?.origin);
        if (due !== null && due <= now) changed = (this.stages.expire(row, due, now), true);
        if (changed) saveRow(this.sql, row);
      });
      this.accounts.tell(now);
    } else if (row?.lead && this.store.hasUnsentEvents()) {
      await this.forwarding.forward(this.store.storedSite(row), now);
    }
    if (this.store.hasPersonPart()) await this.deliver(now);
    await this.timer.schedule(now);
  }

  /** Tries a delivery that gave up once more, now; answers whether it went through. */
  async retryDelivery(id: string, now: number): Promise<boolean> {
    if (!this.store.hasPersonPart()) return false;
    const site = this.store.load()?.site;
    if (!this.outbox.revive(id, now)) return false;
    if (site) await clearFailure(this.env.SITES, site, id);
    await this.deliver(now);
    await this.timer.schedule(now);
    return !this.sql.exec("SELECT 1 FROM outbox WHERE id = ?", id).toArray().length;
  }

  // --- delivering the outbox ---------------------------------------------

  /** Delivers what is due, after any delivery under way. */
  private deliver(now: number): Promise<void> {
    return this.outbox.deliver(now, () => this.store.erased() || !this.store.open().profile);
  }

  /**
   * Starts delivering what a change just queued, after the answer, without waiting for the
   * alarm to fire: an MQL reaches the CRM and the webhook one hop sooner. The alarm stays
   * set, for what fails.
   */
  private deliverNow(now: number): void {
    if (!this.store.hasPersonPart() || (this.outbox.nextDue() ?? Infinity) > now) return;
    this.ctx.waitUntil(this.deliver(now).catch((err: unknown) => console.error(`profile: delivery failed, the alarm retries: ${err}`)));
  }

  // --- transactions --------------------------------------------------------

  /** Runs `change` in one storage transaction; on failure forgets the in-memory copy it had begun to change. */
  private transaction(change: () => void): void {
    try {
      this.ctx.storage.transactionSync(change);
    } catch (err) {
      this.reset();
      throw err;
    }
  }

  /** The profile this object holds of `site` (of `kind`, when given), or null. */
  private heldFor(site: string, kind?: ProfileKind): ProfileRow | null {
    const row = this.store.load();
    return row && row.site === site && (!kind || row.kind === kind) ? row : null;
  }

  private async wipe(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.reset();
  }

  private reset(): void {
    this.store.forget();
    this.timer.forget();
    this.accounts.leaving = false;
  }
}
