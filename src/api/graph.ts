/**
 * The citation graph, both directions:
 * - `GET /api/v1/applications/{appId}/citations`: what one application's office actions cited,
 *   grouped by office action (mail date, document code, form types); citations listed only on a
 *   PTO-892/1449 form, without an office action, form their own group.
 * - `GET /api/v1/references/{number}/citing`: which applications cited one reference, with their
 *   art units and citing dates.
 * Both take the number in any written form (numbers.ts). A 404 means no record at all matched;
 * it carries the lookup's nearest numbers as suggestions (a typo is the usual cause).
 */
import { z } from 'zod';
import type { FieldName } from '../catalog/fields.ts';
import type { OaRecord } from '../catalog/schema.ts';
import { ApiError } from '../http/errors.ts';
import { anyOf, type Filter } from '../filter/ast.ts';
import type { RecordStore } from '../store/records.ts';
import { lookupNumber, requireNumber, type Candidate } from './lookup.ts';
import { classifyStored, fieldOfKind, storedForms, type ParsedNumber } from './numbers.ts';
import { readAll, withoutMissingIndex, type GraphLimits } from './read-all.ts';
import { defineRoute } from './registry.ts';
import { groupRejections, rejectionOut } from './rejections.ts';
import { countOut, intParam, jsonResponse, numberKindOut } from './schemas.ts';
import { requestSignal } from '../http/node-request.ts';

export type { GraphLimits };

const str = (r: OaRecord, f: FieldName): string | undefined => (r[f] === undefined ? undefined : String(r[f]));
const strs = (r: OaRecord, f: FieldName): string[] => (Array.isArray(r[f]) ? (r[f] as string[]) : r[f] === undefined ? [] : [String(r[f])]);
const cmp = (a: string | undefined, b: string | undefined) => (a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : 1);
const union = (lists: string[][]) => [...new Set(lists.flat())].sort();

async function notFound(store: RecordStore, parsed: ParsedNumber, what: string, keep: (c: Candidate) => boolean, signal: AbortSignal): Promise<ApiError> {
  const suggestions = (await lookupNumber(store, parsed, 20, signal)).filter(keep).slice(0, 5);
  const hint = suggestions.length ? `; did you mean ${suggestions.map((s) => s.number).join(', ')}?` : '';
  return new ApiError(404, 'not_found', `no citation records for ${what} "${parsed.input}"${hint}`, { details: { suggestions } });
}

// ---------------------------------------------------------------------------------------------
// applications/{appId}/citations

const citationOut = z.object({
  id: z.string(),
  reference: z.string().describe('Patent_PGPub as stored.'),
  kind: numberKindOut,
  citationText: z.string().optional().describe('The reference as written.'),
  formType: z.array(z.string()),
  actionType: z.string().optional(),
  actionSubtype: z.string().optional(),
  citationInOA: z.number().int(),
  form892: z.number().int(),
  form1449: z.number().int(),
});

const groupOut = z.object({
  ifwNumber: z.string().optional().describe('Document id of the office action; absent for the form-only group.'),
  mailDate: z.string().optional(),
  documentCd: z.string().optional(),
  formTypes: z.array(z.string()).describe('Union of the form types of the group\'s citations.'),
  citationCount: countOut,
  citations: z.array(citationOut),
  rejections: z
    .array(rejectionOut)
    .optional()
    .describe("The office action's rejections (oa_rejections: ground, claims, case-law flags), when the rejections data set is served; absent for the form-only group."),
});

export const applicationCitationsOut = z.object({
  applicationId: z.string(),
  artUnit: z.string().optional(),
  techCenter: z.string().optional(),
  uspcClass: z.string().optional(),
  totalCitations: countOut.describe('All citation records of the application.'),
  complete: z.boolean().describe('False when the application has more records than one answer holds.'),
  officeActions: z.array(groupOut).describe('By mail date; office actions missing from the data (orphans) last.'),
  formOnly: groupOut.nullable().describe('Citations listed only on a PTO-892/1449 form, without an office action.'),
  totalRejections: countOut.optional().describe('All rejection records of the application (when the rejections data set is served); /applications/{appId}/rejections lists them all.'),
});

function citationOf(r: OaRecord): z.input<typeof citationOut> {
  const reference = str(r, 'Patent_PGPub') ?? '';
  const c: z.input<typeof citationOut> = {
    id: r.id,
    reference,
    kind: classifyStored('Patent_PGPub', reference).kind,
    formType: strs(r, 'formType'),
    citationInOA: Number(r.citationInOA ?? 0),
    form892: Number(r.form892 ?? 0),
    form1449: Number(r.form1449 ?? 0),
  };
  for (const f of ['citationText', 'actionType', 'actionSubtype'] as const) {
    const v = str(r, f);
    if (v !== undefined) c[f] = v;
  }
  return c;
}

