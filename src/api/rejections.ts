/**
 * `GET /api/v1/applications/{appId}/rejections`: what an application's office actions rejected,
 * grouped by office action as `/citations` groups its citations - each ground with its claims
 * (the v1 string, and as numbers) and the four case-law flags. Read from the `oa_rejections`
 * index through its own store; the application number in any written form (numbers.ts).
 *
 * A rejection whose office action is missing from the data (an orphan) keeps its `ifwNumber`;
 * its group has no mail date and comes last.
 */
import { z } from 'zod';
import type { OaRecord } from '../catalog/schema.ts';
import { anyOf } from '../filter/ast.ts';
import { ApiError } from '../http/errors.ts';
import type { RecordStore } from '../store/records.ts';
import { readAll, type GraphLimits } from './read-all.ts';
import { requireNumber } from './lookup.ts';
import { storedForms } from './numbers.ts';
import { defineRoute } from './registry.ts';
import { countOut, jsonResponse } from './schemas.ts';
import { requestSignal } from '../http/node-request.ts';

const CASE_LAW = ['aliceIn', 'bilskiIn', 'mayoIn', 'myriadIn'] as const;

export const rejectionOut = z.object({
  id: z.string(),
  actionType: z.string().describe('Ground: 101, 102, 103, 112, nonstatutory double patenting, or an event such as objected.'),
  actionSubtype: z.string().optional(),
  claimNumbers: z.string().optional().describe('The rejected claims as v1 served them: one comma-separated string.'),
  claims: z.array(z.number().int()).describe('The same claims as numbers, in the order written (non-numeric items left out).'),
  aliceIn: z.number().int().optional(),
  bilskiIn: z.number().int().optional(),
  mayoIn: z.number().int().optional(),
  myriadIn: z.number().int().optional(),
});

const officeActionOut = z.object({
  ifwNumber: z.string(),
  mailDate: z.string().optional(),
  documentCd: z.string().optional(),
  grounds: z.array(z.string()).describe('The distinct grounds (actionType) of its rejections, sorted.'),
  rejectionCount: countOut,
  rejections: z.array(rejectionOut),
});

export const applicationRejectionsOut = z.object({
  applicationId: z.string(),
  totalRejections: countOut.describe('All rejection records of the application.'),
  complete: z.boolean().describe('False when the application has more records than one answer holds.'),
  officeActions: z.array(officeActionOut).describe('By mail date; office actions missing from the data (orphans) last.'),
});

export type RejectionOut = z.input<typeof rejectionOut>;

const text = (r: OaRecord, f: string): string | undefined => {
  const v = (r as Record<string, unknown>)[f];
  return v === undefined ? undefined : String(v);
};
const cmp = (a: string | undefined, b: string | undefined) => (a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : 1);

/** "6,7, 8;11" -> [6, 7, 8, 11]: clients split on "," or ";" (the contract's evidence). */
export function claimsOf(claimNumbers: string | undefined): number[] {
  return (claimNumbers ?? '').split(/[,;]/).flatMap((s) => (/^\s*\d{1,6}\s*$/.test(s) ? [Number(s)] : []));
}

export function rejectionOf(r: OaRecord): RejectionOut {
  const out: RejectionOut = { id: r.id, actionType: text(r, 'actionType') ?? '', claims: claimsOf(text(r, 'claimNumbers')) };
  for (const f of ['actionSubtype', 'claimNumbers'] as const) {
    const v = text(r, f);
    if (v !== undefined) out[f] = v;
  }
  for (const f of CASE_LAW) {
    const v = (r as Record<string, unknown>)[f];
    if (typeof v === 'number') out[f] = v;
  }
  return out;
}

/** The rejections of an application by office action, for this route and the web page. */
export function groupRejections(records: readonly OaRecord[]): z.input<typeof officeActionOut>[] {
  const byOa = new Map<string, OaRecord[]>();
  for (const r of records) {
    const ifw = text(r, 'ifwNumber') ?? '';
    (byOa.get(ifw) ?? byOa.set(ifw, []).get(ifw)!).push(r);
  }
  return [...byOa]
    .map(([ifwNumber, rs]) => {
      const first = rs[0]!;
      const rejections = rs.map(rejectionOf).sort((a, b) => cmp(a.actionType, b.actionType) || cmp(a.actionSubtype, b.actionSubtype) || cmp(a.id, b.id));
      return {
        ifwNumber,
        ...(text(first, 'mailDate') ? { mailDate: text(first, 'mailDate') } : {}),
        ...(text(first, 'documentCd') ? { documentCd: text(first, 'documentCd') } : {}),
        grounds: [...new Set(rejections.map((x) => x.actionType))].sort(),
        rejectionCount: rs.length,
        rejections,
      };
    })
    .sort((a, b) => cmp(a.mailDate, b.mailDate) || cmp(a.ifwNumber, b.ifwNumber));
}

export function applicationRejectionsRoute(rejections: RecordStore, limits: GraphLimits) {
  return defineRoute({
    method: 'get',
    path: '/api/v1/applications/{appId}/rejections',
    operationId: 'applicationRejections',
    tag: 'Citation graph',
    summary: "What an application's office actions rejected, grouped by office action",
    description:
      'From the oa_rejections data set. appId in any written form ("12/345,678", "12345678"). Each rejection gives its ground, its claims (the v1 string and as numbers) and the four case-law flags. 404 when the application has no rejection record.',
    params: z.object({ appId: z.string().max(100).describe('Application number, e.g. 12/345,678.') }),
    response: jsonResponse('ApplicationRejectionsResponse', "The application's rejections by office action.", applicationRejectionsOut),
    errors: [404, 503],
    handler: async (c, { params }) => {
      const parsed = requireNumber('appId', params.appId, 'application');
      const readings = parsed.interpretations.filter((r) => r.kind === 'application');
      const values = readings.length ? readings.flatMap(storedForms) : [parsed.searchText];
      const { records, total, complete } = await readAll(rejections, anyOf('applicationId', values), limits.maxRecords, requestSignal(c));
      if (total === 0) throw new ApiError(404, 'not_found', `no rejection records for application "${parsed.input}"`);
      return { applicationId: text(records[0]!, 'applicationId')!, totalRejections: total, complete, officeActions: groupRejections(records) };
    },
  });
}
