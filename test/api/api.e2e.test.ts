/**
 * The modern API end to end: generated data -> indexer -> real Meilisearch -> gateway. Every
 * answer is checked against an independent evaluation over the stored records (the oracle in
 * support.ts), and every JSON answer against its route's declared response schema.
 */
import { CITATIONS } from '../../src/catalog/citations.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyStored, damerauLevenshtein } from '../../src/api/numbers.ts';
import { honoPath, isJsonResponse } from '../../src/api/registry.ts';
import { apiRoutes } from '../../src/api/routes.ts';
import type { FieldName } from '../../src/catalog/fields.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { countBy, filterQuery, matches, offlineReader, startApiGateway, topValues, valuesOf, type OracleFilter } from './support.ts';
import { RecordStore } from '../../src/store/records.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startApiGateway({ officeActions: 400, seed: 5 });
});
afterAll(async () => gw?.cleanup());

const ROUTES = apiRoutes({ store: new RecordStore(CITATIONS, offlineReader()) }).map((r) => ({
  route: r,
  pattern: new RegExp(`^${honoPath(r.path).replace(/:\w+/g, '[^/]+')}$`),
}));

/** GET a JSON answer, check its status, and (200) check it against the route's response schema. */
async function get<T>(url: string, status = 200): Promise<T> {
  const res = await gw.app.request(url);
  const body = (await res.json()) as T;
  expect(res.status, `${url}: ${JSON.stringify(body).slice(0, 500)}`).toBe(status);
  if (status === 200) {
    const { route } = ROUTES.find((r) => r.pattern.test(new URL(url, 'http://x').pathname))!;
    if (isJsonResponse(route.response)) route.response.schema.parse(body);
  }
  return body;
}

interface SearchAnswer {
  hits: OaRecord[];
  totalHits: number;
  totalPages: number;
  facetDistribution: Record<string, Record<string, number>>;
  facetStats: Record<string, { min: number; max: number }>;
}

const str = (r: OaRecord, f: FieldName) => (r[f] === undefined ? undefined : String(r[f]));
const withCommas = (d: string) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** Canonical number of a stored reference (a zero-padded patent is the same patent). */
const refNumber = (r: OaRecord) => classifyStored('Patent_PGPub', String(r.Patent_PGPub)).normalized;

function pickFilter(): OracleFilter {
  const tc = topValues(gw.records, 'techCenter', 1)[0]!;
  const units = topValues(
    gw.records.filter((r) => r.techCenter === tc),
    'artUnit',
    2,
  );
  const year = topValues(
    gw.records.filter((r) => units.includes(String(r.artUnit))),
    'mailYear',
    1,
  )[0]!;
  return { values: { artUnit: units, formType: ['892', 'oa-text'], mailYear: [year] } };
}

