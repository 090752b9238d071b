// `postflight setup`: the same steps applied twice on a real DuckDB leave the same catalog and keep
// the rows; on Databricks (the warehouse above a stand-in session, the REST API on a local server
// that answers as the Pipelines API does) it sends what its dry run prints, the same text twice,
// and reads the event logs the workspace's pipelines publish.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/cli/args.js';
import { runSetupCommand } from '../../src/cli/setup-command.js';
import { createLogger } from '../../src/log.js';
import { applyPlan, SetupStepError, type SetupTarget, setupPlan } from '../../src/setup/plan.js';
import { runSetup } from '../../src/setup/run-setup.js';
import type { SqlSession } from '../../src/warehouse/databricks/databricks-driver.js';
import { DatabricksWarehouse } from '../../src/warehouse/databricks/databricks-warehouse.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Locations } from '../../src/warehouse/port.js';
import { listSql, loadSql } from '../../src/warehouse/sql-files.js';
import { bearerToken } from '../../src/workspace/databricks/auth.js';
import { DatabricksWorkspace } from '../../src/workspace/databricks/databricks-workspace.js';
import { RestClient } from '../../src/workspace/databricks/rest-client.js';
import { FakeDatabricksApi, type Recorded } from './fake-databricks-api.js';

const LOC: Locations = { ops: 'ops.postflight', eventLog: 'ops.postflight.pipeline_event_log' };
const SP = '6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c';

function duckTarget(wh: DuckDbWarehouse): SetupTarget {
  return { applyDdl: (n) => wh.applyDdl(n), applyStatement: (_, sql) => wh.session.run(sql).then(() => undefined) };
}

