/**
 * The MQL export as CSV (docs/api.md#mql-export), importable unchanged into HubSpot and
 * Salesforce: CRM column names, RFC 4180 quoting, CRLF rows. Text cells that a
 * spreadsheet would run as a formula (starting with = + - @, tab or CR) get a
 * leading apostrophe, but for an international phone number (`+44 20 7946 0000`);
 * numbers stay numbers (`1000`, `-5`), booleans print `true` / `false`.
 *
 * Two cells pack structure: Source is `utm_source / utm_medium / utm_campaign`
 * (when any is known; missing parts empty) then `; referrer` when known, and Reasons is
 * `rule +points` pairs joined by `; ` (e.g. `demo_request +25; decay -10`).
 */
import type { Stage } from "../../../shared/rules";
import { reasonsText, type ExportRecord } from "./record";

/** HubSpot's internal lifecycle stage values. */
const LIFECYCLE: Record<Stage, string> = {
  visitor: "subscriber",
  lead: "lead",
  mql: "marketingqualifiedlead",
  sql: "salesqualifiedlead",
  opportunity: "opportunity",
  customer: "customer",
  disqualified: "other",
};

/** Salesforce requires Last Name and Company: a lead without them gets this. */
export const DEFAULT_PLACEHOLDER = "[not provided]";

type Cell = string | number | boolean | null;

const COLUMNS: [string, (r: ExportRecord, placeholder: string) => Cell][] = [
  ["Email", (r) => r.email],
  ["First Name", (r) => r.firstName],
  ["Last Name", (r, p) => r.lastName ?? p],
  ["Company", (r, p) => r.company ?? p],
  ["Job Title", (r) => r.title],
  ["Phone", (r) => r.phone],
  ["Company Size", (r) => r.companySize],
  ["Industry", (r) => r.industry],
  ["Country", (r) => r.country],
  ["Score", (r) => r.score.total],
  ["Fit Score", (r) => r.score.fit],
  ["Engagement Score", (r) => r.score.engagement],
  ["Stage", (r) => r.stage],
  ["Lifecycle Stage", (r) => LIFECYCLE[r.stage]],
  ["MQL At", (r) => r.mqlAt],
  ["Source", (r) => sourceCell(r.source)],
  ["Reasons", reasonsText],
];

export const CSV_HEADER = row(COLUMNS.map(([name]) => name));

export function csvRow(record: ExportRecord, placeholder = DEFAULT_PLACEHOLDER): string {
  return row(COLUMNS.map(([, cell]) => cell(record, placeholder)));
}

function sourceCell(source: ExportRecord["source"]): string {
  const tagged = source && [source.utm_source, source.utm_medium, source.utm_campaign];
  if (!tagged) return "";
  const tags = tagged.some((t) => t !== null) ? tagged.map((t) => t ?? "").join(" / ") : "";
  return source.referrer ? (tags ? `${tags}; ${source.referrer}` : source.referrer) : tags;
}

function row(cells: Cell[]): string {
  return cells.map(cellText).join(",") + "\r\n";
}

/**
 * A phone number written internationally (`+44 20 7946 0000`): it starts with `+`, yet holds
 * nothing a formula could call, and a CRM must import it as a phone, not as text with a quote.
 */
const PHONE = /^\+\d[\d ().-]*$/;

function cellText(cell: Cell): string {
  if (cell === null) return "";
  if (typeof cell !== "string") return String(cell);
  const text = /^[=+\-@\t\r]/.test(cell) && !PHONE.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