describe('GET /api/v1/search', () => {
  it('matches exactly the filtered rows, with disjunctive facet counts equal to an independent count', async () => {
    const filter = pickFilter();
    const facets: FieldName[] = ['formType', 'artUnit', 'mailYear', 'techCenter', 'actionType', 'documentCd', 'form1449', 'cite103Max'];
    const q = filterQuery(filter);
    q.set('facets', facets.join(','));
    q.set('pageSize', '1000');
    const body = await get<SearchAnswer>(`/api/v1/search?${q}`);
    const expected = gw.records.filter((r) => matches(r, filter));
    expect(expected.length).toBeGreaterThan(5);
    expect(expected.length).toBeLessThan(1000);
    expect(body.totalHits).toBe(expected.length);
    expect(body.hits.map((h) => h.id).sort()).toEqual(expected.map((r) => r.id).sort());

    for (const f of facets) {
      // A filtered facet is counted under all the other filters; the others under all filters.
      const counted = gw.records.filter((r) => matches(r, filter, f));
      expect(body.facetDistribution[f], f).toEqual(countBy(counted, f));
    }
    // Disjunctive counts really differ from the plain ones here (the test would be vacuous otherwise).
    expect(body.facetDistribution.artUnit).not.toEqual(countBy(expected, 'artUnit'));
    for (const f of ['mailYear', 'cite103Max'] as const) {
      const nums = gw.records.filter((r) => matches(r, filter, f)).flatMap((r) => valuesOf(r, f).map(Number));
      expect(body.facetStats[f], f).toEqual({ min: Math.min(...nums), max: Math.max(...nums) });
    }
  });

  it('pages through every match in sort order, exactly once', async () => {
    const filter: OracleFilter = { values: { techCenter: [topValues(gw.records, 'techCenter', 1)[0]!] }, mailDateFrom: '20100101', mailDateTo: '2013-12-31' };
    const expected = gw.records.filter((r) => matches(r, filter));
    const q = filterQuery(filter);
    q.set('sort', 'mailDate:desc');
    q.set('pageSize', '97');
    q.set('facets', '');
    const seen: OaRecord[] = [];
    let totalPages = 1;
    for (let page = 1; page <= totalPages; page++) {
      q.set('page', String(page));
      const body = await get<SearchAnswer>(`/api/v1/search?${q}`);
      expect(body.totalHits).toBe(expected.length);
      totalPages = body.totalPages;
      seen.push(...body.hits);
    }
    expect(seen.map((h) => h.id).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(new Set(seen.map((h) => h.id)).size).toBe(seen.length);
    const dates = seen.map((h) => str(h, 'mailDate')!);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('finds a reference written in free form, exact matches first (typo-tolerant full text)', async () => {
    const target = topValues(
      gw.records.filter((r) => /^\d{7}$/.test(String(r.Patent_PGPub))),
      'Patent_PGPub',
      1,
    )[0]!;
    const expected = gw.records.filter((r) => refNumber(r) === target);
    const body = await get<SearchAnswer>(`/api/v1/search?q=${encodeURIComponent(`US ${withCommas(target)} B2`)}&pageSize=1000&facets=`);
    const ids = body.hits.map((h) => h.id);
    for (const r of expected) expect(ids).toContain(r.id);
    expect(body.hits.slice(0, expected.length).map((h) => refNumber(h))).toEqual(expected.map(() => target));
  });

  it('filters on a number written in any form, zero-padded patents included', async () => {
    const padded = gw.records.find((r) => /^0\d{7}$/.test(String(r.Patent_PGPub)));
    const patent = padded ? refNumber(padded) : topValues(gw.records, 'Patent_PGPub', 1)[0]!;
    const expected = gw.records.filter((r) => refNumber(r) === patent);
    const body = await get<SearchAnswer>(`/api/v1/search?Patent_PGPub=${encodeURIComponent(`US ${withCommas(patent)} B2`)}&pageSize=1000`);
    expect(body.hits.map((h) => h.id).sort()).toEqual(expected.map((r) => r.id).sort());
  });

  it('counts a facet with no filter like the oracle over all rows', async () => {
    const body = await get<SearchAnswer>('/api/v1/search?pageSize=0');
    expect(body.totalHits).toBe(gw.records.length);
    expect(body.hits).toEqual([]);
    expect(body.facetDistribution).toEqual({ formType: countBy(gw.records, 'formType'), artUnit: countBy(gw.records, 'artUnit') });
  });
});

describe('GET /api/v1/facets/{facet}', () => {
  it('lists the values starting with q, counted under the other filters', async () => {
    const prefix = topValues(gw.records, 'techCenter', 1)[0]!.slice(0, 2);
    const unit = topValues(gw.records, 'artUnit', 1)[0]!;
    const body = await get<{ values: { value: string; count: number }[] }>(`/api/v1/facets/artUnit?q=${prefix}&formType=892&artUnit=${unit}`);
    const counts = countBy(
      gw.records.filter((r) => matches(r, { values: { formType: ['892'] } })),
      'artUnit',
    );
    const expected = Object.entries(counts)
      .filter(([v]) => v.startsWith(prefix))
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    expect(expected.length).toBeGreaterThan(1);
    expect(body.values).toEqual(expected.slice(0, 100));
  });

  it('searches numeric facets too', async () => {
    const body = await get<{ values: { value: string; count: number }[] }>('/api/v1/facets/mailYear?q=201&form892=1');
    const counts = countBy(
      gw.records.filter((r) => r.form892 === 1),
      'mailYear',
    );
    expect(Object.fromEntries(body.values.map((v) => [v.value, v.count]))).toEqual(Object.fromEntries(Object.entries(counts).filter(([y]) => y.startsWith('201'))));
  });
});

// ---------------------------------------------------------------------------------------------

interface LookupAnswer {
  candidates: { number: string; kind: string; records: number; match: string; distance: number; storedValues: string[] }[];
}

/** Every number in the data, canonical, with its record count: the lookup's oracle. */
function numberIndex() {
  const counts = new Map<string, { kind: string; records: number }>();
  const add = (kind: string, n: string) => {
    const k = `${kind}:${n}`;
    counts.set(k, { kind, records: (counts.get(k)?.records ?? 0) + 1 });
  };
  for (const r of gw.records) {
    add('application', String(r.applicationId));
    const ref = classifyStored('Patent_PGPub', String(r.Patent_PGPub));
    add(ref.kind, ref.normalized);
  }
  return counts;
}

function mostCited(kind: string, n: number, shape: RegExp): string[] {
  return [...numberIndex()]
    .filter(([k, v]) => v.kind === kind && shape.test(k.slice(kind.length + 1)))
    .sort((a, b) => b[1].records - a[1].records || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([k]) => k.slice(kind.length + 1));
}

/** One wrong digit and one swapped pair at several places, first digits included. */
function typosOf(s: string): string[] {
  const out = new Set<string>();
  for (const i of [0, 1, Math.floor(s.length / 2), s.length - 1]) {
    out.add(s.slice(0, i) + String((Number(s[i]) + 3) % 10) + s.slice(i + 1));
  }
  for (const i of [0, Math.floor(s.length / 2), s.length - 2]) {
    if (s[i] !== s[i + 1]) out.add(s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2));
  }
  return [...out];
}

describe('GET /api/v1/lookup', () => {
  async function lookup(number: string) {
    return get<LookupAnswer>(`/api/v1/lookup?number=${encodeURIComponent(number)}`);
  }

  it('finds patents, publications and applications in every common written form, exact first', async () => {
    const index = numberIndex();
    const patent = mostCited('patent', 1, /^\d{7}$/)[0]!;
    const pub = mostCited('publication', 1, /^\d{11}$/)[0]!;
    const app = mostCited('application', 1, /^\d{8}$/)[0]!;
    const [y, s] = [pub.slice(0, 4), pub.slice(4)];
    const cases: [string, string, string][] = [
      [`US ${withCommas(patent)} B2`, 'patent', patent],
      [patent, 'patent', patent],
      [withCommas(patent), 'patent', patent],
      [`U.S. Pat. No. ${withCommas(patent)}`, 'patent', patent],
      [`US${patent}`, 'patent', patent],
      [`US ${y}/${s} A1`, 'publication', pub],
      [pub, 'publication', pub],
      [`US-${y}-${s}-A1`, 'publication', pub],
      [`${y}/${s}`, 'publication', pub],
      [`${app.slice(0, 2)}/${app.slice(2, 5)},${app.slice(5)}`, 'application', app],
      [app, 'application', app],
    ];
    for (const [written, kind, number] of cases) {
      const body = await lookup(written);
      expect(body.candidates[0], written).toMatchObject({ number, kind, match: 'exact', distance: 0, records: index.get(`${kind}:${number}`)!.records });
    }
  });

  it('corrects one wrong or transposed digit: the intended number comes first', async () => {
    const index = numberIndex();
    const numbers = [...index].map(([k, v]) => ({ kind: v.kind, number: k.slice(v.kind.length + 1) }));
    const targets = [
      ...mostCited('patent', 3, /^\d{7}$/).map((n) => ({ kind: 'patent', number: n })),
      ...mostCited('publication', 3, /^\d{11}$/).map((n) => ({ kind: 'publication', number: n })),
      ...mostCited('application', 3, /^\d{8}$/).map((n) => ({ kind: 'application', number: n })),
    ];
    let tried = 0;
    let checked = 0;
    for (const target of targets) {
      for (const typo of typosOf(target.number)) {
        tried++;
        // Only unambiguous cases: the typo is no number of the data, and no other number is as close.
        const others = numbers.filter((n) => !(n.kind === target.kind && n.number === target.number));
        if (others.some((n) => damerauLevenshtein(typo, n.number) <= 1 || damerauLevenshtein(typo.padStart(8, '0'), n.number) <= 1)) continue;
        checked++;
        const body = await lookup(typo);
        expect(body.candidates[0], `${typo} (typo of ${target.kind} ${target.number})`).toMatchObject({
          number: target.number,
          kind: target.kind,
          match: 'corrected',
          distance: 1,
          records: index.get(`${target.kind}:${target.number}`)!.records,
        });
      }
    }
    expect(checked).toBeGreaterThanOrEqual(Math.ceil(tried * 0.8));
  });

  it('ranks the exact match above corrections of it', async () => {
    const patent = mostCited('patent', 1, /^\d{7}$/)[0]!;
    const body = await lookup(patent);
    expect(body.candidates[0]).toMatchObject({ number: patent, match: 'exact' });
    for (const c of body.candidates.slice(1)) {
      expect(c.match).toBe('corrected');
      expect(c.distance).toBeGreaterThanOrEqual(1);
      expect(c.distance).toBeLessThanOrEqual(2);
    }
  });

  it('answers no candidates for a number far from everything', async () => {
    const body = await lookup('US 1,000,001 B1');
    expect(body.candidates.filter((c) => c.match === 'exact')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the citation graph', () => {
  interface Group {
    ifwNumber?: string;
    mailDate?: string;
    documentCd?: string;
    formTypes: string[];
    citationCount: number;
    citations: { id: string; reference: string }[];
  }
  interface AppAnswer {
    applicationId: string;
    artUnit?: string;
    totalCitations: number;
    officeActions: Group[];
    formOnly: Group | null;
  }

  it('groups an application\'s citations by office action, form-only ones apart; any written form', async () => {
    const byApp = new Map<string, OaRecord[]>();
    for (const r of gw.records) byApp.set(String(r.applicationId), [...(byApp.get(String(r.applicationId)) ?? []), r]);
    // An application with several office actions and form-only citations.
    const [app, rows] = [...byApp].find(([, rs]) => new Set(rs.map((r) => str(r, 'ifwNumber')).filter(Boolean)).size >= 2 && rs.some((r) => r.ifwNumber === undefined))!;
    for (const written of [app, `${app.slice(0, 2)}/${app.slice(2, 5)},${app.slice(5)}`]) {
      const body = await get<AppAnswer>(`/api/v1/applications/${encodeURIComponent(written)}/citations`);
      expect(body.applicationId).toBe(app);
      expect(body.totalCitations).toBe(rows.length);
      const expectedGroups = new Map<string, OaRecord[]>();
      for (const r of rows) if (r.ifwNumber !== undefined) expectedGroups.set(String(r.ifwNumber), [...(expectedGroups.get(String(r.ifwNumber)) ?? []), r]);
      expect(body.officeActions.map((g) => g.ifwNumber).sort()).toEqual([...expectedGroups.keys()].sort());
      for (const g of body.officeActions) {
        const expected = expectedGroups.get(g.ifwNumber!)!;
        expect(g.citations.map((c) => c.id).sort()).toEqual(expected.map((r) => r.id).sort());
        expect(g.mailDate).toBe(str(expected[0]!, 'mailDate'));
        expect(g.documentCd).toBe(str(expected[0]!, 'documentCd'));
        expect(g.formTypes).toEqual([...new Set(expected.flatMap((r) => valuesOf(r, 'formType')))].sort());
      }
      const dated = body.officeActions.map((g) => g.mailDate).filter(Boolean) as string[];
      expect(dated).toEqual([...dated].sort());
      expect(body.formOnly!.citations.map((c) => c.id).sort()).toEqual(rows.filter((r) => r.ifwNumber === undefined).map((r) => r.id).sort());
    }
  });

  it('lists the applications citing a reference, with art units and dates; any written form', async () => {
    const patent = mostCited('patent', 1, /^\d{7}$/)[0]!;
    const rows = gw.records.filter((r) => refNumber(r) === patent);
    const apps = new Map<string, OaRecord[]>();
    for (const r of rows) apps.set(String(r.applicationId), [...(apps.get(String(r.applicationId)) ?? []), r]);
    for (const written of [patent, `US ${withCommas(patent)} B2`]) {
      const body = await get<{
        reference: { number: string; kind: string };
        totalRecords: number;
        totalApplications: number;
        applications: { applicationId: string; artUnit?: string; records: number; firstMailDate?: string; lastMailDate?: string }[];
      }>(`/api/v1/references/${encodeURIComponent(written)}/citing`);
      expect(body.reference).toMatchObject({ number: patent, kind: 'patent' });
      expect(body.totalRecords).toBe(rows.length);
      expect(body.totalApplications).toBe(apps.size);
      expect(body.applications.map((a) => a.applicationId).sort()).toEqual([...apps.keys()].sort());
      for (const a of body.applications) {
        const rs = apps.get(a.applicationId)!;
        const dates = rs.flatMap((r) => valuesOf(r, 'mailDate')).sort();
        expect(a).toMatchObject({ records: rs.length, artUnit: str(rs[0]!, 'artUnit') });
        expect([a.firstMailDate, a.lastMailDate]).toEqual([dates[0], dates.at(-1)]);
      }
    }
  });

  it('answers 404 only when nothing matches, with the nearest numbers as suggestions', async () => {
    const app = mostCited('application', 1, /^\d{8}$/)[0]!;
    const typo = app.slice(0, 6) + app[7] + app[6];
    const exists = gw.records.some((r) => r.applicationId === typo);
    if (!exists) {
      const res = await gw.app.request(`/api/v1/applications/${typo}/citations`);
      expect(res.status).toBe(404);
      const body = (await res.json()) as { error: { code: string; details: { suggestions: { number: string }[] } } };
      expect(body.error.code).toBe('not_found');
      expect(body.error.details.suggestions.map((s) => s.number)).toContain(app);
    }
    expect((await gw.app.request('/api/v1/references/US%201,000,001%20B1/citing')).status).toBe(404);
  });
});

// ---------------------------------------------------------------------------------------------

describe('analytics', () => {
  it('ranks the most-cited references under filters like an independent count', async () => {
    const unit = topValues(gw.records, 'artUnit', 1)[0]!;
    const rows = gw.records.filter((r) => r.artUnit === unit);
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(refNumber(r), (counts.get(refNumber(r)) ?? 0) + 1);
    const expected = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
    const body = await get<{ totalRecords: number; complete: boolean; references: { number: string; records: number }[] }>(
      `/api/v1/stats/top-references?artUnit=${unit}&limit=10`,
    );
    expect(body.totalRecords).toBe(rows.length);
    expect(body.complete).toBe(true);
    expect(body.references.map((r) => [r.number, r.records])).toEqual(expected);

    const year = topValues(rows, 'mailYear', 1)[0]!;
    const inYear = await get<{ totalRecords: number }>(`/api/v1/stats/top-references?artUnit=${unit}&mailYear=${year}&limit=20`);
    expect(inYear.totalRecords).toBe(rows.filter((r) => String(r.mailYear) === year).length);
  });

  it('gives the overview counts of the whole data set', async () => {
    const body = await get<Record<string, unknown>>('/api/v1/stats/overview');
    expect(body).toEqual({
      totalRecords: gw.records.length,
      byFormType: countBy(gw.records, 'formType'),
      byYear: countBy(gw.records, 'mailYear'),
      byTechCenter: countBy(gw.records, 'techCenter'),
    });
  });
});