function groupOf(records: OaRecord[], ifwNumber: string | undefined): z.input<typeof groupOut> {
  const first = records[0]!;
  const citations = records.map(citationOf).sort((a, b) => cmp(a.reference, b.reference) || cmp(a.id, b.id));
  return {
    ...(ifwNumber !== undefined ? { ifwNumber } : {}),
    ...(str(first, 'mailDate') ? { mailDate: str(first, 'mailDate') } : {}),
    ...(str(first, 'documentCd') ? { documentCd: str(first, 'documentCd') } : {}),
    formTypes: union(records.map((r) => strs(r, 'formType'))),
    citationCount: records.length,
    citations,
  };
}

export function applicationCitationsRoute(store: RecordStore, limits: GraphLimits, rejections?: RecordStore) {
  return defineRoute({
    method: 'get',
    path: '/api/v1/applications/{appId}/citations',
    operationId: 'applicationCitations',
    tag: 'Citation graph',
    summary: "What an application's office actions cited, grouped by office action",
    description: 'appId in any written form ("12/345,678", "12345678"). 404 when the application has no citation record (with suggestions).',
    params: z.object({ appId: z.string().max(100).describe('Application number, e.g. 12/345,678.') }),
    response: jsonResponse('ApplicationCitationsResponse', 'The application\'s citations by office action.', applicationCitationsOut),
    errors: [404, 503],
    handler: async (c, { params }) => {
      const signal = requestSignal(c);
      const parsed = requireNumber('appId', params.appId, 'application');
      const readings = parsed.interpretations.filter((r) => r.kind === 'application');
      const values = readings.length ? readings.flatMap(storedForms) : [parsed.searchText];
      const appFilter = anyOf('applicationId', values);
      // Its rejections are read beside its citations, from the other data set's index.
      const [{ records, total, complete }, rejected] = await Promise.all([
        readAll(store, appFilter, limits.maxRecords, signal),
        // A deployment that built only the citations answers them without rejections.
        rejections ? readAll(rejections, appFilter, limits.maxRecords, signal).catch(withoutMissingIndex) : undefined,
      ]);
      if (total === 0) throw await notFound(store, parsed, 'application', (s) => s.kind === 'application', signal);
      const rejectionsOf = new Map((rejected ? groupRejections(rejected.records) : []).map((g) => [g.ifwNumber, g.rejections]));

      const byOa = new Map<string, OaRecord[]>();
      const formOnly: OaRecord[] = [];
      for (const r of records) {
        const ifw = str(r, 'ifwNumber');
        if (ifw === undefined) formOnly.push(r);
        else (byOa.get(ifw) ?? byOa.set(ifw, []).get(ifw)!).push(r);
      }
      const officeActions = [...byOa].map(([ifw, rs]) => ({ ...groupOf(rs, ifw), ...(rejected ? { rejections: rejectionsOf.get(ifw) ?? [] } : {}) })).sort((a, b) => cmp(a.mailDate, b.mailDate) || cmp(a.ifwNumber, b.ifwNumber));
      // Application-level traits from the latest office action (as the indexer assigns them).
      const latest = [...records].sort((a, b) => cmp(str(b, 'mailDate') ?? '', str(a, 'mailDate') ?? ''))[0]!;
      const traits: Record<string, string> = {};
      for (const f of ['artUnit', 'techCenter', 'uspcClass'] as const) {
        const v = str(latest, f) ?? records.map((r) => str(r, f)).find((x) => x !== undefined);
        if (v !== undefined) traits[f] = v;
      }
      return {
        applicationId: str(records[0]!, 'applicationId')!,
        ...traits,
        totalCitations: total,
        complete,
        officeActions,
        formOnly: formOnly.length ? groupOf(formOnly, undefined) : null,
        ...(rejected ? { totalRejections: rejected.total } : {}),
      };
    },
  });
}

// ---------------------------------------------------------------------------------------------
// references/{number}/citing

const citingApplicationOut = z.object({
  applicationId: z.string(),
  artUnit: z.string().optional(),
  techCenter: z.string().optional(),
  records: countOut.describe('Citation records of this application citing the reference.'),
  officeActions: countOut.describe('Distinct office actions citing it.'),
  firstMailDate: z.string().optional(),
  lastMailDate: z.string().optional(),
  formTypes: z.array(z.string()),
  actionTypes: z.array(z.string()),
});

