import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { DAY_MS } from "../../shared/rules";
import { visitorProfileName } from "../../worker/src/lib/identity";
import { dayOf } from "../../worker/src/metrics/shards";
import { dueOf } from "../../worker/src/objects/cohort";
import { cohortName } from "../../worker/src/objects/enrolment";
import { ADMIN, call, collect, createSite, ev, ORIGIN, uid } from "./helpers";

/** A visitor's object, its cohort's, and what each holds of the other. */
async function visitorAndCohort(site: string, vid: string, firstSeenAt: number) {
  const visitor = env.PROFILES.getByName(visitorProfileName(site, vid));
  const id = visitor.id.toString();
  const cohort = env.COHORTS.getByName(cohortName(site, firstSeenAt, id));
  const visitorState = () => runInDurableObject(visitor, async (_, state) => ({
    alarm: await state.storage.getAlarm(),
    events: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM events").one().n,
    listed: state.storage.sql.exec<{ registered: number }>("SELECT registered FROM profile").one().registered === 1,
  }));
  const cohortState = () => runInDurableObject(cohort, async (_, state) => ({
    alarm: await state.storage.getAlarm(),
    members: state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'members'").toArray().length
      ? state.storage.sql.exec<{ profile: string }>("SELECT profile FROM members").toArray().map((m) => m.profile)
      : null,
  }));
  return { id, cohort, visitorState, cohortState };
}

it("keeps a new visitor's retention in its day's cohort, not in a timer of its own, until the cohort wakes it", async () => {
  const site = await createSite({ retentionDays: 30 });
  const vid = uid("v");
  const t0 = Date.now();
  await collect(site, vid, [ev.pageview("/pricing"), ev.download("/files/a.pdf")]);
  const { id, cohort, visitorState, cohortState } = await visitorAndCohort(site, vid, t0);
  expect(await visitorState()).toEqual({ alarm: null, events: 2, listed: true });
  const due = dueOf(dayOf(t0), 30);
  expect(await cohortState()).toEqual({ alarm: due, members: [id] });
  // Coming back changes none of that: the oldest events still fall due with the cohort.
  await collect(site, vid, [ev.pageview("/blog/x")]);
  expect(await visitorState()).toEqual({ alarm: null, events: 3, listed: true });
  const before = await collect(site, vid, []);

  // Early, nothing moves.
  await runInDurableObject(cohort, (c) => c.wake(due - 1));
  expect(await visitorState()).toMatchObject({ events: 3, listed: true });
  expect(await cohortState()).toEqual({ alarm: due, members: [id] });

  // Due: what is past retention is folded away (the score holds), the visitor keeps its own timer from now on, the cohort is gone.
  await runInDurableObject(cohort, (c) => c.wake(due));
  expect(await visitorState()).toEqual({ alarm: null, events: 0, listed: false });
  expect(await cohortState()).toEqual({ alarm: null, members: null });
  expect((await collect(site, vid, [])).score).toEqual(before.score);
  // Its next events get its own timer.
  await collect(site, vid, [ev.pageview("/")]);
  const own = await visitorState();
  expect(own.listed).toBe(false);
  expect(own.alarm).toBeGreaterThan(Date.now() + 29 * DAY_MS);
});

it("moves the cohort's time earlier when the site shortens its retention", async () => {
  const site = await createSite({ retentionDays: 30 });
  const vid = uid("v");
  const t0 = Date.now();
  await collect(site, vid, [ev.pageview("/")]);
  const { cohortState } = await visitorAndCohort(site, vid, t0);
  expect((await cohortState()).alarm).toBe(dueOf(dayOf(t0), 30));
  const res = await call(`/v1/sites/${site}`, {
    method: "PUT", headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Acme", origins: [ORIGIN], retentionDays: 7 }),
  });
  expect(res.status).toBe(200);
  await collect(site, vid, [ev.pageview("/pricing")]);
  expect((await cohortState()).alarm).toBe(dueOf(dayOf(t0), 7));
  // A longer one later does not move it back: waking early is harmless, late is not.
  await call(`/v1/sites/${site}`, {
    method: "PUT", headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Acme", origins: [ORIGIN], retentionDays: 60 }),
  });
  await collect(site, vid, [ev.pageview("/a")]);
  expect((await cohortState()).alarm).toBe(dueOf(dayOf(t0), 7));
});

it("takes an erased visitor out of its cohort", async () => {
  const site = await createSite();
  const vid = uid("v");
  const t0 = Date.now();
  const { profile } = await collect(site, vid, [ev.pageview("/")]);
  const other = uid("v");
  await collect(site, other, [ev.pageview("/")]);
  const { id, cohortState } = await visitorAndCohort(site, vid, t0);
  expect(profile).toBe(id);
  expect((await cohortState()).members).toContain(id);
  const res = await call(`/v1/sites/${site}/profiles/${id}`, { method: "DELETE", headers: ADMIN });
  expect(res.status).toBe(204);
  expect((await cohortState()).members ?? []).not.toContain(id);
});
