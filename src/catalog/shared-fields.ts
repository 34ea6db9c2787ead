/**
 * The fields both data sets share, written once: the keys every OARD table carries (each data set
 * reads them from its own table), the office action's traits (joined on ifw_number, the same for
 * a citation and a rejection), and the derived fields computed from those. citations.ts and
 * rejections.ts spread them into their catalogs; so do the office action's group codes.
 */
import { app, derived, doc, field, flag, own, type OwnTable } from './field-spec.ts';
import type { GroupSpec } from './group-codes.ts';

/** applicationId, from the data set's own table. */
export const applicationIdOf = (table: OwnTable) =>
  field(['applicationId', 'Application'], 'string', own(table)('app_id'), '8-digit application number (leading zeros kept).', {
    sort: true,
    search: true,
    typo: true,
    defaultField: true,
    required: true,
    distinct: 2_200_000,
  });

/** ifwNumber, from the data set's own table: the join key to office_actions. */
export const ifwNumberOf = (table: OwnTable) =>
  field(['ifwNumber', 'Office action document'], 'string', own(table)('ifw_number'), 'Document id of the office action (join key to office actions).', {
    defaultField: true,
    distinct: 4_400_000,
  });

/** The office action's traits, in the order the indexer's office-action map holds them. */
export const OFFICE_ACTION_FIELDS = [
  field(['documentCd', 'Document code'], 'string', doc('document_cd'), 'Office action type: CTNF (non-final) or CTFR (final).', {
    facet: true,
    usual: ['CTFR', 'CTNF'],
  }),
  field(['mailDate', 'Mail date'], 'date', doc('mail_dt'), 'Mail date of the office action (v1 serves yyyy-MM-ddT00:00:00).', {
    sort: true,
    distinct: 3_500,
  }),
  field(['artUnit', 'Art unit'], 'string', app('art_unit'), '4-digit examining art unit.', { sort: true, facet: true, distinct: 1_000 }),
  field(['uspcClass', 'USPC class'], 'string', app('uspc_class'), 'USPC class.', { facet: true, distinct: 500 }),
  field(['uspcSubClass', 'USPC subclass'], 'string', app('uspc_subclass'), 'USPC subclass.', { distinct: 100_000 }),
  flag(['headerMissing', 'Header missing'], doc('header_missing'), '1 = the office-action header could not be parsed.'),
  flag(['formParagraphMissing', 'Form paragraph missing'], doc('fp_missing'), '1 = no form paragraph was found.'),
  flag(['rejectFpMisMatch', 'Rejection / form paragraph mismatch'], doc('rejection_fp_mismatch'), '1 = rejections and form paragraphs disagree.'),
  flag(['closingMissing', 'Closing missing'], doc('closing_missing'), '1 = the closing block could not be parsed.'),
  flag(['rejection101', '101 rejection'], doc('rejection_101'), '1 = the office action contains a 35 USC 101 rejection.'),
  flag(['rejection102', '102 rejection'], doc('rejection_102'), '1 = the office action contains a 35 USC 102 rejection.'),
  flag(['rejection103', '103 rejection'], doc('rejection_103'), '1 = the office action contains a 35 USC 103 rejection.'),
  flag(['rejection112', '112 rejection'], doc('rejection_112'), '1 = the office action contains a 35 USC 112 rejection.'),
  flag(['rejectionDp', 'Double-patenting rejection'], doc('rejection_dp'), '1 = the office action contains a double-patenting rejection.'),
  flag(['objection', 'Objection'], doc('objection'), '1 = the office action contains an objection.'),
  flag(['allowedClaims', 'Allowed claims'], doc('allowed_claims'), '1 = the office action allows claims.'),
  flag(['cite102Gt1', '102 cites more than one'], doc('cite102_gt1'), '1 = a 102 rejection cites more than one reference.'),
  flag(['cite103Gt3', '103 combines more than three'], doc('cite103_gt3'), '1 = a 103 rejection combines more than three references.'),
  flag(['cite103Eq1', '103 on a single reference'], doc('cite103_eq1'), '1 = a 103 rejection rests on a single reference.'),
  field(['cite103Max', 'Most references in one 103'], 'int', doc('cite103_max'), 'Most references combined in one 103 rejection.', {
    sort: true,
    facet: true,
  }),
  field(['signatureType', 'Signature block'], 'string', doc('signature_type'), 'Code of the examiner signature block (opaque).', {
    facet: true,
    usual: ['0', '1', '2', '3', '4'],
  }),
] as const;

/** Derived fields of the modern API (not part of the v1 contract) that every data set has. */
export const TECH_CENTER_FIELD = field(['techCenter', 'Tech center'], 'string', derived('artUnit'), 'Technology center: first two digits of the art unit + "00".', {
  legacy: false,
  facet: true,
  stored: false,
});

// Stored for citations although derived: counting years through the ~3,500 mail dates was 20 times
// slower (it costs about 90 bytes per row of index: measured with `npm run bench -- --plan scale`).
export const MAIL_YEAR_FIELD = field(['mailYear', 'Mail year'], 'int', derived('mailDate'), 'Year of the mail date.', { legacy: false, sort: true, facet: true });

export const SHARED_DERIVED_FIELDS = [TECH_CENTER_FIELD, MAIL_YEAR_FIELD] as const;

/**
 * The office action's flags and codes as two group codes (see group-codes.ts), in both data sets:
 * a record of either keeps its office action's traits in the same two attributes.
 */
export const OFFICE_ACTION_GROUPS: readonly GroupSpec[] = [
  ['codesOffice1', ['documentCd', 'headerMissing', 'formParagraphMissing', 'rejectFpMisMatch', 'closingMissing', 'rejection101', 'rejection102', 'rejection103']],
  ['codesOffice2', ['signatureType', 'rejection112', 'rejectionDp', 'objection', 'allowedClaims', 'cite102Gt1', 'cite103Gt3', 'cite103Eq1']],
];
