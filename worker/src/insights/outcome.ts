/**
 * What a lead's export record tells of how its MQL turned out, for rule insights.
 * A lead has an export record from its first MQL on, rewritten at every later stage
 * change, so the record holds both the rules that gave it points (its `reasons`) and
 * where sales took it (its `stage`). Pure.
 */
import type { Stage } from "../../../shared/rules";
import type { ExportRecord } from "../exports/record";

export interface MqlOutcome {
  /** Rules that gave the lead points (a sum ≠ 0) as its record was last written. */
  hits: string[];
  /** Sales took it to `sql` or past it: `sql`, `opportunity` or `customer`. */
  sql: boolean;
  /** It is a `customer`. */
  customer: boolean;
  /**
   * Sales sent it back to nurture (`lead`). Recycling clears every engagement rule's
   * points before the record is rewritten, so which engagement rules it hit as an
   * MQL is unknown; its fit rules are still there.
   */
  recycled: boolean;
}

/**
 * Outcome by the record's current stage:
 *   sql, opportunity → reached SQL;  customer → reached SQL, and a customer;
 *   mql (not yet taken up by sales), disqualified, lead (recycled) → neither.
 * Sales may set any stage, so any other (`visitor`) also counts as neither.
 */
const REACHED_SQL: ReadonlySet<Stage> = new Set(["sql", "opportunity", "customer"]);

export function outcomeOf(record: Pick<ExportRecord, "reasons" | "stage">): MqlOutcome {
  // `reasons` sums each rule's lines; `decay` and `floor` are no rule ids, and are never looked up.
  const hits = record.reasons.filter((reason) => reason.points !== 0).map((reason) => reason.rule);
  return {
    hits,
    sql: REACHED_SQL.has(record.stage),
    customer: record.stage === "customer",
    recycled: record.stage === "lead",
  };
}
