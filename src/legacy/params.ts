/**
 * The parameters of a v1 `/records` request. Real clients put them in different places: an R
 * client posts a form-encoded body, a Python client posts `criteria` and `fl` in the query string
 * with an empty body, newer scripts send JSON. All three are read; the body wins on conflict.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { FIELD_BY_NAME, LEGACY_FIELDS, type FieldSpec } from '../catalog/fields.ts';
import { badRequest } from '../http/errors.ts';
import { LEGACY_FIELD_NAMES } from './docs.ts';

export interface RecordsParams {
  criteria: string;
  start: number;
  rows: number;
  /** Requested fields (catalog specs), or undefined for all. */
  fl: FieldSpec[] | undefined;
  /** Meilisearch sort expressions, e.g. ["mailDate:desc"]. */
  sort: string[];
  /** The parameters as given, echoed (as strings) in responseHeader.params. */
  echo: Record<string, string>;
}

const SORTABLE = LEGACY_FIELDS.filter((f) => f.sort).map((f) => f.name);

async function rawParams(c: Context): Promise<Record<string, string>> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.req.queries())) if (v.length) merged[k] = v[v.length - 1]!;
  if (c.req.method !== 'POST') return merged;
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw badRequest('invalid_body', 'the request body is not valid JSON');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest('invalid_body', 'the JSON body must be an object of parameters');
    }
    for (const [k, v] of Object.entries(body)) {
      if (v !== null && v !== undefined) merged[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  } else if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    let body: Awaited<ReturnType<typeof c.req.parseBody>>;
    try {
      body = await c.req.parseBody();
    } catch {
      throw badRequest('invalid_body', 'the request body is not a valid form (check its Content-Type and boundary)');
    }
    for (const [k, v] of Object.entries(body)) {
      const last = Array.isArray(v) ? v[v.length - 1] : v;
      if (typeof last === 'string') merged[k] = last;
    }
  } else {
    // Bodies of other types (text/plain from curl -d without a header, ...) are read as forms.
    const text = await c.req.text();
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

function parseFl(value: string | undefined): FieldSpec[] | undefined {
  if (value === undefined || value.trim() === '' || value.trim() === '*') return undefined;
  const names = value.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((n) => !LEGACY_FIELD_NAMES.includes(n));
  if (unknown.length) {
    throw badRequest('unknown_field', `unknown field${unknown.length > 1 ? 's' : ''} in fl: ${unknown.join(', ')}; valid fields: ${LEGACY_FIELD_NAMES.join(', ')}`);
  }
  return [...new Set(names)].map((n) => FIELD_BY_NAME.get(n)!);
}

function parseSort(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) throw badRequest('invalid_sort', `sort must look like "field asc" or "field desc", got "${part.trim()}"`);
    const [, field, dir = 'asc'] = m;
    if (!SORTABLE.includes(field!)) {
      throw badRequest('invalid_sort', `cannot sort on "${field}"; sortable fields: ${SORTABLE.join(', ')}`);
    }
    return `${field}:${dir.toLowerCase()}`;
  });
}

/** One schema per `rows` maximum, built once: zod compiles a schema on first use, per instance. */
const schemas = new Map<number, ReturnType<typeof paramsSchema>>();
function paramsSchema(maxRows: number) {
  return z.object({
    criteria: z.string().optional(),
    start: intParam('start', 0, Number.MAX_SAFE_INTEGER, 0),
    rows: intParam('rows', 0, maxRows, 100),
  });
}

export async function readRecordsParams(c: Context, limits: { maxRows: number }): Promise<RecordsParams> {
  const raw = await rawParams(c);
  let schema = schemas.get(limits.maxRows);
  if (!schema) schemas.set(limits.maxRows, (schema = paramsSchema(limits.maxRows)));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest('invalid_parameter', issue.message, { details: parsed.error.issues.map((i) => ({ param: i.path.join('.'), message: i.message })) });
  }
  const criteria = parsed.data.criteria?.trim() ? parsed.data.criteria : '*:*';
  const echo: Record<string, string> = { criteria, start: String(parsed.data.start), rows: String(parsed.data.rows) };
  if (raw.fl !== undefined) echo.fl = raw.fl;
  if (raw.sort !== undefined) echo.sort = raw.sort;
  return { criteria, start: parsed.data.start, rows: parsed.data.rows, fl: parseFl(raw.fl), sort: parseSort(raw.sort), echo };
}
