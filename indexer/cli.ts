/**
 * npm run index -- [--citations <file>] [--rejections <file>] [--office-actions <file>] [options]
 *
 * Indexes the OARD CSVs into Meilisearch (see run.ts): the citations into one index, the
 * rejections into another, both joined with the office actions (read once). Meilisearch from MEILI_URL /
 * MEILI_MASTER_KEY, or the embedded one in DATA_DIR. Everything goes to stderr, except the final
 * summary as one JSON line on stdout with --json.
 *
 * Exit codes: 0 done; 1 failed (Meilisearch error...; re-run to resume); 2 usage or input error
 * (missing file, bad header, bad flag); 3 done but rows were rejected and --strict was given;
 * 130 interrupted (re-run to resume).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../src/config.ts';
import { connectAdmin, type AdminConnection } from '../src/meili/connect.ts';
import { progressPrinter } from './progress.ts';
import { NORMALISATION_NAMES, type Normalised } from './pandas.ts';
import { InputError, RejectedRowsError, runIndex, type IndexSummary, type TableSummary } from './run.ts';
import { checkTable, positionText } from './table-reader.ts';

/** MB per payload for an external Meilisearch of unknown limit: under its default of 100 MB. */
const EXTERNAL_DEFAULT_MB = 95;

const USAGE = `usage: npm run index -- [--citations <file>] [--rejections <file>] [--office-actions <file>] [options]

  --citations <file>        citations table: a file, a folder of shards or a quoted glob
                            ('exports/citations-*.csv.gz'), read in name order as one table;
                            .csv, .csv.gz, .zip (first CSV inside), BigQuery's newline-delimited
                            .json / .ndjson / .jsonl (optionally .gz), .parquet; pandas copies read as is
  --rejections <file>       rejections table (same forms); at least one of the two is required
  --office-actions <file>   office_actions table (same forms); joined on ifw_number with both
  --index <uid>             citations index (default OA_INDEX, "oa_citations")
  --rejections-index <uid>  rejections index (default OA_REJECTIONS_INDEX, "oa_rejections")
  --batch-mb <n>            largest upload payload, MB of NDJSON; 0 sends the whole run as one payload
                            (default: 0 with the embedded Meilisearch, else under the server's
                            MEILI_HTTP_PAYLOAD_SIZE_LIMIT when set here, else ${EXTERNAL_DEFAULT_MB} - under Meilisearch's 100 MB)
  --rejects <file>          rejected rows, NDJSON (default DATA_DIR/rejects/<index>.ndjson; the
                            rejections' go to <rejections-index>.ndjson beside it)
  --reindex                 build into a fresh index, then swap it in atomically
  --strict                  exit 3 when any row was rejected (after finishing)
  --no-resume               ignore the checkpoint of an interrupted run
  --json                    print the summary as one JSON line on stdout
  -h, --help                show this help

Environment: MEILI_URL, MEILI_MASTER_KEY (embedded Meilisearch in DATA_DIR when unset), OA_INDEX, OA_REJECTIONS_INDEX,
DATA_DIR (checkpoints in DATA_DIR/checkpoints), MEILI_HTTP_PAYLOAD_SIZE_LIMIT (the server's).
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
        rejections: { type: 'string' },
        'office-actions': { type: 'string' },
        index: { type: 'string' },
        'rejections-index': { type: 'string' },
        'batch-mb': { type: 'string' },
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

function payloadMb(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) usageError(`--batch-mb must be 0 (one payload) or a positive number, got ${JSON.stringify(raw)}`);
  if (n > 0 && n * 1024 * 1024 < 1024) usageError(`--batch-mb must be 0 or at least 0.001 (1 KB), got ${JSON.stringify(raw)}`);
  return n;
}

/** Payload bytes: the flag, else what the server is known to accept. */
function payloadBytes(flag: string | undefined, config: Config, log: (line: string) => void): number {
  if (flag !== undefined) return Math.round(payloadMb(flag) * 1024 * 1024);
  // The embedded Meilisearch takes any payload (src/meili/embedded.ts).
  if (!config.MEILI_URL) return 0;
  // Meilisearch counts the limit in bytes of the body; keep 1 % for the last line to fit.
  if (config.MEILI_HTTP_PAYLOAD_SIZE_LIMIT) return Math.floor(config.MEILI_HTTP_PAYLOAD_SIZE_LIMIT * 0.99);
  log(
    `index: sending payloads of ${EXTERNAL_DEFAULT_MB} MB (under Meilisearch's default limit); a server started with a larger ` +
      'MEILI_HTTP_PAYLOAD_SIZE_LIMIT (set it here too) takes the run as one payload: a smaller index, built faster',
  );
  return EXTERNAL_DEFAULT_MB * 1024 * 1024;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** What each data set's rows are, and what makes two of them the same row. */
const ROWS: Record<string, { noun: string; key: string }> = {
  oa_citations: { noun: 'citations', key: 'an (app_id, ifw_number, parsed) triple' },
  oa_rejections: { noun: 'rejections', key: 'the (app_id, ifw_number, action_type, action_subtype, claim_numbers) of a row' },
};

