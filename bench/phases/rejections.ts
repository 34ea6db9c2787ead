/**
 * Phase `rejections`: the rejections of the largest data set (generated with its citations, about
 * 0.15 rejection rows per citation) built into an index of their own by the indexer CLI, and its
 * disk per row set beside the citations index's, and held to the citations' per-row budget. Both
 * figures are the index's own directory ÷ its documents, measured in this run, so the ratio holds
 * whatever else the database keeps.
 *
 * Then, through a gateway on that index (one client, one request at a time), what the claim
 * filter and the office-action page cost at that size: `claim=N` for the 20 first claim numbers
 * (one CONTAINS over the fenced list), v1's four-wildcard form of the same claim on /ds-api
 * (folded into the same one condition: src/filter/list-items.ts; its numFound checked equal), and
 * the office-action page of the hits' office actions (its citations and rejections read together).
 */
import type { BenchContext } from '../context.ts';
import { deleteIndex, fmtInt, median, round, say } from '../lib.ts';
import { measuredBuild } from './rss.ts';

export interface RejectionsFigures {
  rows: number;
  documents: number;
  buildSeconds: number;
  usPerRow: number;
  indexBytesPerRow: number | null;
  /** The citations index of the same data set, from the builds phase (null when it did not run). */
  citationsIndexBytesPerRow: number | null;
  /** rejections B/row ÷ citations B/row (the budget itself is the citations' 1,000 B/row target). */
  ratio: number | null;
  /** Median ms of `GET /api/v1/rejections/search?claim=N` (N = 1..20, three rounds). */
  claimSearchP50Ms: number | null;
  /** Rejections listing claim 1. */
  claimOneHits: number | null;
  /** v1's `claimNumbers:(1 OR 1,* OR *,1 OR *,1,*)` on /ds-api: its status and ms. */
  legacyClaimStatus: number | null;
  legacyClaimMs: number | null;
  /** Median ms of `GET /office-action/{ifwNumber}` over the claim searches' office actions. */
  officeActionPageP50Ms: number | null;
}

interface ClaimFigures {
  claimSearchP50Ms: number;
  claimOneHits: number;
  legacyClaimStatus: number;
  legacyClaimMs: number;
  officeActionPageP50Ms: number | null;
}

async function timed(url: string, init?: RequestInit): Promise<{ ms: number; status: number; body: string }> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { ms: performance.now() - t0, status: res.status, body };
}

/** The claim filter and the office-action page at this size, one request at a time. */
async function claimQueries(base: string): Promise<ClaimFigures> {
  const searches: number[] = [];
  const offices = new Set<string>();
  let claimOneHits = 0;
  for (let round = 0; round < 3; round++) {
    for (let claim = 1; claim <= 20; claim++) {
      const r = await timed(`${base}/api/v1/rejections/search?claim=${claim}&pageSize=20&facets=actionType`);
      if (r.status !== 200) throw new Error(`claim=${claim}: ${r.status} ${r.body.slice(0, 300)}`);
      const answer = JSON.parse(r.body) as { totalHits: number; hits: { ifwNumber?: string }[] };
      if (claim === 1) claimOneHits = answer.totalHits;
      for (const h of answer.hits.slice(0, 2)) if (h.ifwNumber) offices.add(h.ifwNumber);
      searches.push(r.ms);
    }
  }
  if (claimOneHits === 0) throw new Error('no rejection lists claim 1: the claim filter found nothing');
  const legacy = await timed(`${base}/ds-api/oa_rejections/v1/records`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ criteria: 'claimNumbers:(1 OR 1,* OR *,1 OR *,1,*)', rows: '0' }).toString(),
  });
  if (legacy.status === 200 && (JSON.parse(legacy.body) as { response: { numFound: number } }).response.numFound !== claimOneHits) {
    throw new Error(`v1's claim wildcards found another number of rejections than claim=1 (${claimOneHits}): ${legacy.body.slice(0, 300)}`);
  }
  const pages: number[] = [];
  for (const ifw of [...offices].slice(0, 20)) {
    const r = await timed(`${base}/office-action/${encodeURIComponent(ifw)}`);
    if (r.status !== 200) throw new Error(`/office-action/${ifw}: ${r.status}`);
    pages.push(r.ms);
  }
  return {
    claimSearchP50Ms: round(median(searches), 1),
    claimOneHits,
    legacyClaimStatus: legacy.status,
    legacyClaimMs: round(legacy.ms, 1),
    officeActionPageP50Ms: pages.length ? round(median(pages), 1) : null,
  };
}

export async function rejectionsPhase(ctx: BenchContext, citationsRows: number): Promise<void> {
  const index = `bench_rejections_${citationsRows}`;
  await deleteIndex(ctx.target, index);
  try {
    const f = await measuredBuild(ctx, citationsRows, index, [], 'rejections');
    // The builds phase builds the sizes in order: its last is this data set's citations.
    const citations = ctx.figures.rss?.at(-1)?.indexBytesPerRow ?? null;
    const ratio = f.indexBytesPerRow !== null && citations ? round(f.indexBytesPerRow / citations, 3) : null;
    // The build's figures stand whatever the queries do.
    const figures: RejectionsFigures = {
      rows: f.rows,
      documents: f.documents,
      buildSeconds: f.buildSeconds,
      usPerRow: f.usPerRow,
      indexBytesPerRow: f.indexBytesPerRow,
      citationsIndexBytesPerRow: citations,
      ratio,
      claimSearchP50Ms: null,
      claimOneHits: null,
      legacyClaimStatus: null,
      legacyClaimMs: null,
      officeActionPageP50Ms: null,
    };
    ctx.figures.rejections = figures;
    say(
      `  ${fmtInt(f.rows)} rejection rows: build ${f.buildSeconds.toFixed(1)} s (${f.usPerRow} us/row), ${fmtInt(f.documents)} documents, ` +
        `index dir ${f.indexBytesPerRow ?? 'n/a'} B/row against ${citations ?? 'n/a'} B/row for the citations (ratio ${ratio ?? 'n/a'})`,
    );
    // The citations index of the same data set when the builds phase left it (the office-action page reads both).
    const queries = await ctx.withGateway(ctx.big?.index ?? 'bench_no_citations', (gw) => claimQueries(gw.url), { rejectionsIndex: index });
    Object.assign(figures, queries);
    say(
      `  claim=N search p50 ${queries.claimSearchP50Ms} ms (claim 1: ${fmtInt(queries.claimOneHits)} rejections); v1 claim wildcards ${queries.legacyClaimStatus} in ${queries.legacyClaimMs} ms; ` +
        `office-action page p50 ${queries.officeActionPageP50Ms ?? 'n/a'} ms`,
    );
  } finally {
    await deleteIndex(ctx.target, index);
  }
}
