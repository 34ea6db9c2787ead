/**
 * Structured JSON logs, one object per line on stdout. Callers pass plain facts (request id,
 * route, status, duration); nothing that could hold a secret (headers, keys, bodies) is logged.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: Level = 'info', write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const at = (lvl: Exclude<Level, 'silent'>) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (RANK[lvl] < RANK[level]) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Lines for stdout, written together once per turn of the event loop: the access log's line per
 * request was a write(2) of its own - a synchronous one, stdout being a file or a pipe on Linux -
 * at every request the gateway served. Lines still pending when the process exits (an exception,
 * process.exit) are written then; only a process killed outright loses them - one turn's worth.
 */
export function stdoutLines(write: (text: string) => void = (t) => process.stdout.write(t)): (line: string) => void {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    write(text);
  };
  process.on('exit', flush);
  return (line) => {
    pending += line;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
