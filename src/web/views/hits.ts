/**
 * One search hit of each data set, as the results list shows it: a citation links to its record
 * page, a rejection to its office action's page (where it stands beside that action's citations).
 */
import { html } from 'hono/html';
import { REJECTIONS } from '../../catalog/rejections.ts';
import { valueLabel, type Html } from './layout.ts';

/** The case-law flags of a rejection, with the names the page shows them by. */
export const CASE_LAW = [
  ['aliceIn', 'Alice'],
  ['bilskiIn', 'Bilski'],
  ['mayoIn', 'Mayo'],
  ['myriadIn', 'Myriad'],
] as const;

/** "§ 103 (a)": a rejection's ground and subsection. */
export function groundOf(r: { actionType?: unknown; actionSubtype?: unknown }): string {
  const ground = valueLabel('actionType', String(r.actionType ?? ''), REJECTIONS);
  return r.actionSubtype ? `${ground} (${String(r.actionSubtype)})` : ground;
}

export const officeActionHref = (ifwNumber: unknown) => `/office-action/${encodeURIComponent(String(ifwNumber))}`;

/** Where it was mailed from: "application 12345678, mailed 2012-03-04, art unit 2154". */
function context(hit: Record<string, unknown>, verb: string): Html {
  return html`${verb} application <strong>${String(hit.applicationId)}</strong>${hit.mailDate ? html`, mailed ${String(hit.mailDate)}` : ''}${hit.artUnit ? html`, art unit ${String(hit.artUnit)}` : ''}`;
}

export function citationHit(hit: Record<string, unknown>): Html {
  const forms = (hit.formType as string[] | undefined) ?? [];
  const reference = String(hit.citationText ?? hit.Patent_PGPub);
  return html`<li class="hit">
  <a class="hit-title" href="/record/${encodeURIComponent(String(hit.id))}">${reference}</a>
  <span class="hit-meta">${context(hit, 'cited in')}${hit.actionSubtype ? html`, ${String(hit.actionSubtype)}` : hit.actionType ? html`, § ${String(hit.actionType)}` : ''}</span>
  <span class="badges">${forms.map((f) => html`<span class="badge">${valueLabel('formType', f)}</span>`)}</span>
</li>`;
}

export function rejectionHit(hit: Record<string, unknown>): Html {
  const cited = CASE_LAW.filter(([f]) => hit[f] === 1);
  const title = html`${groundOf(hit)}${hit.claimNumbers ? html` - claims ${String(hit.claimNumbers)}` : ''}`;
  return html`<li class="hit">
  ${hit.ifwNumber === undefined ? html`<span class="hit-title">${title}</span>` : html`<a class="hit-title" href="${officeActionHref(hit.ifwNumber)}">${title}</a>`}
  <span class="hit-meta">${context(hit, 'in')}${hit.documentCd ? html`, ${valueLabel('documentCd', String(hit.documentCd))}` : ''}</span>
  <span class="badges">${cited.map(([, name]) => html`<span class="badge">cites ${name}</span>`)}</span>
</li>`;
}
