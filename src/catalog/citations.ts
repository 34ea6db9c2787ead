/**
 * The `oa_citations` data set: one record per row of the OARD citations table, joined with its
 * office action. Its fields are listed here and nowhere else; the Catalog derives the rest.
 */
import { Catalog } from './catalog.ts';
import { derived, field, flag, own } from './field-spec.ts';
import { applicationIdOf, ifwNumberOf, OFFICE_ACTION_FIELDS, OFFICE_ACTION_GROUPS, SHARED_DERIVED_FIELDS } from './shared-fields.ts';

const cit = own('citations');

export const CITATION_FIELDS = [
  // Not filterable or sortable: a unique value per record is the most expensive thing an index can
  // facet (about a quarter of the index), and nothing needs it: records are read by id through the
  // documents route, and results come in index order (the order of the citations file).
  field(['id', 'Record id'], 'string', derived('applicationId', 'ifwNumber', 'Patent_PGPub'), 'Stable record id: a hash of (applicationId, ifwNumber, Patent_PGPub).', {
    filter: false,
    required: true,
  }),
  applicationIdOf('citations'),
  field(
    ['Patent_PGPub', 'Cited reference'],
    'string',
    cit('parsed'),
    'Cited reference: patent (7-8 digits) or pre-grant publication (yyyy + 7 digits) number; foreign ids occur.',
    { sort: true, search: true, typo: true, defaultField: true, required: true, distinct: 10_000_000 },
  ),
  field(
    ['citationText', 'Reference as written'],
    'string',
    cit('citation_pat_pgpub_id'),
    'The reference as written in the office action or form, e.g. "US 7,123,456 B2" (not served by v1).',
    { legacy: false, filter: false, search: true, typo: true },
  ),
  ifwNumberOf('citations'),
  field(['actionType', 'Action type'], 'string', cit('action_type'), 'Rejection ground the reference was cited under: 102, 103, or absent.', {
    facet: true,
    usual: ['102', '103'],
  }),
  field(['actionSubtype', 'Action subtype'], 'string', cit('action_subtype'), 'Rejection subsection, e.g. 102(b), 103(a).', {
    facet: true,
    usual: ['102', '102(a)', '102(a)(1)', '102(b)', '102(e)', '103', '103(a)'],
  }),
  flag(['form892', 'On PTO-892'], cit('form892'), '1 = listed on a PTO-892 (examiner) form.', { required: true }),
  flag(['form1449', 'On PTO-1449'], cit('form1449'), '1 = listed on a PTO-1449 (applicant IDS) form.', { required: true }),
  flag(['citationInOA', 'In office-action text'], cit('citation_in_oa'), '1 = cited in the office-action text.', { required: true }),
  ...OFFICE_ACTION_FIELDS,
  // Derived fields of the modern API (not part of the v1 contract), computed when read.
  field(['formType', 'Form type'], 'strings', derived('form892', 'form1449', 'citationInOA'), 'Where the reference was listed: 892, 1449 and/or oa-text (multi-valued).', {
    legacy: false,
    facet: true,
    stored: false,
  }),
  ...SHARED_DERIVED_FIELDS,
] as const;

export type CitationField = (typeof CITATION_FIELDS)[number];

export const CITATIONS = new Catalog<CitationField>({
  dataset: 'oa_citations',
  version: 'v1',
  noun: 'citation',
  table: 'citations',
  layoutVersion: 2,
  fields: CITATION_FIELDS,
  groups: [['codesCitation', ['form892', 'form1449', 'citationInOA', 'actionType', 'actionSubtype']], ...OFFICE_ACTION_GROUPS],
  // References by count, so "most-cited" analytics read the top of the facet, not its alphabetical head.
  facetsByCount: ['Patent_PGPub'],
  storedUnlessSameAs: { field: 'citationText', as: 'Patent_PGPub' },
});
