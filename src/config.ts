/**
 * Configuration from the environment, validated once at start. The README's configuration table
 * lists exactly these variables.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A size as Meilisearch reads MEILI_HTTP_PAYLOAD_SIZE_LIMIT ("100 MB", "2GiB", "1048576"), in bytes. */
export function parseByteSize(raw: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?\s*$/i.exec(raw);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const power = { b: 0, k: 1, m: 2, g: 3, t: 4 }[unit[0] as 'b' | 'k' | 'm' | 'g' | 't'];
  const base = unit.includes('i') ? 1024 : 1000;
  return Math.floor(Number(m[1]) * base ** power);
}

const byteSize = z.string().transform((v, ctx) => {
  const bytes = parseByteSize(v);
  if (bytes === undefined || bytes < 1024) {
    ctx.addIssue({ code: 'custom', message: `must be a size such as "100 MB" or "8 GiB", got "${v}"` });
    return z.NEVER;
  }
  return bytes;
});

export const envSchema = z.object({
  /** External Meilisearch; the embedded one is started when unset. */
  MEILI_URL: z.string().url().optional(),
  /** Master (or admin) key of the external Meilisearch; used only to set up keys and by the indexer. */
  MEILI_MASTER_KEY: z.string().min(1).optional(),
  /** A ready search-only key for the gateway; created with the master key when unset. */
  MEILI_SEARCH_KEY: z.string().min(1).optional(),
  /** A file holding that key (e.g. written by the compose `setup` service); read once at start. */
  MEILI_SEARCH_KEY_FILE: z.string().min(1).optional(),
  /**
   * The external Meilisearch's payload limit, as that server was started with it: the indexer
   * sends a run as few payloads as it allows (one, when it allows the run).
   */
  MEILI_HTTP_PAYLOAD_SIZE_LIMIT: byteSize.optional(),
  /** Index uid shared by the indexer and the gateway. */
  OA_INDEX: z.string().regex(/^[A-Za-z0-9_-]{1,400}$/).default('oa_citations'),
  /** Index uid of the rejections data set (`oa_rejections` v1), shared by the indexer and the gateway. */
  OA_REJECTIONS_INDEX: z.string().regex(/^[A-Za-z0-9_-]{1,400}$/).default('oa_rejections'),
  /** Folder of the embedded Meilisearch (database, master.key, log) and indexer checkpoints. */
  DATA_DIR: z.string().default('./data'),
  /** Port of the embedded Meilisearch; a free one when unset. */
  MEILI_PORT: int(1, 65535).optional(),
  HOST: z.string().default('127.0.0.1'),
  PORT: int(0, 65535).default(8080),
  /**
   * The gateway's address as clients reach it (`https://oa.example.org`), for the absolute links
   * in legacy answers (`apiUrl`, `apiDocumentationUrl`); never taken from a request's Host header.
   * Default: the address the gateway listens on.
   */
  PUBLIC_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL')
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  /** Load the bundled sample into an empty index on start. */
  LOAD_SAMPLE: bool.default(true),
  /** Largest `rows` of a legacy /records request. */
  MAX_ROWS: int(1, 100_000).default(1000),
  /** Longest legacy `criteria` string, in characters. */
  MAX_CRITERIA_LENGTH: int(1, 1_000_000).default(10_000),
  /** Most boolean clauses in one criteria (Lucene's maxBooleanClauses). */
  MAX_CLAUSES: int(1, 100_000).default(1024),
  /** Deepest nesting of criteria parentheses (Meilisearch refuses filters nested about 49 deep). */
  MAX_DEPTH: int(1, 45).default(32),
  /** Largest request body, in bytes. */
  MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  /** Per-request time limit towards Meilisearch, in milliseconds. */
  REQUEST_TIMEOUT_MS: int(100, 600_000).default(10_000),
  /** A client's request headers must arrive within this, in milliseconds. */
  CLIENT_HEADERS_TIMEOUT_MS: int(1000, 600_000).default(10_000),
  /** A client's whole request, body included, must arrive within this (else 408 and closed), in milliseconds. */
  CLIENT_REQUEST_TIMEOUT_MS: int(1000, 3_600_000).default(30_000),
  /** An idle keep-alive connection is closed after this, in milliseconds. */
  CLIENT_IDLE_TIMEOUT_MS: int(100, 600_000).default(5_000),
  /** Most client connections open at once; at the cap the oldest one not being answered is closed. */
  MAX_CONNECTIONS: int(16, 1_000_000).default(2_048),
  /**
   * The most one query's filter may cost, in stored values Meilisearch would test at the scale of
   * the whole OARD (src/filter/cost.ts); above it, 400 too_expensive. `*abc*` on applicationId
   * costs 2.2 M, on Patent_PGPub 10 M; `field:value` costs 1.
   */
  MAX_FILTER_COST: int(1, 1e12).default(50_000_000),
  /** Requests the gateway has inside Meilisearch at once (ordinary ones). */
  MEILI_MAX_CONCURRENT: int(1, 1024).default(32),
  /** Of those, expensive ones (filter cost of 1 M or more) at once: they can hold no more of Meilisearch's workers. */
  MEILI_MAX_HEAVY: int(1, 1024).default(1),
  /** Requests waiting for a slot, per kind; more are answered 503 with Retry-After. */
  MEILI_QUEUE_MAX: int(0, 100_000).default(64),
  /** Longest wait for a slot before 503 with Retry-After, in milliseconds. */
  MEILI_QUEUE_WAIT_MS: int(1, 600_000).default(2_000),
  /** Optional gateway API keys (comma separated); when set, X-API-KEY is required. */
  API_KEYS: list.optional(),
  /** Requests per minute per API key (0 = unlimited). */
  RATE_LIMIT_PER_MINUTE: int(0, 1_000_000).default(600),
  /** Exports streaming at once, in all (more: 503 with Retry-After). */
  EXPORT_MAX_CONCURRENT: int(1, 10_000).default(4),
  /** Exports streaming at once per API key (more: 429 with Retry-After). */
  EXPORT_MAX_PER_KEY: int(1, 10_000).default(2),
  /** An export whose client reads nothing for this long, in milliseconds, is cut off. */
  EXPORT_IDLE_TIMEOUT_MS: int(1000, 3_600_000).default(30_000),
  /** Allowed CORS origins (comma separated, `*` for any); CORS is off when unset. */
  CORS_ORIGINS: list.optional(),
  /** Serve the web search page at `/`. */
  WEB_UI: bool.default(true),
  /** With API_KEYS set, serve the web page without a key (its records are then public); off by default. */
  WEB_PUBLIC: bool.default(false),
  /** `info` logs one line per request; `warn`/`error` less; `silent` none. */
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (config.CLIENT_HEADERS_TIMEOUT_MS > config.CLIENT_REQUEST_TIMEOUT_MS) {
    // Node refuses a headers timeout longer than the request timeout (the headers are part of the request).
    throw new ConfigError(
      `invalid configuration:\n  CLIENT_HEADERS_TIMEOUT_MS: must not exceed CLIENT_REQUEST_TIMEOUT_MS (${config.CLIENT_REQUEST_TIMEOUT_MS}), got ${config.CLIENT_HEADERS_TIMEOUT_MS}`,
    );
  }
  if (config.MEILI_SEARCH_KEY_FILE) {
    if (config.MEILI_SEARCH_KEY) throw keyFileError('set either MEILI_SEARCH_KEY or MEILI_SEARCH_KEY_FILE, not both');
    config.MEILI_SEARCH_KEY = readKeyFile(config.MEILI_SEARCH_KEY_FILE);
  }
  return config;
}

function readKeyFile(path: string): string {
  let key: string;
  try {
    key = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw keyFileError(`cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!key) throw keyFileError(`${path} is empty`);
  return key;
}

/** Worded like the schema's own issues ("invalid configuration:\n  VAR: problem"). */
const keyFileError = (message: string) => new ConfigError(`invalid configuration:\n  MEILI_SEARCH_KEY_FILE: ${message}`);
