/**
 * Reading the web page's HTML in tests (test/web/): what it shows - its total, a facet value's
 * count, its legacy criteria - and what that criteria answers on /ds-api.
 */
import type { Hono } from 'hono';
import { expect } from 'vitest';

/** HTML-escaped text back to itself (the escapes hono/html writes). */
export const unescapeHtml = (s: string) => s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&#39;', "'");

/** The total the page shows ("<strong>1,234</strong> citations"). */
export const shownTotal = (html: string) => Number(/<p id="total"[^>]*><strong>([\d,]+)<\/strong>/.exec(html)![1]!.replaceAll(',', ''));

/** The count shown beside a facet checkbox. */
export const shownCount = (html: string, facet: string, value: string) => {
  const m = new RegExp(`name="${facet}" value="${value}"[^>]*>\\s*<label[^>]*>[^<]*<span class="count">([\\d,]+)</span>`).exec(html);
  return m ? Number(m[1]!.replaceAll(',', '')) : undefined;
};

/** The legacy criteria the page shows for its filters. */
export const shownCriteria = (html: string) => unescapeHtml(/<code id="criteria">([^<]*)<\/code>/.exec(html)![1]!);

/** numFound of a criteria on a data set's legacy /records (form-encoded POST, as v1 clients sent it). */
export async function legacyNumFound(app: Hono, dataset: 'oa_citations' | 'oa_rejections', criteria: string): Promise<number> {
  const res = await app.request(`/ds-api/${dataset}/v1/records`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ criteria, rows: '0' }).toString(),
  });
  const json = (await res.json()) as { response: { numFound: number } };
  expect(res.status, `${criteria}: ${JSON.stringify(json)}`).toBe(200);
  return json.response.numFound;
}
