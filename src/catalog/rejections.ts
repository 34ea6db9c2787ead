/**
 * The `oa_rejections` data set: one record per row of the OARD rejections table (a ground of
 * rejection of some claims in one office action), joined with its office action exactly as a
 * citation is. The v1 names are the contract's (../shared/reference/legacy-contract.md,
 * "`oa_rejections` v1"); the Catalog derives the rest.
 */
import { Catalog } from './catalog.ts';
import { derived, field, flag, own } from './field-spec.ts';
import { applicationIdOf, ifwNumberOf, MAIL_YEAR_FIELD, OFFICE_ACTION_FIELDS, OFFICE_ACTION_GROUPS, TECH_CENTER_FIELD } from './shared-fields.ts';

const rej = own('rejections');

export const REJECTION_FIELDS = [
  // A rejections row has no column of its own that tells it apart: the id hashes all of them but
  // the case-law flags (which describe the ground, they do not make another one).
  field(
    ['id', 'Record id'],
    'string',
    derived('applicationId', 'ifwNumber', 'actionType', 'actionSubtype', 'claimNumbers'),
    'Stable record id: a hash of (applicationId, ifwNumber, actionType, actionSubtype, claimNumbers).',
    { filter: false, required: true },
  ),
  // Not full-text searchable: a rejection is found by its application (a filter), and the words
  // database of 10 M application numbers would cost about a tenth of the index.
  { ...applicationIdOf('rejections'), search: false, typo: false },
  ifwNumberOf('rejections'),
  field(
    ['actionType', 'Ground'],
    'string',
    rej('action_type'),
    'Ground of the rejection: 101, 102, 103, 112 or nonstatutory double patenting; events such as objected or allowed occur.',
    { facet: true, usual: ['101', '102', '103', '112', 'nonstatutory double patenting'] },
  ),
  field(['actionSubtype', 'Subsection'], 'string', rej('action_subtype'), 'Subsection of the ground, e.g. a, b, e (102) or a, b, f (112).', {
    facet: true,
    usual: ['a', 'b', 'd', 'e', 'f'],
  }),
  field(
    ['claimNumbers', 'Claims'],
    'string',
    rej('claim_numbers'),
    'The rejected claims as one comma-separated string, e.g. "6,7,8,11" (v1 served it as one string).',
    { distinct: 3_000_000, list: { param: 'claim', item: 'claim number' } },
  ),
  flag(['aliceIn', 'Cites Alice'], rej('alice_in'), '1 = the rejection cites Alice Corp. v. CLS Bank (2014).'),
  flag(['bilskiIn', 'Cites Bilski'], rej('bilski_in'), '1 = the rejection cites Bilski v. Kappos (2010).'),
  flag(['mayoIn', 'Cites Mayo'], rej('mayo_in'), '1 = the rejection cites Mayo v. Prometheus (2012).'),
  flag(['myriadIn', 'Cites Myriad'], rej('myriad_in'), '1 = the rejection cites AMP v. Myriad Genetics (2013).'),
  ...OFFICE_ACTION_FIELDS,
  TECH_CENTER_FIELD,
  // Computed on read here (its filters, facets and sorts through mailDate): a rejection is a thinner
  // row than a citation, and the stored year was the difference between 1,009 and 930 bytes per row
  // (`npm run bench -- --plan full --only rss,rejections --sizes 1000000`), inside the citations' budget.
  { ...MAIL_YEAR_FIELD, stored: false },
] as const;

export type RejectionField = (typeof REJECTION_FIELDS)[number];

export const REJECTIONS = new Catalog<RejectionField>({
  dataset: 'oa_rejections',
  version: 'v1',
  noun: 'rejection',
  table: 'rejections',
  // 3: claimNumbers stored fenced by commas (a list).
  layoutVersion: 3,
  fields: REJECTION_FIELDS,
  groups: [['codesRejection', ['aliceIn', 'bilskiIn', 'mayoIn', 'myriadIn', 'actionType', 'actionSubtype']], ...OFFICE_ACTION_GROUPS],
});
