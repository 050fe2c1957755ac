import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CSV_HEADER, csvRow, DEFAULT_PLACEHOLDER } from "../../../worker/src/exports/csv";
import type { Traits } from "../../../shared/rules";
import { exportRecord, type ExportRecord } from "../../../worker/src/exports/record";

const T0 = Date.UTC(2026, 10, 20, 10);

function record(traits: Traits, overrides: Partial<ExportRecord> = {}): ExportRecord {
  return {
    ...exportRecord({
      profile: "p".repeat(64), traits, score: { fit: 20, engagement: 40, total: 60 },
      explanation: [
        { rule: "demo_request", dimension: "engagement", points: 25, events: ["e1"] },
        { rule: "pricing_visit", dimension: "engagement", points: 25, events: ["e2"] },
        { rule: "title_icp", dimension: "fit", points: 20, events: ["e3"] },
        { rule: "decay", dimension: "engagement", points: -10, events: [], at: T0 },
      ],
      stage: "mql", mqlAt: T0 + 60_000, firstSeenAt: T0, verified: true, claimed: { claimedTraits: [], claimedEvents: 0 }, account: "domain:acme.com", rulesVersion: 2, updatedAt: T0 + 60_000,
      firstTouch: { id: "e0", type: "pageview", receivedAt: T0, ts: T0, scored: true, url: "https://acme.com/?utm_source=news&gclid=x", props: { ref: "https://www.google.com/", utm_source: "news", utm_medium: "email" } },
      lastTouch: null,
    }),
    ...overrides,
  };
}

/** A cell as the writer defused it, undone: the apostrophe it put before a formula. */
const undefuse = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

describe("the MQL export's CSV", () => {
  const tricky = [
    record({ email: "ada@acme.com", firstName: "Ada", lastName: "Lovelace", company: "Acme, Inc.", title: "VP \"Growth\"" }),
    record({ email: "eve@evil.test", company: "=HYPERLINK(\"http://x\",\"y\")", title: "+1 hacker", industry: "@SUM(A1)", phone: "-2" }),
    record({ email: "tab@acme.com", company: "\tTabbed", title: "line\r\nbreak", name: "Grace Brewster Hopper", phone: "+44 20 7946 0000" }),
    record({ email: "nobody@acme.com" }, { source: null, reasons: [] }),
    record({ email: "direct@acme.com" }, { source: { utm_source: null, utm_medium: null, utm_campaign: null, referrer: null, landing: null } }),
    record({ email: "search@acme.com" }, { source: { utm_source: null, utm_medium: null, utm_campaign: null, referrer: "www.bing.com", landing: null } }),
  ];
  const csv = CSV_HEADER + tricky.map((r) => csvRow(r)).join("");
  const rows: Record<string, string>[] = parse(csv, { columns: true, relax_column_count: false });

  it("parses back, with a real CSV parser, to the records once the defusing is undone", () => {
    expect(rows).toHaveLength(tricky.length);
    rows.forEach((row, i) => {
      const r = tricky[i]!;
      expect(undefuse(row["Email"]!)).toBe(r.email);
      expect(undefuse(row["First Name"]!)).toBe(r.firstName ?? "");
      expect(undefuse(row["Last Name"]!)).toBe(r.lastName ?? DEFAULT_PLACEHOLDER);
      expect(undefuse(row["Company"]!)).toBe(r.company ?? DEFAULT_PLACEHOLDER);
      expect(undefuse(row["Job Title"]!)).toBe(r.title ?? "");
      expect(undefuse(row["Phone"]!)).toBe(r.phone ?? "");
      expect(undefuse(row["Industry"]!)).toBe(r.industry ?? "");
      expect(Number(row["Score"])).toBe(r.score.total);
      expect(Number(row["Fit Score"])).toBe(r.score.fit);
      expect(Number(row["Engagement Score"])).toBe(r.score.engagement);
      expect(row["Stage"]).toBe(r.stage);
      expect(row["Lifecycle Stage"]).toBe("marketingqualifiedlead");
      expect(row["MQL At"]).toBe(r.mqlAt);
      // Documented formats: "source / medium / campaign; referrer" and "rule +points; …".
      const s = r.source;
      const tags = s && [s.utm_source, s.utm_medium, s.utm_campaign].some((t) => t !== null)
        ? `${s.utm_source ?? ""} / ${s.utm_medium ?? ""} / ${s.utm_campaign ?? ""}` : "";
      const source = s?.referrer ? [tags, s.referrer].filter(Boolean).join("; ") : tags;
      expect(row["Source"]).toBe(source);
      expect(row["Reasons"]).toBe(r.reasons.map((x) => `${x.rule} ${x.points >= 0 ? "+" : ""}${x.points}`).join("; "));
    });
    expect(rows[0]!["Reasons"]).toBe("demo_request +25; pricing_visit +25; title_icp +20; decay -10");
    expect(rows[0]!["Source"]).toBe("news / email / ; www.google.com");
    expect(rows[2]!["First Name"]).toBe("Grace");
    expect(rows[2]!["Last Name"]).toBe("Brewster Hopper");
    expect(rows[4]!["Source"]).toBe(""); // came straight in: no tags, no referrer
    expect(rows[5]!["Source"]).toBe("www.bing.com");
  });

  it("defuses every text cell a spreadsheet would run, and leaves numbers alone", () => {
    expect(rows[1]!["Company"]).toBe("'=HYPERLINK(\"http://x\",\"y\")");
    expect(rows[1]!["Job Title"]).toBe("'+1 hacker");
    expect(rows[1]!["Industry"]).toBe("'@SUM(A1)");
    expect(rows[1]!["Phone"]).toBe("'-2");
    expect(rows[2]!["Company"]).toBe("'\tTabbed");
    // An international phone number imports as a phone: nothing in it a formula could call.
    expect(rows[2]!["Phone"]).toBe("+44 20 7946 0000");
    expect(csv).toContain(",60,20,40,");
  });

  it("quotes per RFC 4180 and ends every row with CRLF", () => {
    expect(csv).toContain('"Acme, Inc."');
    expect(csv).toContain('"VP ""Growth"""');
    expect(csv).toContain('"line\r\nbreak"'); // a line break stays inside its quoted cell
    expect(csv.endsWith("\r\n")).toBe(true);
  });

  it("prints number and boolean traits plainly, negative ones too, and has no column for the site's own", () => {
    const r = record({ email: "ada@acme.com", companySize: 1000, phone: -2, title: true, annualRevenue: 1e15 });
    const [row] = parse(CSV_HEADER + csvRow(r), { columns: true }) as Record<string, string>[];
    expect(row).toMatchObject({ "Company Size": "1000", Phone: "-2", "Job Title": "true" });
    expect(Object.values(row!)).not.toContain("1000000000000000");
    expect(r.customTraits).toEqual({ annualRevenue: 1e15 });
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({ companySize: 1000, phone: -2, title: true });
  });
});
