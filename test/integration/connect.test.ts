import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseWarehouse, parseWorkspace } from '../../src/cli/args.js';
import { connect, databricksLocations, workspaceIdOf } from '../../src/cli/connect.js';
import { readDatabricksEnv } from '../../src/cli/databricks-env.js';
import { DatabricksWarehouse } from '../../src/warehouse/databricks/databricks-warehouse.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { DatabricksWorkspace } from '../../src/workspace/databricks/databricks-workspace.js';
import { FakeDatabricksApi } from './fake-databricks-api.js';

const tokenEnv = {
  DATABRICKS_HOST: 'adb-1234567890123456.7.azuredatabricks.net',
  DATABRICKS_WAREHOUSE_ID: 'abc123def',
  DATABRICKS_TOKEN: 'dapi-very-secret',
};

describe('Databricks connection settings from the environment', () => {
  it('reads a token setup, adding https:// to a bare host', () => {
    expect(readDatabricksEnv(tokenEnv, true)).toEqual({
      baseUrl: 'https://adb-1234567890123456.7.azuredatabricks.net',
      host: 'adb-1234567890123456.7.azuredatabricks.net',
      port: 443,
      httpPath: '/sql/1.0/warehouses/abc123def',
      auth: { kind: 'token', token: 'dapi-very-secret' },
      statementTimeoutS: 120,
    });
  });

  it('reads a service principal with an HTTP path and a statement timeout', () => {
    const env = readDatabricksEnv(
      {
        DATABRICKS_HOST: 'https://dbc-a1b2.cloud.databricks.com/',
        DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/0a1b2c',
        DATABRICKS_CLIENT_ID: 'app-id',
        DATABRICKS_CLIENT_SECRET: 'sp-secret',
        POSTFLIGHT_STATEMENT_TIMEOUT_S: '300',
      },
      true,
    );
    expect([env.baseUrl, env.httpPath, env.auth, env.statementTimeoutS]).toEqual([
      'https://dbc-a1b2.cloud.databricks.com',
      '/sql/1.0/warehouses/0a1b2c',
      { kind: 'oauth-m2m', clientId: 'app-id', clientSecret: 'sp-secret' },
      300,
    ]);
  });

  it('lists every problem at once, naming the variable, without repeating a secret', () => {
    let message = '';
    try {
      readDatabricksEnv(
        {
          DATABRICKS_HOST: 'http://workspace.example.com',
          DATABRICKS_TOKEN: 'dapi-very-secret',
          DATABRICKS_CLIENT_SECRET: 'sp-secret',
          POSTFLIGHT_STATEMENT_TIMEOUT_S: '2',
        },
        true,
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("DATABRICKS_HOST 'http://workspace.example.com' must use https://");
    expect(message).toContain('DATABRICKS_WAREHOUSE_ID (or DATABRICKS_HTTP_PATH) is not set');
    expect(message).toContain('DATABRICKS_TOKEN and DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET are both set');
    expect(message).toContain("POSTFLIGHT_STATEMENT_TIMEOUT_S '2' must be a whole number of seconds from 10 to 3600");
    expect(message).not.toContain('dapi-very-secret');
    expect(message).not.toContain('sp-secret');
  });

  it('asks for the missing half of a service principal', () => {
    expect(() =>
      readDatabricksEnv(
        { DATABRICKS_HOST: 'h.example.com', DATABRICKS_WAREHOUSE_ID: 'a1', DATABRICKS_CLIENT_ID: 'app' },
        true,
      ),
    ).toThrow(/DATABRICKS_CLIENT_SECRET is not set/);
    expect(() => readDatabricksEnv({ ...tokenEnv, DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/x' }, true)).toThrow(
      /both set; set only one/,
    );
  });
});

describe('choosing warehouse and workspace', () => {
  it('pairs the workspace with the warehouse by default and refuses mixed pairs', () => {
    const dbx = parseWarehouse('databricks', '.');
    const duck = parseWarehouse('duckdb:/tmp/x.duckdb', '.');
    expect(parseWorkspace(undefined, dbx)).toBe('databricks');
    expect(parseWorkspace(undefined, duck)).toBe('embedded');
    expect(() => parseWorkspace('embedded', dbx)).toThrow(ConfigError);
    expect(() => parseWorkspace('databricks', duck)).toThrow(/needs --warehouse databricks/);
    expect(() => parseWorkspace('rest', dbx)).toThrow(/--workspace 'rest' is not understood/);
    expect(() => parseWarehouse('databricks:abc', '.')).toThrow(/DATABRICKS_HOST/);
  });

  it('takes the ops location and event log from flags, then the environment, then defaults', () => {
    const W = { POSTFLIGHT_WORKSPACE_ID: '987654321' };
    expect(databricksLocations({ env: W })).toEqual({
      ops: 'ops.postflight',
      eventLog: 'ops.postflight.pipeline_event_log',
      workspaceId: '987654321',
    });
    expect(
      databricksLocations({ env: { ...W, POSTFLIGHT_OPS: 'main.pf', POSTFLIGHT_EVENT_LOG: 'main.dlt.events' } }),
    ).toEqual({ ops: 'main.pf', eventLog: 'main.dlt.events', workspaceId: '987654321' });
    expect(databricksLocations({ ops: 'prod.verifier', env: { ...W, POSTFLIGHT_OPS: 'main.pf' } })).toEqual({
      ops: 'prod.verifier',
      eventLog: 'prod.verifier.pipeline_event_log',
      workspaceId: '987654321',
    });
    expect(() => databricksLocations({ ops: 'postflight', env: W })).toThrow(/must be catalog\.schema/);
    expect(() => databricksLocations({ eventLog: 'x.y', env: W })).toThrow(/must be catalog\.schema\.table/);
    expect(databricksLocations({ env: { ...W, POSTFLIGHT_DBT_ARTIFACTS: 'analytics.elementary' } })).toMatchObject({
      dbtArtifacts: 'analytics.elementary',
    });
    expect(
      databricksLocations({
        dbtArtifacts: 'prod.edr',
        env: { ...W, POSTFLIGHT_DBT_ARTIFACTS: 'analytics.elementary' },
      }),
    ).toMatchObject({ dbtArtifacts: 'prod.edr' });
    expect(() => databricksLocations({ dbtArtifacts: 'elementary', env: W })).toThrow(
      /--dbt-artifacts \(POSTFLIGHT_DBT_ARTIFACTS\): 'elementary' must be catalog\.schema/,
    );
    expect(() => databricksLocations({ ops: 'main.pf`; --', env: W })).toThrow(ConfigError);
  });

  it('knows the workspace its system-table reads keep to, from the environment, an Azure host or the HTTP path', () => {
    expect(workspaceIdOf({ POSTFLIGHT_WORKSPACE_ID: '42' })).toBe('42');
    expect(workspaceIdOf({ DATABRICKS_HOST: 'https://adb-1234567890123456.7.azuredatabricks.net' })).toBe(
      '1234567890123456',
    );
    expect(workspaceIdOf({ DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/abc?o=5555' })).toBe('5555');
    expect(() => workspaceIdOf({ DATABRICKS_HOST: 'https://dbc-a1b2.cloud.databricks.com' })).toThrow(
      /POSTFLIGHT_WORKSPACE_ID is not set/,
    );
    expect(() => workspaceIdOf({ POSTFLIGHT_WORKSPACE_ID: 'prod' })).toThrow(/must be the workspace id/);
  });
});

describe('connect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pf-connect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an embedded file without a simulated world', async () => {
    const path = join(dir, 'empty.duckdb');
    await (await DuckDbWarehouse.open(path)).close();
    await expect(connect({ warehouse: { kind: 'duckdb', path }, workspace: 'embedded', env: {} })).rejects.toThrow(
      /has no simulated world; run 'postflight simulate/,
    );
  });

  it('refuses an embedded file that is not there, and does not create it', async () => {
    const path = join(dir, 'missing.duckdb');
    await expect(connect({ warehouse: { kind: 'duckdb', path }, workspace: 'embedded', env: {} })).rejects.toThrow(
      /does not exist; run 'postflight simulate/,
    );
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a Databricks connection with no settings before touching the network', async () => {
    await expect(
      connect({ warehouse: { kind: 'databricks' }, workspace: 'databricks', env: {} }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('wires the REST workspace to the configured host and token', async () => {
    const api = await new FakeDatabricksApi().start();
    try {
      api.on('GET /api/2.2/jobs/runs/list', { body: { runs: [] } });
      const conn = await connect({
        warehouse: { kind: 'databricks' },
        workspace: 'databricks',
        ops: 'main.pf',
        env: { ...tokenEnv, DATABRICKS_HOST: api.baseUrl, POSTFLIGHT_WORKSPACE_ID: '1234567890123456' },
      });
      expect(conn.wh).toBeInstanceOf(DatabricksWarehouse);
      expect(conn.ws).toBeInstanceOf(DatabricksWorkspace);
      expect((conn.wh as DatabricksWarehouse).locations).toEqual({
        ops: 'main.pf',
        eventLog: 'main.pf.pipeline_event_log',
        workspaceId: '1234567890123456',
      });
      expect(conn.world).toBeNull();
      const before = Date.now();
      expect(conn.nowMs()).toBeGreaterThanOrEqual(before);
      await conn.ws.listRuns({ startTimeFrom: 0 });
      expect(api.requests[0]!.headers.authorization).toBe('Bearer dapi-very-secret');
      await conn.close();
    } finally {
      await api.stop();
    }
  });
});