function report(summary: IndexSummary): string {
  return [summary, ...(summary.rejections ? [summary.rejections] : [])].map((s, i) => reportTable(s, i === 0)).join('');
}

/** "NaN read as empty 1,204, app_id padded back to 8 digits 310 (office actions: ...)", or '' when none. */
function normalisations(table: Normalised, officeActions: Normalised | undefined): string {
  const listed = (n: Normalised | undefined) =>
    n ? (Object.keys(NORMALISATION_NAMES) as (keyof Normalised)[]).filter((k) => n[k] > 0).map((k) => `${NORMALISATION_NAMES[k]} ${fmt(n[k])}`).join(', ') : '';
  const own = listed(table);
  const theirs = listed(officeActions);
  return [own, theirs && `office actions: ${theirs}`].filter(Boolean).join('; ');
}

function reportTable(s: TableSummary, first: boolean): string {
  const rows = ROWS[s.dataset] ?? { noun: 'rows', key: 'the id columns of a row' };
  const lines = [
    `indexed: ${fmt(s.indexed)} documents in index ${s.index}${s.builtIndex ? ` (built as ${s.builtIndex}, swapped in)` : ''}`,
    `  rows read     ${fmt(s.rowsRead)} ${rows.noun}${first ? `, ${fmt(s.officeActions.read)} office actions` : ''}`,
  ];
  if (s.rejected > 0) {
    const where = s.rejectedLines.map((r) => `${r.file}:${r.line}`).join(', ');
    lines.push(`  rejected      ${fmt(s.rejected)} rows${first ? ` (${fmt(s.officeActions.rejected)} office actions)` : ''}; first: ${where}`);
    lines.push(`  rejects file  ${s.rejectsFile ?? '(none written)'}`);
  } else lines.push('  rejected      0');
  lines.push(`  orphans       ${fmt(s.orphans)} ${rows.noun} whose ifw_number matches no office action`);
  lines.push(`  duplicates    ${fmt(s.duplicates)} rows repeating ${rows.key} (counted within a window of ${fmt(s.duplicateWindow)} rows)`);
  if (first && s.officeActions.duplicates > 0) lines.push(`  office actions with a repeated ifw_number: ${fmt(s.officeActions.duplicates)} (first kept)`);
  const readings = normalisations(s.normalised, first ? s.officeActions.normalised : undefined);
  if (readings) lines.push(`  pandas forms  ${readings}`);
  if (s.resumedFromLine !== undefined) {
    // Past 2^32, a position in a later shard of a sharded table (table-reader.ts).
    const from = s.resumedFromLine < 2 ** 32 ? `line ${fmt(s.resumedFromLine)}` : `position ${positionText(s.resumedFromLine)}`;
    lines.push(`  resumed       from ${from} (earlier rows were indexed by an interrupted run)`);
  }
  lines.push(`  elapsed       ${(s.elapsedMs / 1000).toFixed(1)} s, ${fmt(Math.round(s.rowsPerSecond))} rows/s, ${fmt(s.payloads)} upload payload${s.payloads === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

async function main(): Promise<number> {
  const values = parse();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.citations && !values.rejections) usageError('--citations <file> or --rejections <file> is required (or both)');
  if (values['batch-mb'] !== undefined) payloadMb(values['batch-mb']);

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
  const rejectionsIndex = values['rejections-index'] ?? config.OA_REJECTIONS_INDEX;
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(rejectionsIndex)) usageError(`--rejections-index must be letters, digits, - and _ only, got ${JSON.stringify(rejectionsIndex)}`);
  if (values.citations && values.rejections && index === rejectionsIndex) usageError(`the citations and the rejections need indexes of their own, not both ${JSON.stringify(index)}`);

  // Missing files are reported before Meilisearch is started.
  try {
    if (values.citations) await checkTable(values.citations, 'citations');
    if (values.rejections) await checkTable(values.rejections, 'rejections');
    if (values['office-actions']) await checkTable(values['office-actions'], 'office actions');
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
    say(`index: ${sig}: stopping (payloads already sent stay with Meilisearch; press again to stop at once)`);
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
      rejections: values.rejections,
      officeActions: values['office-actions'],
      index,
      rejectionsIndex,
      meili: { url: admin.url, apiKey: admin.masterKey },
      payloadBytes: payloadBytes(values['batch-mb'], config, say),
      rejectsFile: values.rejects ?? join(config.DATA_DIR, 'rejects', `${values.citations ? index : rejectionsIndex}.ndjson`),
      ...(values.rejects ? {} : { rejectionsRejectsFile: join(config.DATA_DIR, 'rejects', `${rejectionsIndex}.ndjson`) }),
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
      err('index: interrupted; what Meilisearch received is kept: run the same command again to resume\n');
      return 130;
    }
    err(`index: failed: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.DEBUG) err(`${(e as Error)?.stack}\n`);
    err('index: payloads acknowledged so far are kept: run the same command again to resume\n');
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
