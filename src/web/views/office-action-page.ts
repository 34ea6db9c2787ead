/**
 * One office action: its citations (oa_citations) and its rejections (oa_rejections) together,
 * with its fields and traits. Each citation links to its record page, which links back here; the
 * rejections search links here from every hit.
 */
import { html } from 'hono/html';
import type { OaRecord } from '../../catalog/schema.ts';
import type { RejectionOut } from '../../api/rejections.ts';
import { officeActionHref } from './hits.ts';
import { count, layout, valueLabel, type Html } from './layout.ts';
import { ACTION_FIELDS, rejectionList, rows, traitsSection } from './record-page.ts';

/** Records of one data set read for the page: up to a limit, with the exact total. */
export interface Listed<T> {
  readonly items: readonly T[];
  readonly total: number;
}

export interface OfficeActionView {
  readonly ifwNumber: string;
  /** A record of the office action (citation or rejection: both carry its fields and traits). */
  readonly record: OaRecord;
  /** Undefined when the citations index is not built. */
  readonly citations?: Listed<OaRecord>;
  /** Undefined when the rejections data set is not served (or its index not built). */
  readonly rejections?: Listed<RejectionOut>;
}

const q = (name: string, value: string) => `${name}=${encodeURIComponent(value)}`;

function citationItem(r: OaRecord): Html {
  const forms = (r.formType as string[] | undefined) ?? [];
  return html`<li><a href="/record/${encodeURIComponent(r.id)}">${String(r.citationText ?? r.Patent_PGPub)}</a>${r.actionType ? html` - ${valueLabel('actionType', String(r.actionType))}` : ''}
    <span class="badges">${forms.map((f) => html`<span class="badge">${valueLabel('formType', f)}</span>`)}</span></li>`;
}

/** "12 of 40 shown; all of them on the search page". */
function more(listed: Listed<unknown>, href: string, noun: string): Html {
  const all = html`<a href="${href}">${listed.total === 1 ? `this ${noun}` : `all ${count(listed.total)} ${noun}s`} on the search page</a>`;
  return listed.items.length < listed.total
    ? html`<p class="hint">${count(listed.items.length)} of ${count(listed.total)} shown; ${all}.</p>`
    : html`<p class="hint">See ${all}.</p>`;
}

export function officeActionPage(view: OfficeActionView): Html {
  const { ifwNumber, record, citations, rejections } = view;
  const app = String(record.applicationId);
  const kind = record.documentCd ? valueLabel('documentCd', String(record.documentCd)) : 'Office action';
  const byIfw = q('ifwNumber', ifwNumber);
  return layout(
    `Office action ${ifwNumber} of ${app} - oa-citations`,
    html`<main id="main" class="record" tabindex="-1">
  <h1>Office action ${ifwNumber} <span class="sub">${kind}, application ${app}${record.mailDate ? `, mailed ${String(record.mailDate)}` : ''}</span></h1>
  <nav class="related" aria-label="Related lists">
    <a href="/?${q('applicationId', app)}">All citations of application ${app}</a>
    ${rejections ? html`<a href="/rejections?${q('applicationId', app)}">All rejections of application ${app}</a>` : ''}
    <span class="json">JSON: <a href="/api/v1/applications/${encodeURIComponent(app)}/citations">citations</a>${rejections ? html`,
      <a href="/api/v1/applications/${encodeURIComponent(app)}/rejections">rejections</a>` : ''} of the application</span>
  </nav>
  <section aria-labelledby="h-action"><h2 id="h-action">Office action</h2><dl class="fields">${rows(record, ['applicationId', ...ACTION_FIELDS])}</dl></section>
  ${citations
    ? html`<section aria-labelledby="h-citations" id="citations"><h2 id="h-citations">Citations (${count(citations.total)})</h2>
    ${citations.items.length ? html`<ul class="citations">${citations.items.map(citationItem)}</ul>${more(citations, `/?${byIfw}`, 'citation')}` : html`<p class="hint">No citation recorded for this office action.</p>`}
  </section>`
    : ''}
  ${rejections
    ? html`<section aria-labelledby="h-rejections" id="rejections"><h2 id="h-rejections">Rejections (${count(rejections.total)})</h2>
    ${rejectionList(rejections.items)}${rejections.items.length ? more(rejections, `/rejections?${byIfw}`, 'rejection') : ''}
  </section>`
    : ''}
  ${traitsSection(record)}
  <p class="hint">Link to this page: <code>${officeActionHref(ifwNumber)}</code></p>
</main>`,
  );
}
