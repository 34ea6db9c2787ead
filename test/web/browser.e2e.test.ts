/**
 * The web page in a real browser: headless Debian Chromium driven by playwright-core, against the
 * gateway served over HTTP on a real index. It does what a researcher would: type, click facets,
 * page, open a record, follow its links, download the export, switch to the rejections and walk
 * from a rejection to its office action and its citations - by mouse and by keyboard, with and
 * without JavaScript, on a wide and a narrow screen. Screenshots go to test-output/.
 */
import { serve } from '@hono/node-server';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const OUT = join(process.cwd(), 'test-output');

let gw: TestGateway;
let server: Server;
let base: string;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [gw, browser] = await Promise.all([startTestGateway({ officeActions: 300, seed: 31, rejections: true }), launchChromium()]);
  server = serve({ fetch: gw.app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
  await new Promise<void>((ok) => server.once('listening', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  mkdirSync(OUT, { recursive: true });
}, 300_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
  await gw?.cleanup();
});

const total = async (page: Page) => Number(((await page.locator('#total strong').textContent()) ?? '').replaceAll(',', ''));
const count892 = () => gw.records.filter((r) => (r.formType as string[]).includes('892')).length;

/** Waits until the shown total is `n` (results refresh in place, asynchronously). */
async function expectTotal(page: Page, n: number) {
  await expect.poll(() => total(page), { timeout: 10_000 }).toBe(n);
}

describe('searching with the mouse', () => {
  it('types, clicks a facet, pages, opens a record, follows its links and downloads the export', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('/');
    await expect.poll(() => total(page)).toBe(gw.records.length);
    await page.screenshot({ path: join(OUT, 'web-main.png') });

    // Instant, typo-tolerant results: a reference number typed with one wrong digit, no Enter.
    const rec = gw.records.find((r) => /^\d{7}$/.test(String(r.Patent_PGPub)))!;
    const ref = String(rec.Patent_PGPub);
    const typo = ref.slice(0, 3) + String((Number(ref[3]) + 1) % 10) + ref.slice(4);
    await page.locator('#q').pressSequentially(typo, { delay: 20 });
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain(`q=${typo}`);
    const withRef = gw.records.filter((r) => r.Patent_PGPub === ref).map((r) => r.id);
    await expect.poll(async () => (await page.locator('a.hit-title').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).filter((h) => withRef.includes(String(h).slice(8))).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#q').evaluate((el) => el === document.activeElement)).toBe(true);

    // Clear the search with its chip, then filter by a facet: the total and the other panels' counts change.
    await page.getByRole('link', { name: new RegExp(`Remove Search: ${typo}`) }).click();
    await expectTotal(page, gw.records.length);
    const artBefore = await page.locator('#facet-artUnit .count').first().textContent();
    await page.getByLabel(/PTO-892 \(examiner\)/).check();
    await expectTotal(page, count892());
    expect(page.url()).toContain('formType=892');
    expect(await page.locator('#facet-artUnit .count').first().textContent()).not.toBe(artBefore);
    await expect.poll(() => page.locator('.chip').first().textContent()).toContain('Form type: PTO-892');

    // Page 2, then back with the browser's back button.
    const firstOnPage1 = await page.locator('a.hit-title').first().getAttribute('href');
    await page.locator('.pager a[rel="next"]').click();
    await expect.poll(() => page.url()).toContain('page=2');
    await expect.poll(() => page.locator('.pager [aria-current="page"]').textContent()).toBe('2');
    expect(await page.locator('a.hit-title').first().getAttribute('href')).not.toBe(firstOnPage1);
    expect(await page.locator('ol.hits').getAttribute('start')).toBe('21');
    await page.goBack();
    await expect.poll(() => page.locator('.pager [aria-current="page"]').textContent()).toBe('1');

    // The legacy criteria for the filters is shown.
    await page.locator('details.criteria summary').click();
    expect(await page.locator('#criteria').textContent()).toBe('form892:1');

    // Download the current result set through the export endpoint.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
    const file = join(OUT, 'web-export.csv');
    await download.saveAs(file);
    expect(download.suggestedFilename()).toBe('oa-citations.csv');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^id,applicationId,Patent_PGPub,/);
    expect(lines.length - 1).toBe(count892());

    // Open a record, then its application's citation list.
    const hit = page.locator('a.hit-title').first();
    const id = String(await hit.getAttribute('href')).slice('/record/'.length);
    const record = gw.records.find((r) => r.id === id)!;
    await hit.click();
    await expect.poll(() => page.url()).toContain(`/record/${id}`);
    await expect.poll(() => page.locator('h1').textContent()).toContain(`cited in application ${record.applicationId}`);
    expect(await page.locator('.traits li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT, 'web-record.png'), fullPage: true });
    const sameApp = gw.records.filter((r) => r.applicationId === record.applicationId).length;
    await page.getByRole('link', { name: new RegExp(`All ${sameApp} citations? of application`) }).click();
    await expectTotal(page, sameApp);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('finds art units by typing in the finder and filters by one', async () => {
    const page = await context.newPage();
    await page.goto('/');
    const unit = String(gw.records.find((r) => r.artUnit)!.artUnit);
    await page.locator('#facet-artUnit-find').fill(unit.slice(0, 3));
    await expect.poll(async () => (await page.locator('#facet-artUnit-values input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).every((v) => v.startsWith(unit.slice(0, 3)))).toBe(true);
    await page.locator(`#facet-artUnit-values input[value="${unit}"]`).check();
    await expectTotal(page, gw.records.filter((r) => r.artUnit === unit).length);
    expect(page.url()).toContain(`artUnit=${unit}`);
    // The finder's text never became a filter of its own.
    expect(new URL(page.url()).searchParams.getAll('artUnit')).toEqual([unit]);
    // The data-set switch was refreshed with the results: it carries the shared filter.
    expect(await page.locator('nav.datasets a').getAttribute('href')).toBe(`/rejections?artUnit=${unit}`);
    await page.close();
  });
});

describe('the rejections', () => {
  const field = (r: object, f: string) => (r as Record<string, unknown>)[f];
  const claimsOf = (r: object) => String(field(r, 'claimNumbers') ?? '').split(',').filter((c) => /^\d+$/.test(c)).map((c) => String(Number(c)));

  it('switches data set, filters by claim and ground, walks to the office action and to a citation and back', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('/');
    await page.locator('nav.datasets').getByRole('link', { name: 'Rejections' }).click();
    await expect.poll(() => page.url()).toBe(`${base}/rejections`);
    await expectTotal(page, gw.rejections.length);

    // Typing a claim refreshes the results in place; ticking a ground narrows them.
    const claim = claimsOf(gw.rejections.find((r) => claimsOf(r).length > 2)!)[1]!;
    const listing = gw.rejections.filter((r) => claimsOf(r).includes(claim));
    await page.getByLabel('Claim', { exact: true }).pressSequentially(claim, { delay: 20 });
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain(`claim=${claim}`);
    await expectTotal(page, listing.length);
    const ground = String(field(listing[0]!, 'actionType'));
    await page.locator(`#facet-actionType input[value="${ground}"]`).check();
    const both = listing.filter((r) => field(r, 'actionType') === ground);
    await expectTotal(page, both.length);
    expect(new URL(page.url()).pathname).toBe('/rejections');
    await page.screenshot({ path: join(OUT, 'web-rejections.png') });

    // The art-unit finder lists the rejections' art units.
    const unit = String(gw.rejections[0]!.artUnit);
    await page.locator('#facet-artUnit-find').fill(unit.slice(0, 2));
    await expect.poll(async () => (await page.locator('#facet-artUnit-values input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).every((v) => v.startsWith(unit.slice(0, 2)))).toBe(true);

    // A hit opens its office action: its rejections and citations together.
    const hit = page.locator('a.hit-title').first();
    const ifw = decodeURIComponent(String(await hit.getAttribute('href')).slice('/office-action/'.length));
    await hit.click();
    await expect.poll(() => page.locator('h1').textContent()).toContain(`Office action ${ifw}`);
    const rejections = gw.rejections.filter((r) => r.ifwNumber === ifw);
    const citations = gw.records.filter((r) => r.ifwNumber === ifw);
    expect(await page.locator('#h-rejections').textContent()).toBe(`Rejections (${rejections.length})`);
    expect(await page.locator('#h-citations').textContent()).toBe(`Citations (${citations.length})`);
    await page.screenshot({ path: join(OUT, 'web-office-action.png'), fullPage: true });
    if (citations.length) {
      await page.locator('ul.citations a').first().click();
      await expect.poll(() => page.url()).toContain('/record/');
      await page.locator('#office-action-link').click();
      await expect.poll(() => page.locator('h1').textContent()).toContain(`Office action ${ifw}`);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('searching with the keyboard', () => {
  it('Tab reaches the search box, then the facets; Space filters; the new total is announced', async () => {
    const page = await context.newPage();
    await page.goto('/');
    // From the top: the skip link, the three header links, the data-set switch's Rejections, then the search box.
    for (let i = 0; i < 6; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    await page.keyboard.press('Tab'); // the Search button
    await page.keyboard.press('Tab'); // the first facet value: PTO-892
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('892');
    await page.keyboard.press('Space');
    await expectTotal(page, count892());
    // Focus survives the refresh: the same checkbox, now checked.
    expect(await page.evaluate(() => [document.activeElement?.id, (document.activeElement as HTMLInputElement).checked])).toEqual(['f-formType-892', true]);
    // The live region, which exists from the start, says the new total.
    expect(await page.locator('#announce').textContent()).toContain(count892().toLocaleString('en-US'));
    await page.close();
  });
});

describe('without JavaScript', () => {
  it('is a plain form: tick a facet, press Search, get the filtered page', async () => {
    const noJs = await browser.newContext({ baseURL: base, javaScriptEnabled: false });
    const page = await noJs.newPage();
    await page.goto('/');
    await page.getByLabel(/PTO-892 \(examiner\)/).check();
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.url()).toContain('formType=892');
    expect(await total(page)).toBe(count892());
    await noJs.close();
  });
});

describe('on a narrow screen', () => {
  it('fits the width and folds the filters into one line above the results', async () => {
    const phone = await browser.newContext({ baseURL: base, viewport: { width: 375, height: 740 }, isMobile: true });
    const page = await phone.newPage();
    await page.goto('/');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await expect.poll(() => page.locator('#filters').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    // The first results are on the first screen.
    expect((await page.locator('a.hit-title').first().boundingBox())!.y).toBeLessThan(740);
    await page.screenshot({ path: join(OUT, 'web-narrow.png') });
    // Opening the filters works by keyboard too (a native summary).
    await page.locator('#filters > summary').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#facet-formType').isVisible()).toBe(true);
    await phone.close();
  });
});

describe('the form always carries the state shown', () => {
  it('a removed filter without a control of its own does not come back with the next click', async () => {
    const page = await context.newPage();
    const app = String(gw.records[0]!.applicationId);
    await page.goto(`/?applicationId=${app}`);
    await page.getByRole('link', { name: `Remove Application: ${app}` }).click();
    await expectTotal(page, gw.records.length);
    await page.getByLabel(/PTO-892 \(examiner\)/).check();
    await expectTotal(page, count892());
    expect(new URL(page.url()).searchParams.has('applicationId')).toBe(false);
    await page.close();
  });

  it('the art-unit finder keeps the art units already chosen', async () => {
    const page = await context.newPage();
    const units = [...new Set(gw.records.map((r) => String(r.artUnit ?? '')).filter(Boolean))];
    const a = units[0]!;
    const b = units.find((u) => u.slice(0, 2) !== a.slice(0, 2))!;
    await page.goto(`/?artUnit=${a}`);
    await page.locator('#facet-artUnit-find').fill(b.slice(0, 3));
    await expect.poll(() => page.locator(`#facet-artUnit-values input[value="${b}"]`).count()).toBe(1);
    expect(await page.locator(`#facet-artUnit-values input[value="${a}"]`).isChecked()).toBe(true);
    await page.locator(`#facet-artUnit-values input[value="${b}"]`).check();
    await expectTotal(page, gw.records.filter((r) => r.artUnit === a || r.artUnit === b).length);
    expect(new URL(page.url()).searchParams.getAll('artUnit').sort()).toEqual([a, b].sort());
    await page.close();
  });

  it('typing is one history entry: Back returns to the page before it', async () => {
    const page = await context.newPage();
    await page.goto('/?formType=892');
    await expectTotal(page, count892());
    await page.locator('#q').pressSequentially('Pat', { delay: 250 });
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('Pat');
    await page.goBack();
    await expect.poll(() => page.url()).toBe(`${base}/?formType=892`);
    await expectTotal(page, count892());
    expect(await page.locator('#q').inputValue()).toBe('');
    await page.close();
  });
});

describe('accessibility (axe-core, WCAG 2 A and AA rules)', () => {
  const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

  async function violations(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: AXE });
    const found = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
    });
    return found;
  }

  it('finds no violations on the search pages, a filtered page, a record, an office action and a narrow screen', async () => {
    // axe is injected as a script, which the page's own CSP would rightly refuse.
    const audit = await browser.newContext({ baseURL: base, bypassCSP: true });
    const page = await audit.newPage();
    const rec = gw.records.find((r) => r.ifwNumber)!;
    const pages = ['/', '/?formType=892&techCenter=2100&q=7', `/record/${rec.id}`, '/?page=0', '/rejections?actionType=103&claim=1', `/office-action/${String(rec.ifwNumber)}`];
    for (const path of pages) {
      await page.goto(path);
      expect(await violations(page), path).toEqual([]);
    }
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto('/?formType=1449');
    expect(await violations(page), 'narrow').toEqual([]);
    await audit.close();
  });
});

describe('the API reference (/docs)', () => {
  it('runs a legacy /records example as a form-encoded POST and shows the Solr-style answer', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('/docs');
    const section = page.locator('section#legacyRecords');
    await expect.poll(() => section.count(), { timeout: 10_000 }).toBe(1);
    // The criteria cheat sheet is on the page.
    expect(await section.locator('pre.sheet').textContent()).toContain('artUnit:[2100 TO 2199]');
    await section.locator('button.example').first().click();
    await expect.poll(() => section.locator('.url').textContent(), { timeout: 10_000 }).toMatch(/^POST \/ds-api\/oa_citations\/v1\/records {2}body: criteria=/);
    await expect.poll(() => section.locator('.answer pre').textContent(), { timeout: 10_000 }).toContain('"numFound"');
    expect(await section.locator('.status').textContent()).toMatch(/^200/);
    const answer = JSON.parse((await section.locator('.answer pre').textContent()) ?? '') as { response: { numFound: number } };
    expect(answer.response.numFound).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
