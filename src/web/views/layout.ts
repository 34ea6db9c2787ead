/**
 * The page shell shared by every web page: one stylesheet, one small script (progressive
 * enhancement only: every page works without it), a skip link and landmarks for screen readers.
 */
import { html } from 'hono/html';
import { FIELD_BY_NAME } from '../../catalog/fields.ts';

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
</body>
</html>`;
}

/** The short human name of a catalog field. */
export const label = (field: string): string => FIELD_BY_NAME.get(field)?.label ?? field;

/** Human names of coded values, where the code alone says little. */
const VALUE_LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  formType: { '892': 'PTO-892 (examiner)', '1449': 'PTO-1449 (applicant)', 'oa-text': 'Office-action text' },
  documentCd: { CTNF: 'Non-final rejection (CTNF)', CTFR: 'Final rejection (CTFR)' },
  actionType: { '102': '§ 102', '103': '§ 103' },
};

export const valueLabel = (field: string, value: string): string => VALUE_LABELS[field]?.[value] ?? value;

export const count = (n: number): string => n.toLocaleString('en-US');
