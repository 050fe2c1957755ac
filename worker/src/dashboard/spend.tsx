/**
 * Marketing spend: the spend page (docs/dashboard.md#spend) and the overview's cost
 * per MQL by source. Forms post to routes/dashboard/spend.tsx, which saves through
 * the same code as `PUT /v1/sites/:site/spend`.
 */
import type { Metrics } from "../metrics/types";
import type { Spend, SpendEntry } from "../metrics/spend";
import { count, money, time } from "./format";
import { Notice, Page, type NavContext } from "./layout";
import { Card, Scroll } from "./sections";

/** Cost per MQL by first-touch source; a link to enter spend for whoever may. */
export function CostPerMqlTable({ cost, spendUrl }: { cost: Metrics["costPerMql"]; spendUrl: string | null }) {
  const enter = spendUrl && <p class="note"><a href={spendUrl}>Enter marketing spend</a></p>;
  if (!cost.bySource.length) return <><p class="empty">No spend and no MQLs in this period.</p>{enter}</>;
  return (
    <>
      <Scroll label="Cost per MQL by source">
        <table class="cost">
          <thead><tr><th>Source</th><th class="num">Spend</th><th class="num">MQLs</th><th class="num">Cost per MQL</th></tr></thead>
          <tbody>
            {cost.bySource.map((s) => (
              <tr>
                <th scope="row">{s.source}</th>
                <td class="num">{money(s.spend, cost.currency)}</td>
                <td class="num">{count(s.mqls)}</td>
                <td class="num">{money(s.costPerMql, cost.currency)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr><th scope="row">All sources</th><td class="num">{money(cost.spend, cost.currency)}</td><td class="num">{count(cost.mqls)}</td><td class="num">{money(cost.overall, cost.currency)}</td></tr>
          </tfoot>
        </table>
      </Scroll>
      {enter}
    </>
  );
}

/** A form's fields by name → the message of the check it failed. */
export type FieldErrors = Partial<Record<"currency" | "month" | "source" | "amount" | "form", string>>;

/** What a refused form sent, shown again with its errors: the add form, or one entry's amount. */
export type Refused =
  | { form: "add"; values: { currency?: string; month: string; source: string; amount: string }; errors: FieldErrors }
  | { form: "edit"; month: string; source: string; amount: string; errors: FieldErrors }
  | { form: "currency"; currency: string; errors: FieldErrors };

export interface SpendPageData {
  nav: NavContext;
  site: { id: string; name: string };
  spend: Spend | null;
  notice?: string;
  refused?: Refused;
}

/** A field's error beside it, tied to the field by `aria-describedby`. */
const FieldError = ({ id, message }: { id: string; message: string | undefined }) =>
  message ? <p class="field-error" id={id}>{message}</p> : null;

/** The attributes that mark a field invalid and point at its error. */
const invalid = (id: string, message: string | undefined) =>
  message ? { "aria-invalid": "true", "aria-describedby": `${id}-error` } : {};

export function SpendPage({ nav, site, spend, notice, refused }: SpendPageData) {
  const action = (path: string) => `/dashboard/spend/${path}?site=${encodeURIComponent(site.id)}`;
  const add = refused?.form === "add" ? refused : null;
  const currency = spend?.currency ?? null;
  const field = (name: "currency" | "month" | "source" | "amount") => invalid(`add-${name}`, add?.errors[name]);
  return (
    <Page title={`Spend · ${site.name} · edgescore`} signedIn nav={nav}>
      <div class="heading">
        <div>
          <h1>Marketing spend</h1>
          <p class="muted">{`${site.name}: what each source cost per month, for cost per MQL on the overview.`}</p>
        </div>
      </div>
      <Notice message={notice} />
      <div class="grid">
        <Card
          title="Add or change spend"
          note={<>
            Name a source as the overview's Sources card does: its <code>utm_source</code> (<code>linkedin</code>), else the
            referrer's host (<code>www.google.com</code>), else <code>direct</code>; upper or lower case alike. A month already
            entered for the source gets the new amount.
          </>}
        >
          <form id="add-spend" class="spend-form" method="post" action={action("entries")} novalidate>
            <input type="hidden" name="form" value="add" />
            <FieldError id="add-form-error" message={add?.errors.form} />
            {currency === null && (
              <div class="field">
                <label for="add-currency">Currency</label>
                <input id="add-currency" name="currency" value={add?.values.currency ?? "USD"} maxlength={3} autocomplete="off" {...field("currency")} />
                <FieldError id="add-currency-error" message={add?.errors.currency} />
              </div>
            )}
            <div class="field">
              <label for="add-month">Month</label>
              <input id="add-month" name="month" type="month" placeholder="2026-11" value={add?.values.month ?? ""} required {...field("month")} />
              <FieldError id="add-month-error" message={add?.errors.month} />
            </div>
            <div class="field">
              <label for="add-source">Source</label>
              <input id="add-source" name="source" value={add?.values.source ?? ""} required autocomplete="off" {...field("source")} />
              <FieldError id="add-source-error" message={add?.errors.source} />
            </div>
            <div class="field">
              <label for="add-amount">{currency ? `Amount (${currency})` : "Amount"}</label>
              <input id="add-amount" name="amount" type="number" min="0" step="0.01" inputmode="decimal" value={add?.values.amount ?? ""} required {...field("amount")} />
              <FieldError id="add-amount-error" message={add?.errors.amount} />
            </div>
            <button type="submit">Save spend</button>
          </form>
        </Card>
        {currency !== null && <CurrencyForm action={action("currency")} currency={currency} refused={refused?.form === "currency" ? refused : null} />}
        <Card wide title="Spend entered" note={spend ? `Last saved ${time(spend.updatedAt)}.` : undefined}>
          {spend?.entries.length ? <Entries spend={spend} action={action} refused={refused?.form === "edit" ? refused : null} /> : <p class="empty">No spend entered yet.</p>}
        </Card>
      </div>
    </Page>
  );
}

function CurrencyForm({ action, currency, refused }: { action: string; currency: string; refused: Extract<Refused, { form: "currency" }> | null }) {
  const error = refused?.errors.currency ?? refused?.errors.form;
  return (
    <Card title="Currency" note="Every amount is in this currency: changing it converts nothing.">
      <form class="spend-form" method="post" action={action} novalidate>
        <div class="field">
          <label for="currency">Currency (ISO 4217)</label>
          <input id="currency" name="currency" value={refused?.currency ?? currency} maxlength={3} autocomplete="off" {...invalid("currency", error)} />
          <FieldError id="currency-error" message={error} />
        </div>
        <button type="submit">Change currency</button>
      </form>
    </Card>
  );
}

/** Every entry, by month then source: its amount editable in place, and a button to remove it. */
function Entries({ spend, action, refused }: { spend: Spend; action: (path: string) => string; refused: Extract<Refused, { form: "edit" }> | null }) {
  const isRefused = (e: SpendEntry) => refused !== null && refused.month === e.month && refused.source === e.source;
  return (
    <Scroll label="Spend entered">
      <table class="spend">
        <thead><tr><th>Month</th><th>Source</th><th>{`Amount (${spend.currency})`}</th><th><span class="visually-hidden">Remove</span></th></tr></thead>
        <tbody>
          {spend.entries.map((e, i) => {
            const id = `amount-${i}`;
            const error = isRefused(e) ? refused!.errors.amount ?? refused!.errors.form : undefined;
            return (
              <tr data-month={e.month} data-source={e.source}>
                <td>{e.month}</td>
                <th scope="row">{e.source}</th>
                <td>
                  <form class="inline" method="post" action={action("entries")} novalidate>
                    <input type="hidden" name="form" value="edit" />
                    <input type="hidden" name="month" value={e.month} />
                    <input type="hidden" name="source" value={e.source} />
                    <label class="visually-hidden" for={id}>{`Amount for ${e.source} in ${e.month}`}</label>
                    <input id={id} name="amount" type="number" min="0" step="0.01" inputmode="decimal" value={isRefused(e) ? refused!.amount : String(e.amount)} {...invalid(id, error)} />
                    <button type="submit" class="secondary">Save</button>
                    <FieldError id={`${id}-error`} message={error} />
                  </form>
                </td>
                <td>
                  <form class="inline" method="post" action={action("remove")}>
                    <input type="hidden" name="month" value={e.month} />
                    <input type="hidden" name="source" value={e.source} />
                    <button type="submit" class="secondary" aria-label={`Remove ${e.source} in ${e.month}`}>Remove</button>
                  </form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Scroll>
  );
}
