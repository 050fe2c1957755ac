import { describe, expect, it } from "vitest";
import { checkFieldMap, DEFAULT_FIELD_MAPS, fieldValues, HUBSPOT_FIELDS, SALESFORCE_FIELDS } from "../../../worker/src/crm/fields";
import { checkStageMap, DEFAULT_STAGE_MAPS } from "../../../worker/src/crm/stages";
import { mql } from "./lead";

describe("field maps", () => {
  it("the defaults pass their own check", () => {
    expect(checkFieldMap("hubspot", HUBSPOT_FIELDS)).toEqual({ ok: true, value: HUBSPOT_FIELDS });
    expect(checkFieldMap("salesforce", SALESFORCE_FIELDS)).toEqual({ ok: true, value: SALESFORCE_FIELDS });
  });

  it("names every bad entry of a HubSpot map", () => {
    const checked = checkFieldMap("hubspot", { email: "Email", nickname: "nickname", title: "job title", score: "lifecyclestage", phone: 7 });
    expect(checked.ok).toBe(false);
    const issues = checked.ok ? [] : checked.issues;
    expect(issues).toEqual(expect.arrayContaining([
      { path: "email", message: expect.stringContaining("lower case letters") },
      { path: "nickname", message: expect.stringContaining("not an edgescore field") },
      { path: "title", message: expect.stringContaining("HubSpot property's internal name") },
      { path: "score", message: "lifecyclestage is set from the stage map" },
      { path: "phone", message: "must be a text" },
    ]));
  });

  it("refuses two fields into one property, once the names themselves are right", () => {
    expect(checkFieldMap("hubspot", { fit: "edgescore_score", engagement: "edgescore_score" }))
      .toEqual({ ok: false, issues: [{ path: "engagement", message: "edgescore_score already receives fit" }] });
    expect(checkFieldMap("salesforce", { fit: "Score__c", engagement: "score__c" })).toMatchObject({ ok: false, issues: [{ path: "engagement" }] });
  });

  it("takes Salesforce API names: standard, custom ending __c, packaged; and refuses others", () => {
    expect(checkFieldMap("salesforce", { title: "Title", score: "Lead_Score__c", fit: "acme__Fit__c" }).ok).toBe(true);
    for (const name of ["Lead Score", "Score__x", "Lead__Score", "_Score__c", "Score___c", "Status"]) {
      expect(checkFieldMap("salesforce", { score: name }), name).toMatchObject({ ok: false, issues: [{ path: "score" }] });
    }
  });

  it("reads a lead's values: text trimmed, a count as a number, its own fields even when empty", () => {
    const values = fieldValues(mql({ title: "  CTO ", companySize: "1000", reasons: [], phone: "" }));
    expect(values).toMatchObject({ title: "CTO", companySize: 1000, reasons: null, score: 75, stage: "mql", profile: "p_7f3a9c2e" });
    expect(values.phone).toBeUndefined();
    expect(values.mqlAt).toEqual(new Date("2026-03-02T10:15:00.000Z"));
  });

  it("has a default for each CRM", () => {
    expect(DEFAULT_FIELD_MAPS).toEqual({ hubspot: HUBSPOT_FIELDS, salesforce: SALESFORCE_FIELDS });
  });
});

describe("stage maps", () => {
  it("the defaults pass their own check", () => {
    expect(checkStageMap("hubspot", DEFAULT_STAGE_MAPS.hubspot).ok).toBe(true);
    expect(checkStageMap("salesforce", DEFAULT_STAGE_MAPS.salesforce).ok).toBe(true);
  });

  it("names unknown stages and values HubSpot cannot hold", () => {
    expect(checkStageMap("hubspot", { mql: "Marketing Qualified", closed: "customer", sql: "1034567" })).toMatchObject({
      ok: false,
      issues: [{ path: "mql", message: expect.stringContaining("internal value") }, { path: "closed", message: expect.stringContaining("not a stage") }],
    });
  });

  it("takes any Salesforce picklist value, empty to leave Status alone", () => {
    expect(checkStageMap("salesforce", { sql: "Working - Contacted", opportunity: "" }).ok).toBe(true);
    expect(checkStageMap("salesforce", { sql: "x".repeat(256) })).toMatchObject({ ok: false, issues: [{ path: "sql" }] });
  });
});
