/** Marketing spend per source and month, for cost per MQL (docs/dashboard.md#spend). */
import { type Context, Hono } from "hono";
import * as v from "valibot";
import { check, type FieldIssue } from "../../../../shared/validation";
import type { AppEnv } from "../../app-env";
import { documentOf } from "../../dashboard/layout";
import { SpendPage, type FieldErrors, type Refused } from "../../dashboard/spend";
import { limitBody } from "../../http/body";
import { getSpend, putSpend, sourceKey, type Spend } from "../../metrics/spend";
import { pageUrl } from "../../dashboard/layout";
import { access, messagePage, type Access } from "./access";

/** What each `done` code says: the page never shows text from its query. */
const DONE = { saved: "Spend saved.", removed: "Spend entry removed.", currency: "Currency changed." } as const;

const Query = v.object({ done: v.optional(v.picklist(Object.keys(DONE) as (keyof typeof DONE)[])) });

/** A form's text fields (a missing one is empty). */
async function fieldsOf(c: Context<AppEnv>): Promise<Record<string, string>> {
  const form = await c.req.parseBody();
  return Object.fromEntries(Object.entries(form).map(([k, value]) => [k, typeof value === "string" ? value : ""]));
}

/** A typed amount as a number for the spend's check: empty is missing, thousands separators go. */
const amountOf = (text: string) => (text.trim() === "" ? undefined : Number(text.replace(/,/g, "").trim()));

/**
 * The issues of a whole-spend check about the entry at `index` (or the currency), by
 * the form field they concern; anything else under `form`.
 */
function errorsOf(issues: FieldIssue[], index: number): FieldErrors {
  const errors: FieldErrors = {};
  for (const { path, message } of issues) {
    const field = path === "currency" ? "currency" : path.match(new RegExp(`^entries\\[${index}\\]\\.(month|source|amount)$`))?.[1];
    const name = (field ?? "form") as keyof FieldErrors;
    errors[name] ??= field ? message : `${path || "spend"}: ${message}`;
  }
  return errors;
}

/** The entries kept, as `PUT …/spend` takes them. */
const entriesOf = (spend: Spend | null) => (spend?.entries ?? []).map(({ month, source, amount }) => ({ month, source, amount }));

/** The entries without a source's month (named as typed: the check lower-cases it alike). */
const withoutEntry = (spend: Spend | null, month: string, source: string) =>
  entriesOf(spend).filter((e) => !(e.month === month && e.source === sourceKey(source)));

/** Saves the whole spend as `PUT …/spend` does; `303` back with `done`, or the page again with the errors beside their fields. */
async function save(c: Context<AppEnv>, found: Access, spend: Spend | null, input: unknown, done: keyof typeof DONE, refused: (issues: FieldIssue[]) => Refused) {
  const saved = await putSpend(c.env.SITES, found.site.id, input, Date.now());
  if (saved.ok) return c.redirect(pageUrl("/dashboard/spend", found.site.id, { done }), 303);
  return c.html(documentOf(<SpendPage nav={{ site: found.site.id, current: "spend", can: found.can }} site={found.site} spend={spend} refused={refused(saved.issues)} />), 400);
}

export const spendPages = new Hono<AppEnv>()
  .get("/dashboard/spend", async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const query = check(Query, c.req.query());
    if (!query.ok) return messagePage(c, 400, "Not a valid address", query.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
    const spend = await getSpend(c.env.SITES, found.site.id);
    const notice = query.value.done && DONE[query.value.done];
    return c.html(documentOf(<SpendPage nav={{ site: found.site.id, current: "spend", can: found.can }} site={found.site} spend={spend} notice={notice} />));
  })
  // Sets a source's spend for a month: a new entry, or a new amount for one already there.
  .post("/dashboard/spend/entries", limitBody(4096), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const form = await fieldsOf(c);
    const spend = await getSpend(c.env.SITES, found.site.id);
    const [month, source, amount] = [form.month ?? "", form.source ?? "", form.amount ?? ""];
    const entries = [...withoutEntry(spend, month, source), { month, source, amount: amountOf(amount) }];
    const currency = spend?.currency ?? (form.currency ?? "").trim().toUpperCase();
    return save(c, found, spend, { currency, entries }, "saved", (issues) => {
      const errors = errorsOf(issues, entries.length - 1);
      return form.form === "edit"
        ? { form: "edit", month, source, amount, errors }
        : { form: "add", values: { currency: form.currency, month, source, amount }, errors };
    });
  })
  .post("/dashboard/spend/remove", limitBody(4096), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const form = await fieldsOf(c);
    const spend = await getSpend(c.env.SITES, found.site.id);
    if (!spend) return c.redirect(pageUrl("/dashboard/spend", found.site.id, { done: "removed" }), 303);
    const entries = withoutEntry(spend, form.month ?? "", form.source ?? "");
    // Fewer of the kept entries pass the check as they did: an issue here is a bug, not the form's.
    return save(c, found, spend, { currency: spend.currency, entries }, "removed", (issues) => {
      throw new Error(`spend without an entry failed its check: ${JSON.stringify(issues)}`);
    });
  })
  .post("/dashboard/spend/currency", limitBody(4096), async (c) => {
    const found = await access(c, "site:admin");
    if (found instanceof Response) return found;
    const form = await fieldsOf(c);
    const spend = await getSpend(c.env.SITES, found.site.id);
    const currency = (form.currency ?? "").trim().toUpperCase();
    return save(c, found, spend, { currency, entries: entriesOf(spend) }, "currency",
      (issues) => ({ form: "currency", currency: form.currency ?? "", errors: errorsOf(issues, -1) }));
  });