export const citingOut = z.object({
  reference: z.object({ number: z.string(), kind: numberKindOut, storedValues: z.array(z.string()) }),
  totalRecords: countOut,
  totalApplications: countOut,
  complete: z.boolean().describe('False when the reference has more records than one answer reads.'),
  page: z.number().int(),
  pageSize: z.number().int(),
  byArtUnit: z.record(z.string(), countOut).describe('Citing applications per art unit.'),
  applications: z.array(citingApplicationOut).describe('By first citing mail date (undated last), then application number.'),
});

const CITING_FIELDS: readonly FieldName[] = ['id', 'applicationId', 'artUnit', 'techCenter', 'mailDate', 'ifwNumber', 'formType', 'actionType', 'Patent_PGPub'];

function citingApplication(applicationId: string, rs: OaRecord[]): z.input<typeof citingApplicationOut> {
  const dates = rs.flatMap((r) => strs(r, 'mailDate')).sort();
  const out: z.input<typeof citingApplicationOut> = {
    applicationId,
    records: rs.length,
    officeActions: new Set(rs.flatMap((r) => strs(r, 'ifwNumber'))).size,
    formTypes: union(rs.map((r) => strs(r, 'formType'))),
    actionTypes: union(rs.map((r) => strs(r, 'actionType'))),
  };
  const withUnit = rs.find((r) => str(r, 'artUnit') !== undefined);
  if (withUnit) out.artUnit = str(withUnit, 'artUnit');
  const withTc = rs.find((r) => str(r, 'techCenter') !== undefined);
  if (withTc) out.techCenter = str(withTc, 'techCenter');
  if (dates.length) {
    out.firstMailDate = dates[0];
    out.lastMailDate = dates[dates.length - 1];
  }
  return out;
}

export function citingRoute(store: RecordStore, limits: GraphLimits) {
  return defineRoute({
    method: 'get',
    path: '/api/v1/references/{number}/citing',
    operationId: 'citingApplications',
    tag: 'Citation graph',
    summary: 'Which applications cited a reference, with art units and dates',
    description: 'number in any written form ("US 7,123,456 B2", "US 2005/0123456 A1", "EP1234567"). 404 when no record cites it (with suggestions).',
    params: z.object({ number: z.string().max(100).describe('Patent, publication or foreign reference number.') }),
    query: z.object({
      page: intParam(1, 1_000_000).optional().describe('Page of applications, from 1. Default 1.'),
      pageSize: intParam(1, 1000).optional().describe('Applications per page (default 100, at most 1000).'),
    }),
    response: jsonResponse('CitingResponse', 'The citing applications.', citingOut),
    errors: [404, 503],
    handler: async (c, { params, query }) => {
      const signal = requestSignal(c);
      const parsed = requireNumber('number', params.number);
      const readings = parsed.interpretations.filter((r) => fieldOfKind(r.kind) === 'Patent_PGPub');
      const values = readings.length ? [...new Set(readings.flatMap(storedForms))] : [parsed.searchText];
      const { records, total, complete } = await readAll(store, anyOf('Patent_PGPub', values), limits.maxRecords, signal, CITING_FIELDS);
      if (total === 0) throw await notFound(store, parsed, 'reference', (s) => s.kind !== 'application', signal);

      const byApp = new Map<string, OaRecord[]>();
      for (const r of records) {
        const app = str(r, 'applicationId') ?? '';
        (byApp.get(app) ?? byApp.set(app, []).get(app)!).push(r);
      }
      const applications = [...byApp].map(([app, rs]) => citingApplication(app, rs));
      applications.sort((a, b) => cmp(a.firstMailDate, b.firstMailDate) || cmp(a.applicationId, b.applicationId));
      const byArtUnit: Record<string, number> = {};
      for (const a of applications) if (a.artUnit) byArtUnit[a.artUnit] = (byArtUnit[a.artUnit] ?? 0) + 1;
      const stored = [...new Set(records.map((r) => str(r, 'Patent_PGPub')!))].sort();
      const ref = classifyStored('Patent_PGPub', stored[0] ?? values[0]!);
      const page = query.page ?? 1;
      const pageSize = query.pageSize ?? 100;
      return {
        reference: { number: ref.normalized, kind: ref.kind, storedValues: stored },
        totalRecords: total,
        totalApplications: applications.length,
        complete,
        page,
        pageSize,
        byArtUnit,
        applications: applications.slice((page - 1) * pageSize, page * pageSize),
      };
    },
  });
}

