/**
 * The legacy routes in the API reference (/openapi.json, and so /docs): OpenAPI path items for
 * the data set list, `/fields` and `/records` under both prefixes, with the parameters (from the
 * same zod schema that reads them, params.ts), the Solr-style envelope, a criteria cheat sheet and
 * examples that run on any OARD data set. The response schemas are exported for the tests, which
 * hold real answers to them.
 */
import { z } from 'zod';
import { DATASETS } from '../catalog/datasets.ts';
import { recordsParamsSchema } from './params.ts';

type Json = Record<string, unknown>;

export const TAG = `Legacy DS-API (${DATASETS.map((d) => d.dataset).join(', ')} v1)`;

/** A v1 doc: `id` a string, every other field a one-element array of strings; empty fields left out. */
export const v1DocOut = z
  .record(z.string(), z.union([z.string(), z.array(z.string())]))
  .describe('A record as v1 served it: "id" a string, every other field a one-element array of strings (flags "0"/"1", mailDate "yyyy-MM-ddT00:00:00"); empty fields are left out.');

export const recordsOut = z.object({
  responseHeader: z.object({
    status: z.literal(0),
    QTime: z.number().int().describe('Milliseconds spent answering.'),
    params: z.record(z.string(), z.string()).describe('Every request parameter as given (unknown ones included), with the criteria, start and rows used when not given.'),
  }),
  response: z.object({
    numFound: z.number().int().describe('Records matching the criteria: exact, however many.'),
    start: z.number().int(),
    docs: z.array(v1DocOut),
  }),
});

export const fieldsOut = z.object({
  apiKey: z.string(),
  apiVersionNumber: z.string(),
  apiUrl: z.string(),
  apiDocumentationUrl: z.string().describe('This reference (/docs).'),
  apiStatus: z.string(),
  fieldCount: z.number().int(),
  fields: z.array(z.string()),
  lastDataUpdatedDate: z.string().nullable().describe('When the index last changed ("yyyy-MM-dd HH:mm:ss.S"); null before the first build.'),
});

export const dataSetsOut = z.object({
  total: z.number().int(),
  apis: z.array(z.object({ apiKey: z.string(), apiVersionNumber: z.string(), apiUrl: z.string(), apiDocumentationUrl: z.string() })),
});

const CHEAT_SHEET = `Criteria are Lucene query syntax, answered as the v1 Solr answered them over its string fields:

  form892:1                          a value (as text: form892:true and cite103Max:03 match nothing)
  actionSubtype:"103(a)"             a phrase; or escape: actionSubtype:103\\(a\\)
  12345678                           a bare term: applicationId, Patent_PGPub or ifwNumber equals it
  form892:1 AND NOT citationInOA:1   AND OR NOT, && || !, +must -must_not
  (actionType:102 OR actionType:103) AND documentCd:CTFR
  actionType:(102 OR 103)            one field, several values
  artUnit:[2100 TO 2199]             a range, compared as text ({a TO b} excludes the ends, * is open)
  mailDate:[20120101 TO 20121231]    dates as yyyyMMdd (2012-01-01 also works); mailDate:2012* is 2012
  ifwNumber:*                        has a value; -ifwNumber:* has none
  Patent_PGPub:2005*  *123*  21?4    wildcards: * any text, ? one character
  form892:1 AND (*:* -citationInOA:1) a "not" inside a group (a group of negative clauses alone matches nothing)
  *:*                                every record

Values compare as Meilisearch folds them: case and surrounding spaces do not count (documentCd:ctnf is CTNF).
${DATASETS.map((d) => `Fields of ${d.dataset}: ${d.legacy.map((f) => f.name).join(', ')}.`).join('\n')}
Bare terms match applicationId, Patent_PGPub or ifwNumber in oa_citations; applicationId or ifwNumber in oa_rejections.`;

