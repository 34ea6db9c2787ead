/**
 * The page shell shared by every web page: one stylesheet, one small script (progressive
 * enhancement only: every page works without it), a skip link and landmarks for screen readers.
 */
import { html } from 'hono/html';
import { FIELD_BY_NAME, isFieldName, type FieldName } from '../../catalog/fields.ts';

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

/** The short human name of a catalog field, or of a date-range parameter ("Mail date from"). */
export function label(param: string): string {
  const range = /^(.+)(From|To)$/.exec(param);
  if (range && FIELD_BY_NAME.get(range[1]!)?.type === 'date') return `${FIELD_BY_NAME.get(range[1]!)!.label} ${range[2]!.toLowerCase()}`;
  return FIELD_BY_NAME.get(param)?.label ?? param;
}

/** Human names of coded values, where the code alone says little. */
const VALUE_LABELS: Readonly<Partial<Record<FieldName, Readonly<Record<string, string>>>>> = {
  formType: { '892': 'PTO-892 (examiner)', '1449': 'PTO-1449 (applicant)', 'oa-text': 'Office-action text' },
  documentCd: { CTNF: 'Non-final rejection (CTNF)', CTFR: 'Final rejection (CTFR)' },
  actionType: { '102': '§ 102', '103': '§ 103' },
};

/** The human name of a value (user input: looked up as own properties only, never `constructor`). */
export function valueLabel(field: string, value: string): string {
  const labels = (isFieldName(field) && Object.hasOwn(VALUE_LABELS, field) ? VALUE_LABELS[field] : undefined) ?? {};
  return Object.hasOwn(labels, value) ? labels[value]! : value;
}

export const count = (n: number): string => n.toLocaleString('en-US');