/** Tables, columns with their types, and view definitions of the postflight schema. */
async function catalogOf(wh: DuckDbWarehouse) {
  return wh.session.all(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, v.sql AS view_sql
     FROM information_schema.columns c LEFT JOIN duckdb_views() v ON v.schema_name = c.table_schema AND v.view_name = c.table_name
     WHERE c.table_schema = 'postflight' ORDER BY c.table_name, c.ordinal_position`,
  );
}

function standIn(fail?: (sql: string) => boolean) {
  const sent: string[] = [];
  const open = async (): Promise<SqlSession> => ({
    async run(sql) {
      if (fail?.(sql)) throw Object.assign(new Error('[PERMISSION_DENIED] User does not have CREATE SCHEMA'), {});
      sent.push(sql);
      return { columns: [], rows: [] };
    },
    async close() {},
  });
  return { open, sent };
}

describe('setup on the embedded warehouse', () => {
  it('applies the ops tables, then sql/views/ in file-name order, and the second run changes nothing', async () => {
    const steps = setupPlan(LOC, []);
    expect(steps[0]).toEqual({ kind: 'ddl', name: 'ddl/ops' });
    expect(steps.slice(1).map((s) => (s.kind === 'ddl' ? s.name : s.what))).toEqual(listSql('views'));
    const wh = await DuckDbWarehouse.open(':memory:');
    expect(await applyPlan(steps, duckTarget(wh))).toBe(steps.length);
    const first = await catalogOf(wh);
    expect(first.map((r) => r.table_name)).toEqual(expect.arrayContaining(['verdicts', 'audit_log', 'watermarks']));
    await wh.session.run("INSERT INTO postflight.verdicts (deployment_id, state) VALUES ('dep-1', 'HEALTHY')");
    expect(await applyPlan(steps, duckTarget(wh))).toBe(steps.length);
    expect(await catalogOf(wh)).toEqual(first);
    expect(await wh.session.all('SELECT deployment_id, state FROM postflight.verdicts')).toEqual([
      { deployment_id: 'dep-1', state: 'HEALTHY' },
    ]);
    await wh.close();
  });
});

describe('setup on a Databricks warehouse', () => {
  const tables = ['main.sales.orders_events', 'main.ops.ingest_events'];

  it('sends the statements its dry run prints, the same text on a second run', async () => {
    const dry = await runSetup({ loc: LOC, who: {}, eventLogTables: tables, directory: null, target: null });
    expect(dry.dryRun).toBe(true);
    const s = standIn();
    const wh = new DatabricksWarehouse(s.open, { locations: LOC });
    const first = await runSetup({ loc: LOC, who: {}, eventLogTables: tables, directory: null, target: wh });
    expect(s.sent).toEqual(dry.statements.map((x) => x.sql));
    const once = [...s.sent];
    s.sent.length = 0;
    await runSetup({ loc: LOC, who: {}, eventLogTables: [...tables].reverse(), directory: null, target: wh });
    expect(s.sent).toEqual(once);
    expect(first.stepsApplied).toBe(1 + listSql('views').length + 1);
    const view = once.at(-1)!;
    expect(view).toMatch(/^CREATE OR REPLACE VIEW `ops`\.`postflight`\.`pipeline_event_log` AS\nSELECT id,/);
    expect(view.split('\nUNION ALL\n').map((p) => /FROM (\S+)$/.exec(p)?.[1])).toEqual([
      '`main`.`ops`.`ingest_events`',
      '`main`.`sales`.`orders_events`',
    ]);
    // Every table sql/ddl/ops.sql declares, each once.
    const declared = loadSql('ddl/ops').match(/CREATE TABLE IF NOT EXISTS \{\{ops\}\}\./g)?.length ?? 0;
    expect(declared).toBeGreaterThanOrEqual(29);
    expect(once.filter((x) => /^CREATE TABLE IF NOT EXISTS `ops`\.`postflight`\./.test(x))).toHaveLength(declared);
    expect(once[0]).toBe('CREATE SCHEMA IF NOT EXISTS `ops`.`postflight`');
  });

  it('stops at a failing statement, naming it, with what came before applied', async () => {
    const s = standIn((sql) => sql.includes('`postflight`.verdicts'));
    const wh = new DatabricksWarehouse(s.open, { locations: LOC, retry: { maxAttempts: 1 } });
    const run = runSetup({ loc: LOC, who: {}, eventLogTables: tables, directory: null, target: wh });
    await expect(run).rejects.toThrow(SetupStepError);
    await expect(run).rejects.toThrow(/setup stopped at sql\/ddl\/ops\.sql: .*PERMISSION_DENIED.*safe to run again/);
    expect(s.sent.some((x) => x.includes('pipeline_event_log'))).toBe(false);
    expect(s.sent[0]).toBe('CREATE SCHEMA IF NOT EXISTS `ops`.`postflight`');
  });
});

describe('setup reading the event logs the workspace publishes', () => {
  let api: FakeDatabricksApi;
  beforeEach(async () => {
    api = await new FakeDatabricksApi().start();
  });
  afterEach(async () => {
    await api.stop();
  });

  // GET /api/2.0/pipelines pages by page_token and caps max_results at 100, as the API does.
  const page = (token: string | null, body: unknown) => (r: Recorded) => {
    const max = Number(r.query.get('max_results') ?? 25);
    if (max > 100 || r.query.get('page_token') !== token)
      return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad page' } };
    return { body };
  };

  it('reads every published event log, and says which pipelines publish none', async () => {
    api.on(
      'GET /api/2.0/pipelines',
      page(null, { statuses: [{ pipeline_id: 'p-1', name: 'orders' }, { pipeline_id: 'p-2' }], next_page_token: 't2' }),
      page('t2', { statuses: [{ pipeline_id: 'p-3', name: 'legacy' }] }),
    );
    api.on('GET /api/2.0/pipelines/p-1', {
      body: {
        pipeline_id: 'p-1',
        spec: { name: 'orders', event_log: { catalog: 'main', schema: 'sales', name: 'orders_events' } },
      },
    });
    api.on('GET /api/2.0/pipelines/p-2', {
      body: { pipeline_id: 'p-2', spec: { catalog: 'main', schema: 'ops', event_log: { name: 'ingest_events' } } },
    });
    api.on('GET /api/2.0/pipelines/p-3', { body: { pipeline_id: 'p-3', spec: { name: 'legacy', target: 'old' } } });
    const ws = new DatabricksWorkspace(new RestClient({ baseUrl: api.baseUrl, auth: bearerToken('dapi-x') }));
    const r = await runSetup({
      loc: LOC,
      who: { verifier: { name: SP, kind: 'service_principal' }, rollback: { name: SP, kind: 'service_principal' } },
      eventLogTables: [],
      directory: ws,
      target: null,
    });
    expect(r.eventLog.tables).toEqual(['main.ops.ingest_events', 'main.sales.orders_events']);
    expect(r.eventLog.uncovered).toEqual([
      { pipelineId: 'p-3', name: 'legacy', reason: expect.stringMatching(/event_log/) },
    ]);
    expect(api.calls('GET /api/2.0/pipelines').map((c) => c.query.get('page_token'))).toEqual([null, 't2']);
    expect(api.requests.every((c) => c.headers.authorization === 'Bearer dapi-x')).toBe(true);
    // The pipelines found get the verifier's and the rollback's permissions, one request each.
    expect(r.permissions.requests.map((q) => q.path)).toEqual([
      '/api/2.0/permissions/warehouses/<warehouse-id>',
      '/api/2.0/permissions/jobs/<job-id>',
      '/api/2.0/permissions/pipelines/p-1',
      '/api/2.0/permissions/pipelines/p-2',
    ]);
    expect(r.permissions.requests[2]!.body.access_control_list).toEqual([
      { service_principal_name: SP, permission_level: 'CAN_MANAGE' },
    ]);
  });

  it('stops with nothing applied when the pipelines cannot be listed', async () => {
    api.on('GET /api/2.0/pipelines', { status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'no' } });
    const ws = new DatabricksWorkspace(new RestClient({ baseUrl: api.baseUrl, auth: bearerToken('dapi-x') }));
    const s = standIn();
    const wh = new DatabricksWarehouse(s.open, { locations: LOC });
    await expect(runSetup({ loc: LOC, who: {}, eventLogTables: [], directory: ws, target: wh })).rejects.toThrow(
      /could not list the workspace's pipelines.*Nothing was applied/,
    );
    expect(s.sent).toEqual([]);
  });
});

describe('postflight setup on the command line', () => {
  const log = createLogger('silent');
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  async function cli(argv: string[]) {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      return { code: await runSetupCommand(argv, log), out };
    } finally {
      spy.mockRestore();
    }
  }

  it('prints the statements, grants and permissions of a dry run without any connection settings', async () => {
    for (const k of Object.keys(process.env))
      if (k.startsWith('DATABRICKS_') || k.startsWith('POSTFLIGHT_')) delete process.env[k];
    const { code, out } = await cli([
      '--warehouse',
      'databricks',
      '--dry-run',
      '--ops',
      'main.pf',
      '--event-logs',
      'main.sales.orders_events',
      '--deployer',
      'ci-deployers',
      '--verifier',
      SP,
      '--json',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.dryRun).toBe(true);
    expect(r.statements[0].sql).toBe('CREATE SCHEMA IF NOT EXISTS `main`.`pf`');
    expect(r.statements.at(-1).sql).toContain('CREATE OR REPLACE VIEW `main`.`pf`.`pipeline_event_log` AS');
    expect(r.grants).toContain('GRANT SELECT, MODIFY ON TABLE `main`.`pf`.deployments TO `ci-deployers`');
    expect(r.grants).toContain(`GRANT SELECT ON TABLE \`main\`.\`pf\`.\`pipeline_event_log\` TO \`${SP}\``);
    expect(r.grants.filter((g: string) => g.includes('ci-deployers') && g.includes('verdicts'))).toEqual([
      'GRANT SELECT ON TABLE `main`.`pf`.verdicts TO `ci-deployers`',
    ]);
    // --rollback defaults to the verifier, which then manages the watched jobs.
    expect(r.permissions.requests[1].body.access_control_list).toEqual([
      { service_principal_name: SP, permission_level: 'CAN_MANAGE' },
    ]);
  });

  it('lists the pipelines over REST in a dry run, with no SQL warehouse configured', async () => {
    const api = await new FakeDatabricksApi().start();
    try {
      api.on('GET /api/2.0/pipelines', { body: { statuses: [{ pipeline_id: 'p-1' }] } });
      api.on('GET /api/2.0/pipelines/p-1', {
        body: { pipeline_id: 'p-1', spec: { event_log: { catalog: 'main', schema: 'sales', name: 'orders_events' } } },
      });
      for (const k of Object.keys(process.env)) if (k.startsWith('DATABRICKS_')) delete process.env[k];
      Object.assign(process.env, { DATABRICKS_HOST: api.baseUrl, DATABRICKS_TOKEN: 'dapi-dry' });
      const { code, out } = await cli(['--warehouse', 'databricks', '--dry-run', '--pipelines-from', 'workspace']);
      expect(code).toBe(0);
      expect(out).toContain('FROM `main`.`sales`.`orders_events`;');
      expect(out).toContain('-- event-log view ops.postflight.pipeline_event_log: 1 published event log(s)');
      expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /api/2.0/pipelines',
        'GET /api/2.0/pipelines/p-1',
      ]);
    } finally {
      await api.stop();
    }
  });

  it.each([
    [['--deployer', "ci'; DROP TABLE x; --"], /--deployer .* is not a principal/],
    [['--verifier', 'bad@'], /--verifier 'bad@' is not an email address/],
    [['--rollback', 'a`b'], /--rollback 'a`b' is not a principal/],
    [['--event-logs', 'main.sales'], /--event-logs 'main.sales' must be catalog.schema.table/],
    [['--event-logs', 'main.sales.x;y'], /--event-logs: 'main.sales.x;y' is not a table/],
    [['--pipelines-from', 'bundle'], /--pipelines-from 'bundle' is not understood/],
    [['--ops', 'ops'], /--ops \(POSTFLIGHT_OPS\): 'ops' must be catalog.schema/],
    [['--warehouse', 'duckdb:/tmp/x.duckdb'], /setup prepares a Databricks workspace/],
  ])('refuses %j naming the flag (exit 2)', async (flags, message) => {
    const argv = [...(flags.includes('--warehouse') ? [] : ['--warehouse', 'databricks']), '--dry-run', ...flags];
    const run = cli(argv);
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.toBeInstanceOf(ConfigError);
  });
});
