/**
 * Where its site finds a profile: a lead in the site's registry (sites/leads.ts), a
 * new visitor in its cohort (objects/cohort.ts), which keeps its retention meanwhile.
 */
import { leadSummary, registerLead } from "../../sites/leads";
import { enrol, type Enrolment } from "../enrolment";
import { saveRow, type ProfileRow } from "../profile-schema";

/**
 * Lists the lead in its site's registry, with the summary it is found by: once when it
 * is new, and again when that summary changed from `listed` (as it stood before).
 */
export async function listLead(sites: KVNamespace, sql: SqlStorage, profile: string, row: ProfileRow, listed: string | null): Promise<void> {
  const summary = leadSummary(row.scoring.traits);
  if (row.inRegistry && JSON.stringify(summary) === listed) return;
  await registerLead(sites, row.site, profile, summary);
  if (row.inRegistry) return;
  row.inRegistry = true;
  saveRow(sql, row);
}

/**
 * Lists the visitor in its cohort, which keeps its retention while it is listed
 * (`inCohort`); false when that failed (logged): then it keeps its own timer.
 */
export async function joinCohort(env: Env, site: string, firstSeenAt: number, member: Enrolment): Promise<boolean> {
  try {
    await enrol(env, site, firstSeenAt, member);
    return true;
  } catch (err) {
    console.error(`profile: not listed in its cohort, keeps its own retention timer: ${err}`);
    return false;
  }
}
