/**
 * Whether the gateway can answer searches: Meilisearch reachable, the index there, the gateway's
 * key allowed to search it, and the index built with this code's stored layout. One zero-hit
 * search answers all four: its filter names the data set's layout marker (src/catalog/stored-layout.ts),
 * which only an index of this layout declares filterable - an index built by an earlier version makes
 * Meilisearch refuse the filter, and would answer every other query wrongly, so it is not ready.
 *
 * Asked anew on every call (a zero-hit search costs Meilisearch next to nothing): a readiness kept
 * from a moment ago would send traffic to a gateway whose Meilisearch just went away.
 */
import { CITATIONS, datasetNamed } from '../catalog/datasets.ts';
import { ApiError } from '../http/errors.ts';
import type { MeiliReader } from '../meili/reader.ts';

export type ReadinessState = 'ready' | 'unreachable' | 'index_missing' | 'unauthorized' | 'old_layout' | 'failing';

export interface ReadinessAnswer {
  ready: boolean;
  state: ReadinessState;
  /** What is wrong and what to do, for operators (never the index name or a key). */
  reason?: string;
  /** Each data set's state, when the gateway serves more than one (the first decides `ready`). */
  datasets?: Record<string, ReadinessState>;
}

/** Another data set's index, whose state /ready reports beside the citations'. */
export interface OtherDataSet {
  dataset: string;
  reader: MeiliReader;
}

const REASONS: Record<Exclude<ReadinessState, 'ready'>, string> = {
  unreachable: 'Meilisearch is unreachable',
  index_missing: 'the index does not exist yet: build it with `npm run index`',
  unauthorized: 'the gateway\'s Meilisearch key cannot search the index (check MEILI_SEARCH_KEY)',
  old_layout:
    'the index was built with an earlier layout of this project and would answer wrongly: rebuild it with `npm run index -- --reindex --citations <file> --office-actions <file>`',
  failing: 'Meilisearch fails to answer searches',
};

/**
 * The citations index decides readiness; the other data sets' states are reported beside it, not
 * gating it: a deployment that has built only the citations keeps serving them (requests to a data
 * set whose index is missing answer 503 saying so).
 */
export class Readiness {
  constructor(
    private readonly reader: MeiliReader,
    private readonly options: { dataset?: string; others?: readonly OtherDataSet[] } = {},
  ) {}

  async check(): Promise<ReadinessAnswer> {
    const others = this.options.others ?? [];
    const dataset = this.options.dataset ?? CITATIONS.dataset;
    const [state, ...otherStates] = await Promise.all([probe(this.reader, dataset), ...others.map((o) => probe(o.reader, o.dataset))]);
    const answer: ReadinessAnswer = state === 'ready' ? { ready: true, state } : { ready: false, state, reason: REASONS[state] };
    if (others.length) {
      answer.datasets = { [dataset]: state, ...Object.fromEntries(others.map((o, i) => [o.dataset, otherStates[i]!])) };
    }
    return answer;
  }
}

async function probe(reader: MeiliReader, dataset: string): Promise<ReadinessState> {
  const marker = (datasetNamed(dataset) ?? CITATIONS).layout.marker;
  try {
    await reader.probe({ q: '', filter: `${marker} NOT EXISTS`, limit: 0, attributesToRetrieve: [] }, AbortSignal.timeout(2_000));
    return 'ready';
  } catch (err) {
    if (!(err instanceof ApiError)) return 'unreachable';
    if (err.status === 400 && err.code === 'invalid_search_filter') return 'old_layout';
    if (err.code === 'index_missing') return 'index_missing';
    if (err.code === 'meili_auth') return 'unauthorized';
    return err.message.includes('unreachable') || err.message.includes('in time') ? 'unreachable' : 'failing';
  }
}