/** Examples that match records in any OARD release (and the bundled sample). */
const EXAMPLES: Record<string, { summary: string; value: Record<string, string> }> = {
  examiner: { summary: 'Examiner-cited references (PTO-892) in final rejections', value: { criteria: 'form892:1 AND documentCd:CTFR', start: '0', rows: '5' } },
  rejections: { summary: '103 citations mailed in 2012, two fields', value: { criteria: 'actionType:103 AND mailDate:[20120101 TO 20121231]', rows: '5', fl: 'applicationId,Patent_PGPub' } },
  group: { summary: 'Art units 21xx, not cited in the office-action text', value: { criteria: 'artUnit:21* AND (*:* -citationInOA:1)', rows: '3', fl: 'applicationId,artUnit,form*' } },
  count: { summary: 'Count only: references listed on both forms', value: { criteria: 'form892:1 AND form1449:1', rows: '0' } },
};

const pathParams: Json[] = [
  { name: 'dataset', in: 'path', required: true, schema: { type: 'string', enum: DATASETS.map((d) => d.dataset), default: 'oa_citations' } },
  { name: 'version', in: 'path', required: true, schema: { type: 'string', enum: ['v1'], default: 'v1' } },
];

const json = (description: string, schema: z.ZodType): Json => ({
  description,
  content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) } },
});

const errorOf = (description: string): Json => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** OpenAPI path items of the legacy routes under each prefix. */
export function legacyPaths(prefixes: readonly string[], maxRows: number): Record<string, Json> {
  const params = z.toJSONSchema(recordsParamsSchema(maxRows), { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, Json> };
  const queryParams = Object.entries(params.properties).map(([name, { description, ...schema }]) => ({ name, in: 'query', required: false, description, schema }));
  const paths: Record<string, Json> = {};
  prefixes.forEach((prefix, i) => {
    const suffix = i === 0 ? '' : 'Portal';
    const alias = i === 0 ? '' : ` The same route as under ${prefixes[0]} (the Open Data Portal's prefix).`;
    const records = (method: 'post' | 'get'): Json => ({
      operationId: `legacyRecords${method === 'post' ? '' : 'Get'}${suffix}`,
      tags: [TAG],
      summary: method === 'post' ? 'Search citations or rejections with Lucene criteria (form-encoded POST, as v1 clients send it)' : 'The same search by GET (query string)',
      description:
        (method === 'post'
          ? 'Parameters may come in a form body, in the query string (an empty POST, as a Python client sends them) or as a JSON object; the body wins on conflict. Answers {responseHeader, response: {numFound, start, docs}}; no match is numFound 0 with empty docs (HTTP 200).\n\n'
          : '') +
        CHEAT_SHEET +
        alias,
      parameters: [...pathParams, ...(method === 'get' ? queryParams : [])],
      ...(method === 'post'
        ? {
            requestBody: {
              required: false,
              content: {
                'application/x-www-form-urlencoded': { schema: { type: 'object', properties: params.properties }, examples: EXAMPLES },
              },
            },
          }
        : {}),
      responses: {
        '200': json('The Solr-style envelope.', recordsOut),
        '400': errorOf('Invalid criteria or parameter: the message says what and where (position: offset in the criteria).'),
        '404': errorOf('No such data set or version.'),
        '503': errorOf('Meilisearch is unavailable or the index is not built yet; retry later (Retry-After).'),
      },
    });
    paths[`${prefix}/`] = {
      get: {
        operationId: `legacyDataSets${suffix}`,
        tags: [TAG],
        summary: `The data sets served (${DATASETS.map((d) => `${d.dataset} ${d.version}`).join(', ')})`,
        ...(alias ? { description: alias.trim() } : {}),
        responses: { '200': json('The data set list.', dataSetsOut) },
      },
    };
    paths[`${prefix}/{dataset}/{version}/fields`] = {
      get: {
        operationId: `legacyFields${suffix}`,
        tags: [TAG],
        summary: 'The v1 fields of a data set, and when its data last changed',
        ...(alias ? { description: alias.trim() } : {}),
        parameters: pathParams,
        responses: { '200': json('The fields.', fieldsOut), '404': errorOf('No such data set or version.') },
      },
    };
    paths[`${prefix}/{dataset}/{version}/records`] = { post: records('post'), get: records('get') };
  });
  return paths;
}
