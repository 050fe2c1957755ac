/**
 * The dashboard's one stylesheet, served as /dashboard/app.css: the CSP allows
 * styles from the worker's own origin only, never inline. Laptop and phone widths:
 * columns fold below 900 px, the MQL and account tables (.cards) turn into cards below 700 px, and
 * other tables scroll inside their card, so the page itself never scrolls sideways.
 */
export const STYLESHEET = `
:root {
  --bg: #f4f6f9; --card: #fff; --text: #1c2330; --muted: #667085; --line: #e4e7ec;
  --accent: #2f5bea; --accent-soft: #e8eefd; --good: #12805c; --fair: #b25e09; --poor: #c4320a;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--text); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); }
code { font-size: 0.9em; background: var(--accent-soft); padding: 0 0.25em; border-radius: 4px; }
h1 { font-size: 1.6rem; margin: 0; line-height: 1.2; overflow-wrap: anywhere; }
h2 { font-size: 1.05rem; margin: 0 0 0.25rem; }

.topbar {
  display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding: 0.7rem clamp(1rem, 3vw, 2rem); background: #111827; color: #fff;
}
.topbar form { margin: 0; }
.brand { color: #fff; font-weight: 700; text-decoration: none; letter-spacing: 0.01em; }
.brand span { font-weight: 400; opacity: 0.7; }
button.link { background: none; border: 0; color: #cbd5e1; padding: 0.3rem 0; font: inherit; cursor: pointer; }
button.link:hover { color: #fff; text-decoration: underline; }

main { max-width: 1280px; margin: 0 auto; padding: 1.25rem clamp(0.75rem, 3vw, 2rem) 3rem; }
.muted, .note { color: var(--muted); }
.note { font-size: 0.88rem; margin: 0 0 0.9rem; }
.empty { color: var(--muted); font-style: italic; margin: 0.5rem 0; }

.heading { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 1rem; margin-bottom: 1rem; }
.heading p { margin: 0.25rem 0 0; font-size: 0.9rem; }
.controls { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.6rem; }
.controls label { display: flex; flex-direction: column; font-size: 0.8rem; color: var(--muted); gap: 0.2rem; }
select, input {
  font: inherit; color: var(--text); background: #fff; border: 1px solid #cfd4dc; border-radius: 8px;
  padding: 0.45rem 0.6rem; max-width: 100%;
}
button {
  font: inherit; font-weight: 600; color: #fff; background: var(--accent); border: 0; border-radius: 8px;
  padding: 0.5rem 1rem; cursor: pointer;
}
button:hover { filter: brightness(1.1); }

.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1rem 1.1rem; min-width: 0; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem; }
.wide { grid-column: 1 / -1; }

.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 0.75rem; margin: 0 0 1rem; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 0.75rem 1rem; }
.kpi dt { font-size: 0.8rem; color: var(--muted); }
.kpi dd { margin: 0.15rem 0 0; font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; }

.chart { display: block; width: 100%; height: auto; font-size: 13px; }
.chart text { fill: var(--text); }
.chart text.muted { fill: var(--muted); font-size: 12px; }
.chart .value { font-weight: 600; font-variant-numeric: tabular-nums; }
.chart .bar { fill: var(--accent); }
.chart .bar.negative { fill: var(--poor); }
.chart .axis { stroke: #98a2b3; }
.chart .grid { stroke: var(--line); stroke-dasharray: 3 3; }
.funnel .step-0 { fill: #9db4f5; } .funnel .step-1 { fill: #7b99f0; } .funnel .step-2 { fill: #2f5bea; }
.funnel .step-3 { fill: #2447b8; } .funnel .step-4 { fill: #1b3690; } .funnel .step-5 { fill: #12805c; }
.bars + .scroll { margin-top: 0.75rem; }

/* A table wider than its box casts a shadow on the side with more to see: the cue that it scrolls. */
.scroll {
  overflow-x: auto;
  background:
    linear-gradient(to right, var(--card) 30%, rgb(255 255 255 / 0)) left / 2rem 100% no-repeat local,
    linear-gradient(to left, var(--card) 30%, rgb(255 255 255 / 0)) right / 2rem 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgb(0 0 0 / 0.2), transparent) left / 0.8rem 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgb(0 0 0 / 0.2), transparent) right / 0.8rem 100% no-repeat scroll;
}
.scroll:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.scroll + .scroll { margin-top: 1rem; }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.45rem 0.6rem 0.45rem 0; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 0.78rem; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
tbody tr:last-child > * { border-bottom: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.path { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.82rem; overflow-wrap: anywhere; }
.error-text { color: var(--poor); overflow-wrap: anywhere; }
.vital.good { color: var(--good); } .vital.fair { color: var(--fair); } .vital.poor { color: var(--poor); font-weight: 600; }

.cards td { overflow-wrap: break-word; }
.cards .sub { display: block; color: var(--muted); font-size: 0.82rem; }
.cards td.num { text-align: left; }
.cards .when { white-space: nowrap; }
.stage { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; background: var(--accent-soft); color: var(--accent); }
.stage-sql, .stage-opportunity { background: #fdf1e3; color: var(--fair); }
.stage-customer { background: #e3f6ee; color: var(--good); }
.stage-disqualified { background: #fde8e3; color: var(--poor); }
.stage-account { background: #f2f4f7; color: var(--muted); }
.reasons { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem; }
.reasons li { font-size: 0.78rem; background: #f2f4f7; border-radius: 6px; padding: 0.05rem 0.4rem; white-space: nowrap; }
.reasons li.negative { background: #fde8e3; color: var(--poor); }

.insights .sub { display: block; color: var(--muted); font-size: 0.78rem; font-weight: 400; }
.insights .up { color: var(--good); font-weight: 600; } .insights .down { color: var(--poor); font-weight: 600; }
.suggestions { margin: 0.9rem 0 0; padding-left: 1.1rem; font-size: 0.88rem; }
.suggestions li + li { margin-top: 0.3rem; }

.site-nav { background: #1f2937; padding: 0 clamp(1rem, 3vw, 2rem); overflow-x: auto; }
.site-nav ul { display: flex; gap: 0.25rem; list-style: none; margin: 0 auto; padding: 0; max-width: 1280px; }
.site-nav a { display: block; padding: 0.55rem 0.75rem; color: #cbd5e1; text-decoration: none; white-space: nowrap; border-bottom: 3px solid transparent; }
.site-nav a:hover, .site-nav a:focus-visible { color: #fff; }
.site-nav a[aria-current="page"] { color: #fff; border-bottom-color: #7b99f0; font-weight: 600; }
.notice { color: var(--good); background: #e3f6ee; border-radius: 8px; padding: 0.5rem 0.75rem; margin: 0 0 1rem; }

/* Forms (every page's): a label above each field, its error beside it. */
.field { display: flex; flex-direction: column; gap: 0.25rem; margin: 0 0 0.9rem; min-width: 0; }
.field > label, .field > .label { font-weight: 600; font-size: 0.9rem; }
.hint { color: var(--muted); font-size: 0.82rem; margin: 0; }
fieldset .hint { margin-bottom: 0.4rem; }
.field-error { color: var(--poor); font-size: 0.85rem; font-weight: 600; margin: 0; overflow-wrap: anywhere; }
.form-error { margin: 0 0 0.9rem; }
textarea {
  font: inherit; color: var(--text); background: #fff; border: 1px solid #cfd4dc; border-radius: 8px;
  padding: 0.45rem 0.6rem; width: 100%; min-height: 5.5rem; resize: vertical;
}
textarea.code, input.code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.82rem; }
[aria-invalid="true"] { border-color: var(--poor); box-shadow: 0 0 0 1px var(--poor); }
input:focus-visible, textarea:focus-visible, select:focus-visible, button:focus-visible, a:focus-visible {
  outline: 3px solid #7b99f0; outline-offset: 2px;
}
fieldset { border: 1px solid var(--line); border-radius: 8px; padding: 0.5rem 0.8rem 0.7rem; margin: 0 0 0.9rem; min-width: 0; }
legend { font-weight: 600; font-size: 0.9rem; padding: 0 0.3rem; }
.checks { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; }
.check { display: inline-flex; align-items: center; gap: 0.4rem; font-weight: 400; min-height: 1.75rem; }
.check input { margin: 0; width: 1.1rem; height: 1.1rem; }
.actions { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
form.inline { display: inline; margin: 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
button.secondary { color: var(--accent); background: #fff; border: 1px solid var(--accent); }
button.danger { background: var(--poor); }
button.small { padding: 0.25rem 0.6rem; font-size: 0.85rem; }

/* Scoring rules page */
/* Wide enough to read: at phone width they scroll inside their region rather than wrap a letter a line. */
table.rules, table.diff { min-width: 40rem; }
.rules .actions, .row-actions { white-space: nowrap; }
.row-actions { display: flex; gap: 0.5rem; align-items: center; }
.row-actions form { margin: 0; }
.settings { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.25rem 1rem; margin: 0.9rem 0 0; font-size: 0.9rem; }
.settings dt { color: var(--muted); }
.settings dd { margin: 0; }
#draft h3, #preview h3, #versions h3 { font-size: 0.95rem; margin: 1.1rem 0 0.4rem; }
.rule-form, .model-form { border-top: 1px solid var(--line); margin-top: 1rem; padding-top: 0.5rem; }
.rule-form fieldset, .model-form fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0.75rem 0; padding: 0.5rem 0.75rem; min-width: 0; }
.rule-form legend, .model-form legend { font-weight: 600; font-size: 0.88rem; padding: 0 0.25rem; }
.fields { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: flex-start; }
.condition { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; }
.field label { font-size: 0.85rem; font-weight: 600; }
.field textarea { font: inherit; border: 1px solid #cfd4dc; border-radius: 8px; padding: 0.45rem 0.6rem; min-width: 14rem; max-width: 100%; }
.invalid input, .invalid textarea, .invalid select { border-color: var(--poor); }
.events .check { display: inline-flex; gap: 0.3rem; align-items: center; margin-right: 1rem; font-size: 0.9rem; }
.buttons, .draft-actions { display: flex; flex-wrap: wrap; gap: 0.75rem 1.25rem; align-items: flex-end; margin-top: 0.9rem; }
.draft-actions form, .draft-actions p { margin: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-end; }
.model-details { margin-top: 0.75rem; }
.model-details summary, .sample summary { cursor: pointer; color: var(--accent); }
.compare, .rollback { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: flex-end; margin-top: 1rem; }
.rollback h3, .rollback p { flex-basis: 100%; margin: 0; }
.histogram meter { display: block; width: 10rem; max-width: 100%; }
.sample { margin: 0.4rem 0; }
.sample .both { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem; margin-top: 0.5rem; }
.sample h4 { margin: 0 0 0.3rem; font-size: 0.85rem; }
@media (max-width: 700px) { .sample .both { grid-template-columns: minmax(0, 1fr); } .field textarea { min-width: 0; width: 100%; } }

/* Leads pages */
.lead-search { margin-bottom: 1rem; display: flex; flex-direction: column; gap: 0.4rem; }
.lead-search-row { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.lead-search-row input { flex: 1 1 14rem; }
.lead .form { display: flex; flex-direction: column; gap: 0.35rem; }
.lead .form label { font-size: 0.85rem; font-weight: 600; margin-top: 0.4rem; }
.lead .form button { align-self: flex-start; margin-top: 0.6rem; }
.lead-facts dt { font-size: 0.8rem; font-weight: 600; color: var(--muted); margin-top: 0.6rem; }
.lead-facts dd { margin: 0.1rem 0 0; overflow-wrap: anywhere; }
.lead-facts ul { margin: 0; padding-left: 1.1rem; }
.lead .when, .timeline .when { white-space: nowrap; }
.explanation .reasons li { white-space: normal; }
.danger-link { color: var(--poor); font-weight: 600; }
.erase-confirm { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; }
@media (max-width: 900px) { .grid.lead { grid-template-columns: minmax(0, 1fr); } }

/* Settings, spend and install pages */
.card h3 { font-size: 0.95rem; margin: 1.1rem 0 0.4rem; }
.webhook-actions { margin-top: 0.9rem; }
.card .sub { display: block; color: var(--muted); font-size: 0.78rem; }
.install textarea { min-height: 0; }
.flush { margin: 0; }
.flush + .flush { margin-top: 0.3rem; }
.missing { margin: 0.3rem 0 0; padding-left: 1.1rem; }
/* A CRM's field and stage maps: a row per edgescore field, its input as wide as the column, so two columns fit a phone. */
table.map { table-layout: fixed; }
table.map th[scope="row"] { width: 45%; font-weight: 400; vertical-align: middle; overflow-wrap: anywhere; }
table.map th[scope="row"] label { font-size: 0.9rem; }
table.map input { width: 100%; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.85rem; }
table.map td { padding-right: 0; }
.maps { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0 1rem; align-items: start; }
@media (max-width: 900px) { .maps { grid-template-columns: minmax(0, 1fr); } }

/* Spend page, and the overview's cost per MQL and time to MQL */
.spend-form { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.75rem; }
.spend-form .field { display: flex; flex-direction: column; gap: 0.2rem; flex: 1 1 9rem; min-width: 0; }
.spend-form label { font-weight: 600; font-size: 0.85rem; }
.spend-form .field-error, .spend .field-error { flex-basis: 100%; }
.spend form.inline { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin: 0; }
.spend input { width: 8.5rem; }
.spend button.secondary { color: var(--accent); background: var(--accent-soft); padding: 0.4rem 0.8rem; }
.spend td, .spend th { vertical-align: middle; }
.spend td:first-child { white-space: nowrap; }
/* Code in muted text keeps the text's own colour: muted grey on code's tint is too faint to read (WCAG AA). */
.note code, .muted code { color: var(--text); }
.percentiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(7rem, 1fr)); gap: 0.5rem; margin: 0.75rem 0 0; }
.percentiles dt { font-size: 0.78rem; color: var(--muted); }
.percentiles dd { margin: 0; font-weight: 600; }
table.cost tfoot > * > * { border-top: 2px solid var(--line); font-weight: 600; }

.login { max-width: 26rem; margin: 12vh auto 0; display: flex; flex-direction: column; gap: 0.6rem; }
.login h1 { font-size: 1.4rem; }
.login p { margin: 0; font-size: 0.9rem; }
.login label { font-weight: 600; font-size: 0.9rem; margin-top: 0.4rem; }
.error { color: var(--poor); background: #fde8e3; border-radius: 8px; padding: 0.5rem 0.75rem; }
.message { max-width: 36rem; margin: 10vh auto 0; }

@media (max-width: 900px) {
  .grid { grid-template-columns: minmax(0, 1fr); }
}
@media (max-width: 700px) {
  main { padding-top: 1rem; }
  h1 { font-size: 1.35rem; }
  .kpi dd { font-size: 1.25rem; }
  .cards thead { display: none; }
  .cards, .cards tbody, .cards tr, .cards td { display: block; width: 100%; }
  .cards tr { border: 1px solid var(--line); border-radius: 10px; padding: 0.4rem 0.75rem; margin-bottom: 0.6rem; }
  .cards td { display: grid; grid-template-columns: 6.5rem minmax(0, 1fr); gap: 0.1rem 0.5rem; padding: 0.3rem 0; border: 0; overflow-wrap: anywhere; }
  .cards td::before { content: attr(data-label); color: var(--muted); font-size: 0.78rem; font-weight: 600; }
  .cards td > * { grid-column: 2; }
  .cards .stage { justify-self: start; }
  table { font-size: 0.84rem; }
  th, td { padding-right: 0.45rem; }
  /* A chart is scaled to about two thirds on a phone: larger type keeps its labels readable. */
  .chart { font-size: 16px; }
  .chart text.muted { font-size: 15px; }
}
`;
