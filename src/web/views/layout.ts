/**
 * The page shell shared by every web page: one stylesheet, one small script (progressive
 * enhancement only: every page works without it), a skip link and landmarks for screen readers.
 */
import { html } from 'hono/html';
import type { Catalog } from '../../catalog/catalog.ts';
import { CITATIONS } from '../../catalog/citations.ts';

export type Html = ReturnType<typeof html>;

export function layout(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to results</a>
<header class="top">
  <a class="brand" href="/">oa-citations</a>
  <span class="tagline">USPTO office-action citations</span>
  <nav aria-label="Other views"><a href="/docs">API reference</a> <a href="/ds-api/">Legacy DS-API</a></nav>
</header>
${body}
<p id="announce" class="visually-hidden" role="status" aria-live="polite"></p>
</body>
</html>`;
}

/**
 * The short human name of a parameter of a data set's page: a catalog field, a date-range bound
 * ("Mail date from") or a list parameter (its item: "Claim number").
 */
export function label(param: string, catalog: Catalog = CITATIONS): string {
  const range = /^(.+)(From|To)$/.exec(param);
  const ranged = range ? catalog.byName.get(range[1]!) : undefined;
  if (ranged?.type === 'date') return `${ranged.label} ${range![2]!.toLowerCase()}`;
  const list = catalog.fields.find((f) => f.list?.param === param)?.list;
  if (list) return list.item.charAt(0).toUpperCase() + list.item.slice(1);
  return catalog.byName.get(param)?.label ?? param;
}

/** Human names of coded values, where the code alone says little (by field name, in every data set). */
const VALUE_LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  formType: { '892': 'PTO-892 (examiner)', '1449': 'PTO-1449 (applicant)', 'oa-text': 'Office-action text' },
  documentCd: { CTNF: 'Non-final rejection (CTNF)', CTFR: 'Final rejection (CTFR)' },
  actionType: { '101': '§ 101', '102': '§ 102', '103': '§ 103', '112': '§ 112' },
};
const FLAG_LABELS: Readonly<Record<string, string>> = { '1': 'Yes', '0': 'No' };

/** The human name of a value (user input: looked up as own properties only, never `constructor`). */
export function valueLabel(field: string, value: string, catalog: Catalog = CITATIONS): string {
  const labels = catalog.byName.get(field)?.type === 'flag' ? FLAG_LABELS : Object.hasOwn(VALUE_LABELS, field) ? VALUE_LABELS[field]! : {};
  return Object.hasOwn(labels, value) ? labels[value]! : value;
}

export const count = (n: number): string => n.toLocaleString('en-US');
