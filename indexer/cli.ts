/**
 * npm run index -- --citations <file> [--office-actions <file>] [--index <uid>] [options]
 *
 * Indexes the OARD CSVs into Meilisearch (see run.ts). Meilisearch from MEILI_URL /
 * MEILI_MASTER_KEY, or the embedded one in DATA_DIR. Everything goes to stderr, except the final
 * summary as one JSON line on stdout with --json.
 *
 * Exit codes: 0 done; 1 failed (Meilisearch error...; re-run to resume); 2 usage or input error
 * (missing file, bad header, bad flag); 3 done but rows were rejected and --strict was given;
 * 130 interrupted (re-run to resume).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.ts';
import { connectAdmin, type AdminConnection } from '../src/meili/connect.ts';
import { progressPrinter } from './progress.ts';
import { DEFAULT_BATCH_BYTES, DEFAULT_CONCURRENCY, InputError, RejectedRowsError, runIndex, type IndexSummary } from './run.ts';
import { checkReadable } from './sources.ts';

const USAGE = `usage: npm run index -- --citations <file> [--office-actions <file>] [options]

  --citations <file>        citations table: .csv, .csv.gz or .zip (first CSV inside); required
  --office-actions <file>   office_actions table (same formats); joined on ifw_number
  --index <uid>             target index (default OA_INDEX, "oa_citations")
  --batch-mb <n>            upload batch size in MB of NDJSON (default ${DEFAULT_BATCH_BYTES / 1024 / 1024})
  --concurrency <n>         batches in flight (default ${DEFAULT_CONCURRENCY})
  --rejects <file>          rejected rows, NDJSON (default DATA_DIR/rejects/<index>.ndjson)
  --reindex                 build into a fresh index, then swap it in atomically
  --strict                  exit 3 when any row was rejected (after finishing)
  --no-resume               ignore the checkpoint of an interrupted run
  --json                    print the summary as one JSON line on stdout
  -h, --help                show this help

Environment: MEILI_URL, MEILI_MASTER_KEY (embedded Meilisearch in DATA_DIR when unset), OA_INDEX,
DATA_DIR (checkpoints in DATA_DIR/checkpoints).
Exit codes: 0 done, 1 failed, 2 usage/input error, 3 rows rejected with --strict, 130 interrupted.`;

const err = (s: string) => process.stderr.write(s);

function usageError(message: string): never {
  err(`index: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        citations: { type: 'string' },
        'office-actions': { type: 'string' },
        index: { type: 'string' },
        'batch-mb': { type: 'string' },
        concurrency: { type: 'string' },
        rejects: { type: 'string' },
        reindex: { type: 'boolean' },
        strict: { type: 'boolean' },
        'no-resume': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    usageError((e as Error).message);
  }
}

function positiveNumber(flag: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    usageError(`${flag} must be a positive ${integer ? 'whole ' : ''}number, got ${JSON.stringify(raw)}`);
  }
  return n;
}

const fmt = (n: number) => n.toLocaleString('en-US');

function report(s: IndexSummary): string {
  const lines = [
    `indexed: ${fmt(s.indexed)} documents in index ${s.index}${s.builtIndex ? ` (built as ${s.builtIndex}, swapped in)` : ''}`,
    `  rows read     ${fmt(s.rowsRead)} citations, ${fmt(s.officeActions.read)} office actions`,
  ];
  if (s.rejected > 0) {
    const where = s.rejectedLines.map((r) => `${r.file}:${r.line}`).join(', ');
    lines.push(`  rejected      ${fmt(s.rejected)} rows (${fmt(s.officeActions.rejected)} office actions); first: ${where}`);
    lines.push(`  rejects file  ${s.rejectsFile ?? '(none written)'}`);
  } else lines.push('  rejected      0');
  lines.push(`  orphans       ${fmt(s.orphans)} citations whose ifw_number matches no office action`);
  lines.push(`  duplicates    ${fmt(s.duplicates)} rows repeating an (app_id, ifw_number, parsed) triple (counted within a window of ${fmt(s.duplicateWindow)} rows)`);
  if (s.officeActions.duplicates > 0) lines.push(`  office actions with a repeated ifw_number: ${fmt(s.officeActions.duplicates)} (first kept)`);
  if (s.resumedFromLine !== undefined) lines.push(`  resumed       from line ${fmt(s.resumedFromLine)} (earlier lines were indexed by an interrupted run)`);
  lines.push(`  elapsed       ${(s.elapsedMs / 1000).toFixed(1)} s, ${fmt(Math.round(s.rowsPerSecond))} rows/s`);
  return lines.join('\n') + '\n';
}

async function main(): Promise<number> {
  const values = parse();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.citations) usageError('--citations <file> is required');
  const batchMb = positiveNumber('--batch-mb', values['batch-mb'], DEFAULT_BATCH_BYTES / 1024 / 1024, false);
  const concurrency = positiveNumber('--concurrency', values.concurrency, DEFAULT_CONCURRENCY, true);
  if (batchMb * 1024 * 1024 < 1024) usageError(`--batch-mb must be at least 0.001 (1 KB), got ${values['batch-mb']}`);

  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`index: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const index = values.index ?? config.OA_INDEX;
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(index)) usageError(`--index must be letters, digits, - and _ only, got ${JSON.stringify(index)}`);

  // Missing files are reported before Meilisearch is started.
  try {
    await checkReadable(values.citations, 'citations');
    if (values['office-actions']) await checkReadable(values['office-actions'], 'office actions');
  } catch (e) {
    if (e instanceof InputError) {
      err(`index: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  const printer = progressPrinter(process.stderr);
  const say = (line: string) => {
    printer.done();
    err(`${line}\n`);
  };
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: string) => {
    interrupts++;
    if (interrupts > 1) {
      say(`index: ${sig} again: stopping now (re-run the same command to resume)`);
      process.exit(130);
    }
    say(`index: ${sig}: stopping after the batches in flight (press again to stop at once)`);
    controller.abort(new DOMException(`interrupted by ${sig}`, 'AbortError'));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  let admin: AdminConnection | undefined;
  try {
    admin = await connectAdmin(config);
    if (admin.embedded) say(`index: started the embedded Meilisearch at ${admin.url} (data in ${join(config.DATA_DIR, 'meilisearch')})`);
    const summary = await runIndex({
      citations: values.citations,
      officeActions: values['office-actions'],
      index,
      meili: { url: admin.url, apiKey: admin.masterKey },
      batchBytes: Math.round(batchMb * 1024 * 1024),
      concurrency,
      rejectsFile: values.rejects ?? join(config.DATA_DIR, 'rejects', `${index}.ndjson`),
      checkpointDir: join(config.DATA_DIR, 'checkpoints'),
      resume: !values['no-resume'],
      reindex: values.reindex ?? false,
      strict: values.strict ?? false,
      onProgress: (p) => printer.update(p),
      log: (line) => say(`index: ${line}`),
      signal: controller.signal,
    });
    printer.done();
    err(report(summary));
    if (values.json) process.stdout.write(JSON.stringify(summary) + '\n');
    return 0;
  } catch (e) {
    printer.done();
    if (e instanceof RejectedRowsError) {
      err(report(e.summary));
      if (values.json) process.stdout.write(JSON.stringify(e.summary) + '\n');
      err(`index: ${e.message}: exit 3\n`);
      return 3;
    }
    if (e instanceof InputError) {
      err(`index: ${e.message}\n`);
      return 2;
    }
    if (controller.signal.aborted) {
      err('index: interrupted; acknowledged batches are kept: run the same command again to resume\n');
      return 130;
    }
    err(`index: failed: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.DEBUG) err(`${(e as Error)?.stack}\n`);
    err('index: batches acknowledged so far are kept: run the same command again to resume\n');
    return 1;
  } finally {
    await admin?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`index: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
  },
);
