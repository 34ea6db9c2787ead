/**
 * One citation record: the citation, its office action, that office action's rejections (from
 * oa_rejections, when served) and its traits (the OARD's flags), with links to the application's
 * citations, to everything citing the same reference and to the office action's own page - both
 * on this page's search and in the JSON API. The office-action parts are shared with that page
 * (office-action-page.ts).
 */
import { html } from 'hono/html';
import { FIELDS, type CatalogField, type FieldName } from '../../catalog/fields.ts';
import type { OaRecord } from '../../catalog/schema.ts';
import type { RejectionOut } from '../../api/rejections.ts';
import { CASE_LAW, groundOf, officeActionHref } from './hits.ts';
import { count, label, layout, valueLabel, type Html } from './layout.ts';

const CITATION_FIELDS: readonly FieldName[] = ['Patent_PGPub', 'citationText', 'applicationId', 'formType', 'actionType', 'actionSubtype'];
export const ACTION_FIELDS: readonly FieldName[] = ['ifwNumber', 'documentCd', 'mailDate', 'artUnit', 'techCenter', 'uspcClass', 'uspcSubClass', 'cite103Max', 'signatureType'];
/** The office-action traits: every flag that describes the office action, not the citation. */
const TRAIT_FIELDS: readonly CatalogField[] = FIELDS.filter((f) => f.type === 'flag' && f.source.table === 'office_actions');

function shown(field: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => valueLabel(field, String(v))).join(', ');
  return valueLabel(field, String(value));
}

/** The fields a record holds, as a definition list's rows. */
export function rows(record: OaRecord, fields: readonly FieldName[]): Html[] {
  return fields
    .filter((f) => record[f] !== undefined)
    .map((f) => html`<div><dt>${label(f)}</dt><dd>${shown(f, record[f])}</dd></div>`);
}

/** The office action's traits (its flags: both data sets carry them from the office-actions table). */
export function traitsSection(record: OaRecord): Html {
  const traits = TRAIT_FIELDS.filter((f) => record[f.name] !== undefined);
  return html`<section aria-labelledby="h-traits"><h2 id="h-traits">Office-action traits</h2>
    ${traits.length
      ? html`<ul class="traits">${traits.map((f) => html`<li class="${record[f.name] === 1 ? 'yes' : 'no'}"><span class="mark" aria-hidden="true">${record[f.name] === 1 ? '✔' : '–'}</span> ${f.label}<span class="visually-hidden">: ${record[f.name] === 1 ? 'yes' : 'no'}</span></li>`)}</ul>`
      : html`<p class="hint">No traits recorded for this office action.</p>`}
  </section>`;
}

/** Rejections as the office action lists them: ground, claims, case law cited. */
export function rejectionList(rejections: readonly RejectionOut[]): Html {
  if (!rejections.length) return html`<p class="hint">No rejection recorded for this office action.</p>`;
  return html`<ul class="rejections">${rejections.map((r) => {
    const cited = CASE_LAW.filter(([f]) => r[f] === 1).map(([, name]) => name);
    return html`<li><strong>${groundOf(r)}</strong>${r.claimNumbers ? html` - claims ${r.claimNumbers}` : ''}${cited.length ? html` - cites ${cited.join(', ')}` : ''}</li>`;
  })}</ul>`;
}

/**
 * The office action's rejections (oa_rejections), beside the citation: undefined when the
 * rejections data set is not served, so the section says so instead of "none".
 */
function rejectionsSection(rejections: readonly RejectionOut[] | undefined, app: string): Html | string {
  if (rejections === undefined) return '';
  return html`<section aria-labelledby="h-rejections"><h2 id="h-rejections">Rejections in this office action</h2>
    ${rejectionList(rejections)}
    <p class="json">JSON: <a href="/api/v1/applications/${encodeURIComponent(app)}/rejections">all rejections of application ${app}</a></p>
  </section>`;
}

export function recordPage(
  record: OaRecord,
  back: string,
  counts: { application: number; reference: number },
  rejections?: readonly RejectionOut[],
): Html {
  const app = String(record.applicationId);
  const ref = String(record.Patent_PGPub);
  const title = `${String(record.citationText ?? ref)} cited in ${app}`;
  return layout(
    `${title} - oa-citations`,
    html`<main id="main" class="record" tabindex="-1">
  <p><a href="${back}" class="back">← Back to results</a></p>
  <h1>${String(record.citationText ?? ref)} <span class="sub">cited in application ${app}</span></h1>
  <nav class="related" aria-label="Related citation lists">
    <a href="/?applicationId=${encodeURIComponent(app)}">All ${count(counts.application)} ${counts.application === 1 ? 'citation' : 'citations'} of application ${app}</a>
    <a href="/?Patent_PGPub=${encodeURIComponent(ref)}">All ${count(counts.reference)} ${counts.reference === 1 ? 'citation' : 'citations'} of reference ${ref}</a>
    <span class="json">JSON: <a href="/api/v1/applications/${encodeURIComponent(app)}/citations">application</a>,
      <a href="/api/v1/references/${encodeURIComponent(ref)}/citing">reference</a></span>
  </nav>
  <section aria-labelledby="h-citation"><h2 id="h-citation">Citation</h2><dl class="fields">${rows(record, CITATION_FIELDS)}</dl></section>
  <section aria-labelledby="h-action"><h2 id="h-action">Office action</h2>
    ${record.ifwNumber === undefined
      ? html`<p class="hint">Listed on a form only: no office action of its own.</p>`
      : html`<p><a id="office-action-link" href="${officeActionHref(record.ifwNumber)}">This office action's page: all its citations${rejections ? ' and rejections' : ''}</a></p>`}
    <dl class="fields">${rows(record, ACTION_FIELDS)}</dl></section>
  ${rejectionsSection(rejections, app)}
  ${traitsSection(record)}
  <p class="hint">Record id <code>${record.id}</code></p>
</main>`,
  );
}

export function notFoundPage(message: string, heading = 'Not found'): Html {
  return layout(`${heading} - oa-citations`, html`<main id="main" class="record"><h1>${heading}</h1><p>${message}</p><p><a href="/">Search citations</a></p></main>`);
}
