/**
 * What every bench phase works with: the plan, the cleanup stack, the bench's own Meilisearch
 * (fresh data dir, the embedded binary), the generated data sets (made on first use, seeded), the
 * indexes the build phase left, and the figures the report prints. Phases read and write here
 * and nowhere else.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateDataset, type GeneratedDataset } from '../tools/generate/dataset.ts';
import { adminOn, enableFeatures, searchKeyFor, type AdminConnection } from '../src/meili/connect.ts';
import { startEmbeddedMeili, type EmbeddedMeili } from '../src/meili/embedded.ts';
import { BENCH_DIR, Cleanup, fmtInt, round, say, type MeiliTarget } from './lib.ts';
import type { Plan } from './plan.ts';
import { startGateway, type CliRun, type Gateway } from './processes.ts';
import type { Figures } from './report.ts';

/** The generator writes ~13.1-13.2 citation rows per office action; 13.0 keeps every size at or above its nominal row count. */
const ROWS_PER_OFFICE_ACTION = 13.0;

export interface BuiltIndex {
  rows: number;
  index: string;
  cli: CliRun;
}

export class BenchContext {
  readonly figures: Figures;
  readonly built: BuiltIndex[] = [];
  private readonly data = new Map<number, GeneratedDataset>();
  interrupted = false;

  private constructor(
    readonly plan: Plan,
    readonly cleanup: Cleanup,
    readonly root: string,
    readonly work: string,
    readonly embedded: EmbeddedMeili,
    readonly admin: AdminConnection,
  ) {
    this.figures = {
      plan: plan.name,
      machine: { cpus: 0, node: process.version },
      datasets: {},
      parse: null,
      formats: null,
      ingest: null,
      rss: null,
      rejections: null,
      gateway: null,
      search: null,
      scale: null,
      atScale: null,
      reindex: null,
      errors: [],
    };
  }

  static async start(plan: Plan, cleanup: Cleanup): Promise<BenchContext> {
    const root = cleanup.tempDir('oa-bench-');
    const work = join(root, 'work');
    mkdirSync(work);
    if (plan.profile) mkdirSync(join(BENCH_DIR, 'profiles'), { recursive: true });
    say('starting Meilisearch');
    const embedded = await startEmbeddedMeili({ dataDir: join(root, 'meili') });
    cleanup.add('stop Meilisearch', () => embedded.stop());
    const admin = adminOn(embedded.url, embedded.masterKey);
    await enableFeatures(admin);
    const ctx = new BenchContext(plan, cleanup, root, work, embedded, admin);
    ctx.figures.machine.cpus = (await import('node:os')).availableParallelism();
    return ctx;
  }

  get target(): MeiliTarget {
    return { url: this.embedded.url, apiKey: this.embedded.masterKey };
  }

  /** The bench's Meilisearch process (its CPU time is read from /proc). */
  get meiliPid(): number {
    const pid = this.embedded.process.pid;
    if (pid === undefined) throw new Error('the bench Meilisearch has no pid');
    return pid;
  }

  /** The Meilisearch database directory (indexes, tasks, update files). */
  get meiliDb(): string {
    return join(this.embedded.dataDir, 'meili');
  }

  get largest(): number {
    return Math.max(...this.plan.sizes);
  }

  get profileDir(): string | undefined {
    return this.plan.profile ? join(BENCH_DIR, 'profiles') : undefined;
  }

  /** The generated data set of `rows` citation rows (made on first use; same seed, same rows). */
  async dataset(rows: number): Promise<GeneratedDataset> {
    const known = this.data.get(rows);
    if (known) return known;
    const t = performance.now();
    const ds = await generateDataset(join(this.root, `data-${rows}`), { officeActions: Math.ceil(rows / ROWS_PER_OFFICE_ACTION), seed: this.plan.seed });
    this.data.set(rows, ds);
    const bytes = statSync(ds.citations).size + statSync(ds.officeActions).size;
    this.figures.datasets[String(rows)] = { citations: ds.counts.citations, officeActions: ds.counts.officeActions, csvMb: round(bytes / 1e6, 1) };
    say(`generated ${fmtInt(ds.counts.citations)} citation rows (${fmtInt(ds.counts.officeActions)} office actions) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return ds;
  }

  /** The index built of the largest data set, if the build phase made it. */
  get big(): BuiltIndex | undefined {
    return this.built.find((b) => b.rows === this.largest);
  }

  /** Runs a phase: its failure is reported (figures stay null) and the next phase still runs. */
  async phase(name: string, fn: () => Promise<void>): Promise<void> {
    if (this.interrupted) return;
    const started = performance.now();
    say(`${name} ...`);
    try {
      await fn();
      say(`${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.figures.errors.push(`${name}: ${msg}`);
      say(`${name} FAILED: ${msg}`);
    }
  }

  /** A gateway process on `index` (through `target`, e.g. a recording proxy), for the duration of `fn`. */
  async withGateway<T>(
    index: string,
    fn: (gw: Gateway) => Promise<T>,
    options: { target?: MeiliTarget; cpuProfDir?: string; rejectionsIndex?: string } = {},
  ): Promise<T> {
    const searchKey = await searchKeyFor(this.admin, options.rejectionsIndex ? [index, options.rejectionsIndex] : index);
    if (!searchKey) throw new Error('no search key');
    const gw = await startGateway(this.cleanup, {
      meiliUrl: (options.target ?? this.target).url,
      searchKey,
      index,
      rejectionsIndex: options.rejectionsIndex,
      logFile: join(this.work, `gateway-${index}.log`),
      logLevel: this.plan.gatewayLogLevel,
      cpuProfDir: options.cpuProfDir,
    });
    try {
      return await fn(gw);
    } finally {
      await gw.stop();
    }
  }
}
