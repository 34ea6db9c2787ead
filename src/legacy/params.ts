/**
 * The parameters of a v1 `/records` request. Real clients put them in different places: an R
 * client posts a form-encoded body, a Python client posts `criteria` and `fl` in the query string
 * with an empty body, newer scripts send JSON. All three are read; the body wins on conflict.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog.ts';
import { CITATIONS } from '../catalog/citations.ts';
import type { FieldSpec } from '../catalog/fields.ts';
import { badRequest } from '../http/errors.ts';
import { requestForm, requestText } from '../http/node-request.ts';

export interface RecordsParams {
  criteria: string;
  start: number;
  rows: number;
  /** Requested fields (catalog specs), or undefined for all. */
  fl: FieldSpec[] | undefined;
  /** Meilisearch sort expressions, e.g. ["mailDate:desc"]. */
  sort: string[];
  /**
   * Echoed in responseHeader.params: every parameter as given (unknown ones included), and the
   * criteria, start and rows used when they were not given.
   */
  echo: Record<string, string>;
}

/** The v1 fields a data set's records may be sorted on. */
const sortableOf = (catalog: Catalog): string[] => catalog.legacy.filter((f) => f.sort).map((f) => f.name);

async function rawParams(c: Context): Promise<Record<string, string>> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.req.queries())) if (v.length) merged[k] = v[v.length - 1]!;
  if (c.req.method !== 'POST') return merged;
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(await requestText(c));
    } catch {
      throw badRequest('invalid_body', 'the request body is not valid JSON');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest('invalid_body', 'the JSON body must be an object of parameters');
    }
    for (const [k, v] of Object.entries(body)) {
      if (v === null || v === undefined) continue;
      // Parameters are flat values, as in a form; a nested one (which could be nested thousands of
      // levels deep) is refused rather than re-serialised.
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw badRequest('invalid_body', `the JSON parameter "${k}" must be a string, number or boolean, not ${Array.isArray(v) ? 'an array' : 'an object'}`);
      }
      merged[k] = String(v);
    }
  } else if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    let form: Record<string, string>;
    try {
      form = await requestForm(c);
    } catch {
      throw badRequest('invalid_body', 'the request body is not a valid form (check its Content-Type and boundary)');
    }
    Object.assign(merged, form);
  } else {
    // Bodies of other types (text/plain from curl -d without a header, ...) are read as forms.
    const text = await requestText(c);
    if (text.trim()) for (const [k, v] of new URLSearchParams(text)) merged[k] = v;
  }
  return merged;
}

const intParam = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v.trim());
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** A Solr `fl` glob (`form*`, `rejection10?`) as a test of field names. */
function globTest(glob: string): (name: string) => boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (name) => re.test(name);
}

/**
 * `fl` as Solr read it: field names separated by commas or spaces, globs expanded to the fields
 * they match (in catalog order), names that are no field ignored (so `fl=noSuchField` returns
 * empty docs, as Solr did). Absent, empty or `*`: every field.
 */
function parseFl(value: string | undefined, catalog: Catalog): FieldSpec[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const names = value.split(/[\s,]+/).filter(Boolean);
  if (names.includes('*')) return undefined;
  const legacy = catalog.legacy.map((f) => f.name);
  const chosen = new Set<string>();
  for (const name of names) {
    if (/[*?]/.test(name)) legacy.filter(globTest(name)).forEach((n) => chosen.add(n));
    else if (legacy.includes(name)) chosen.add(name);
  }
  return [...chosen].map((n) => catalog.byName.get(n)!);
}

function parseSort(value: string | undefined, catalog: Catalog): string[] {
  if (value === undefined || value.trim() === '') return [];
  const sortable = sortableOf(catalog);
  return value.split(',').map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) throw badRequest('invalid_sort', `sort must look like "field asc" or "field desc", got "${part.trim()}"`);
    const [, field, dir = 'asc'] = m;
    if (!sortable.includes(field!)) {
      throw badRequest('invalid_sort', `cannot sort on "${field}"; sortable fields: ${sortable.join(', ')}`);
    }
    return `${field}:${dir.toLowerCase()}`;
  });
}

/**
 * The parameters of `/records`, wherever they are sent (form body, query string, JSON body); the
 * reference (/openapi.json, /docs) is generated from this schema too. Parameters it does not name
 * are accepted, ignored and echoed, as Solr did.
 */
export function recordsParamsSchema(maxRows: number, catalog: Catalog = CITATIONS) {
  return z.object({
    criteria: z
      .string()
      .optional()
      .describe('Lucene query syntax, as Solr\'s standard parser read it over the v1 string fields. Absent or empty: *:* (every record).'),
    start: intParam('start', 0, Number.MAX_SAFE_INTEGER, 0).describe('Offset of the first record (from 0). Default 0.'),
    rows: intParam('rows', 0, maxRows, 100).describe(`Records per page, 0 to ${maxRows}. Default 100; 0 answers numFound only.`),
    fl: z
      .string()
      .optional()
      .describe('Fields to return, separated by commas or spaces; globs such as form* expand, names that are no field are ignored. Default: every field.'),
    sort: z
      .string()
      .optional()
      .describe(`"field asc|desc", several separated by commas; sortable: ${sortableOf(catalog).join(', ')}. Ties, and no sort, come in index order.`),
  });
}

/** One schema per data set and `rows` maximum, built once: zod compiles a schema on first use, per instance. */
const schemas = new Map<string, ReturnType<typeof recordsParamsSchema>>();

export async function readRecordsParams(c: Context, limits: { maxRows: number; catalog?: Catalog }): Promise<RecordsParams> {
  const raw = await rawParams(c);
  const catalog = limits.catalog ?? CITATIONS;
  const key = `${catalog.dataset} ${limits.maxRows}`;
  let schema = schemas.get(key);
  if (!schema) schemas.set(key, (schema = recordsParamsSchema(limits.maxRows, catalog)));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest('invalid_parameter', issue.message, { details: parsed.error.issues.map((i) => ({ param: i.path.join('.'), message: i.message })) });
  }
  const criteria = parsed.data.criteria?.trim() ? parsed.data.criteria : '*:*';
  const echo: Record<string, string> = { criteria, start: String(parsed.data.start), rows: String(parsed.data.rows), ...raw };
  return { criteria, start: parsed.data.start, rows: parsed.data.rows, fl: parseFl(parsed.data.fl, catalog), sort: parseSort(parsed.data.sort, catalog), echo };
}
