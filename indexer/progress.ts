/**
 * Progress of a run: on a terminal, one line rewritten in place (bar, rows/s, bytes read of the
 * total, ETA, rejected rows); otherwise (logs, CI) a plain line every ~5 s, so logs stay readable.
 */

export interface IndexProgress {
  /** Reading office actions; reading and sending citations or rejections; waiting for Meilisearch to index them. */
  phase: 'office-actions' | 'citations' | 'rejections' | 'indexing';
  /** The file being read. */
  file: string;
  /** Data rows read from that file so far (resumed prefix included). */
  rowsRead: number;
  /** Rows rejected so far (both files). */
  rejected: number;
  /** File bytes read so far / the file's size. */
  bytesRead: number;
  bytesTotal: number;
  /** Documents in acknowledged batches (this run). */
  documentsAcknowledged: number;
  elapsedMs: number;
  /** Rows per second in this phase (this run). */
  rowsPerSecond: number;
  /** While indexing: Meilisearch's progress of the batch (0-100), when it says. */
  indexingPercent?: number;
  /** Estimated seconds left in this phase, from the byte rate (indexing: from Meilisearch's progress). */
  etaSeconds?: number;
}

export interface ProgressTarget {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  s = Math.round(s);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function describeProgress(p: IndexProgress): string {
  const eta = p.etaSeconds !== undefined ? `, ETA ${duration(p.etaSeconds)}` : '';
  if (p.phase === 'indexing') {
    const done = p.indexingPercent === undefined ? 'waiting' : `${p.indexingPercent.toFixed(1)}%`;
    return `indexing in Meilisearch: ${done}${eta}; ${fmt(p.rowsRead)} rows sent, ${fmt(p.rejected)} rejected, ${fmt(p.documentsAcknowledged)} documents acknowledged`;
  }
  const what = p.phase === 'office-actions' ? 'office actions' : p.phase;
  const size = `${mb(p.bytesRead)} / ${mb(p.bytesTotal)}`;
  const docs = p.phase === 'office-actions' ? '' : `, ${fmt(p.documentsAcknowledged)} documents acknowledged`;
  return `${what}: ${fmt(p.rowsRead)} rows (${fmt(p.rowsPerSecond)}/s), ${size}${eta}, ${fmt(p.rejected)} rejected${docs}`;
}

export interface ProgressPrinter {
  update(p: IndexProgress): void;
  /** Ends the in-place line (before other output). */
  done(): void;
}

export function progressPrinter(out: ProgressTarget, options: { tty?: boolean; intervalMs?: number } = {}): ProgressPrinter {
  const tty = options.tty ?? Boolean(out.isTTY);
  const interval = options.intervalMs ?? (tty ? 200 : 5000);
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < interval) return;
      last = now;
      if (!tty) {
        out.write(`${describeProgress(p)}\n`);
        return;
      }
      const width = Math.max(40, (out.columns || 120) - 1);
      const frac = p.phase === 'indexing' ? (p.indexingPercent ?? 0) / 100 : p.bytesTotal > 0 ? Math.min(1, p.bytesRead / p.bytesTotal) : 0;
      const barWidth = 20;
      const filled = Math.round(frac * barWidth);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}% `;
      out.write(`\r${(bar + describeProgress(p)).slice(0, width)}\x1b[K`);
      drawn = true;
    },
    done() {
      if (tty && drawn) out.write('\n');
      drawn = false;
    },
  };
}
