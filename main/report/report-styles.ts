/**
 * The one stylesheet of every report document. It is inlined (reports are filed and opened offline,
 * years later), uses only system fonts, and is designed for A4 print first: status is always a word and
 * a border style as well as a colour, so a greyscale printout loses nothing.
 */
export const REPORT_STYLES = `
:root {
  --ink: #1a2230; --muted: #5a6472; --rule: #c9cfd8; --soft: #f3f5f8; --accent: #1f3b63;
  --ok: #1d6b3a; --ok-bg: #e6f3ea; --bad: #a4161a; --bad-bg: #fbe9e9; --warn: #8a5300; --warn-bg: #fdf1dc;
  --open: #4b3a8c; --open-bg: #eeebf8;
}
* { box-sizing: border-box; }
html { background: #e9ecf0; }
body {
  margin: 0 auto; max-width: 210mm; background: #fff; color: var(--ink);
  font: 10pt/1.45 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
  padding: 14mm 14mm 18mm; box-shadow: 0 0 0 1px #d5dae1, 0 4px 18px rgba(0,0,0,.08);
}
h1, h2, h3, h4 { color: var(--accent); line-height: 1.25; margin: 0; }
h1 { font-size: 17pt; font-weight: 600; }
h2 { font-size: 12.5pt; font-weight: 600; margin: 20px 0 8px; padding-bottom: 3px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 11pt; font-weight: 600; margin: 0 0 6px; }
h4 { font-size: 9.5pt; font-weight: 600; margin: 10px 0 4px; color: var(--ink); }
p { margin: 4px 0 8px; }
.doc-header { border-bottom: 1px solid var(--rule); padding-bottom: 10px; margin-bottom: 12px; }
.doc-kicker { font-size: 8.5pt; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); margin-bottom: 4px; }
.doc-sub { color: var(--muted); margin-top: 4px; }
.mono { font-family: Consolas, "Cascadia Mono", "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 8.5pt; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.summary { border: 1.5px solid var(--accent); border-radius: 4px; margin: 0 0 8px; break-inside: avoid; }
.summary-head { display: flex; align-items: center; gap: 12px; padding: 10px 12px; border-bottom: 1px solid var(--rule); }
.summary-head .verdict { font-size: 10.5pt; }
.summary-grid { display: grid; grid-template-columns: repeat(3, 1fr); }
.summary-grid > div { padding: 7px 12px; border-right: 1px solid var(--rule); border-bottom: 1px solid var(--rule); }
.summary-grid > div:nth-child(3n) { border-right: 0; }
.summary-grid .k { display: block; font-size: 7.5pt; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.summary-grid .v { display: block; font-weight: 600; overflow-wrap: anywhere; }
.summary-foot { padding: 7px 12px; font-size: 9pt; }
.summary-foot .counts span { margin-right: 14px; white-space: nowrap; }

.banner { border: 2px solid var(--bad); background: var(--bad-bg); padding: 8px 12px; margin: 8px 0; font-weight: 600; break-inside: avoid; }
.banner.warn { border: 2px dashed var(--warn); background: var(--warn-bg); color: var(--ink); }
.banner.open { border-style: dashed; border-color: var(--open); background: var(--open-bg); color: var(--ink); }

.badge { display: inline-block; padding: 1px 7px; border-radius: 3px; font-weight: 600; font-size: 8.5pt; white-space: nowrap; border: 1.5px solid; text-transform: uppercase; letter-spacing: .03em; }
.badge.big { font-size: 11pt; padding: 3px 10px; }
.tone-ok { color: var(--ok); background: var(--ok-bg); border-color: var(--ok); border-style: solid; }
.tone-bad { color: #fff; background: var(--bad); border-color: var(--bad); border-style: double; border-width: 3px; }
.tone-warn { color: var(--warn); background: var(--warn-bg); border-color: var(--warn); border-style: dashed; }
.tone-open { color: var(--open); background: var(--open-bg); border-color: var(--open); border-style: dotted; border-width: 2px; }
.tone-neutral { color: var(--muted); background: #fff; border-color: var(--rule); border-style: solid; }

table { width: 100%; border-collapse: collapse; margin: 4px 0 10px; font-size: 9pt; }
caption { text-align: left; font-weight: 600; padding: 0 0 4px; color: var(--ink); }
th, td { text-align: left; vertical-align: top; padding: 4px 6px; border-bottom: 1px solid var(--rule); }
thead th { background: var(--soft); border-bottom: 1.5px solid var(--accent); font-size: 8pt; text-transform: uppercase; letter-spacing: .04em; color: var(--accent); }
tr { break-inside: avoid; }
table.facts th { width: 28%; font-weight: 600; color: var(--muted); background: none; }
table.facts td { overflow-wrap: anywhere; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
.two-col { display: grid; grid-template-columns: 1fr 1fr; gap: 0 18px; }

.step { border: 1px solid var(--rule); border-left: 4px solid var(--accent); border-radius: 3px; padding: 8px 10px; margin: 0 0 10px; }
.step.compact { padding: 5px 10px; margin-bottom: 6px; break-inside: avoid; }
.step.compact .step-meta { margin-bottom: 0; }
.step .applied-inline { list-style: none; padding: 0; margin: 2px 0 0; font-size: 9pt; }
.step.tone-bad-step { border-left-color: var(--bad); border-left-style: double; border-left-width: 6px; }
.step.tone-warn-step { border-left-color: var(--warn); border-left-style: dashed; }
.step.tone-open-step { border-left-color: var(--open); border-left-style: dotted; }
.step-head { display: flex; justify-content: space-between; align-items: baseline; gap: 10px; }
.step-meta { color: var(--muted); font-size: 8.5pt; margin: 2px 0 4px; }
.step ul { margin: 2px 0 6px; padding-left: 18px; }
.error-box { border: 1.5px solid var(--bad); background: var(--bad-bg); padding: 5px 8px; margin: 4px 0; font-size: 9pt; break-inside: avoid; }
.warn-box { border: 1.5px dashed var(--warn); background: var(--warn-bg); padding: 5px 8px; margin: 4px 0; font-size: 9pt; break-inside: avoid; }
.note-box { border-left: 3px solid var(--muted); background: var(--soft); padding: 6px 10px; margin: 4px 0; font-size: 9pt; }

figure.timeline { margin: 6px 0 12px; break-inside: avoid; }
figure.timeline svg { width: 100%; height: auto; display: block; }
figure.timeline figcaption { font-size: 8.5pt; color: var(--muted); margin-top: 4px; }

.signoff { display: grid; grid-template-columns: 1fr 1fr; gap: 14px 24px; margin-top: 8px; break-inside: avoid; }
.signoff .field { border-bottom: 1px solid var(--ink); height: 34px; position: relative; }
.signoff .field span { position: absolute; bottom: -16px; left: 0; font-size: 8pt; color: var(--muted); }
.signoff-block { border: 1px solid var(--rule); padding: 10px 12px 24px; margin-bottom: 10px; break-inside: avoid; }

table.log { font-family: Consolas, "Cascadia Mono", "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 7.5pt; }
table.log td { padding: 1px 4px; border-bottom: 1px solid #eceff3; }
table.log td.msg { white-space: pre-wrap; overflow-wrap: anywhere; }
table.log tr.lvl-warn td.lvl { font-weight: 700; color: var(--warn); }
table.log tr.lvl-error td.lvl { font-weight: 700; color: var(--bad); text-decoration: underline; }
table.log tr.lvl-error td.msg { font-weight: 600; }

.doc-footer { margin-top: 18px; padding-top: 8px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 8pt; }
/* The log appendix follows on from the report: a forced page break left most of a page empty for a short log. */
.appendix { margin-top: 24px; }
.keep { break-inside: avoid; }

@media screen and (max-width: 800px) { body { padding: 16px; } .summary-grid { grid-template-columns: 1fr 1fr; } }
@media print {
  html { background: none; }
  body { max-width: none; padding: 0; box-shadow: none; font-size: 9.5pt; }
  /*
   * A heading never ends a page: it is kept with what follows (break-after), and a table's first rows
   * are one unbreakable group (tbody.lead-rows), so a heading is never followed by a lone header row.
   */
  h2, h3, h4, .step-head, .step-meta, .lead, h2 + p, h3 + p, h4 + p { break-after: avoid; break-inside: avoid; }
  thead { break-inside: avoid; break-after: avoid; }
  tbody.lead-rows { break-inside: avoid; break-before: avoid; }
  tbody.lead-rows > tr { break-after: avoid; }
  /* A table's header row repeats on every page the table runs onto. */
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4; margin: 16mm 13mm 16mm 13mm; }
@page { @top-left { font: 7.5pt sans-serif; color: #5a6472; } @bottom-left { font: 7.5pt sans-serif; color: #5a6472; } @bottom-right { font: 7.5pt sans-serif; color: #5a6472; } }
`;
