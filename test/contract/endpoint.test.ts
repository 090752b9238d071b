// The local Databricks SQL endpoint through the real @databricks/sql driver and the Databricks
// warehouse adapter: what reaches the engine (the text as sent, catalog names mapped, typed named
// parameters) and how the driver decodes what comes back (column sets, paging, errors). The engine
// here is a scripted one, so these run in a second; the contract run puts Spark behind the same
// endpoint.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabricksWarehouse } from '../../src/warehouse/databricks/open-warehouse.js';
import { SqlStatementError } from '../../src/warehouse/databricks/statement-error.js';
import { mapCatalogNames } from './endpoint/catalog-names.js';
import { type Engine, EngineError, type EngineResult, type WireParam } from './endpoint/engine.js';
import { type Endpoint, startEndpoint } from './endpoint/server.js';

const TOKEN = 'dapi-contract-test-token';
const PATH = '/sql/1.0/warehouses/contract';

class ScriptedEngine implements Engine {
  readonly seen: Array<{ sql: string; params: readonly WireParam[] }> = [];
  answer: (sql: string) => EngineResult | EngineError = () => ({ columns: [], rows: [] });
  async run(sql: string, params: readonly WireParam[]): Promise<EngineResult> {
    this.seen.push({ sql, params });
    const a = this.answer(sql);
    if (a instanceof EngineError) throw a;
    return a;
  }
  async close(): Promise<void> {}
}

let dir: string;
let engine: ScriptedEngine;
let endpoint: Endpoint;

const warehouse = (token = TOKEN) =>
  openDatabricksWarehouse(
    { host: '127.0.0.1', port: endpoint.port, httpPath: PATH, auth: { kind: 'token', token }, statementTimeoutS: 60 },
    { retry: { maxAttempts: 1 } },
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pf-endpoint-'));
  engine = new ScriptedEngine();
  endpoint = await startEndpoint({ engine, catalogs: ['ops', 'system'], token: TOKEN, httpPath: PATH, dir });
});

afterAll(async () => {
  await endpoint.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the local Databricks SQL endpoint', () => {
  it('runs the statement as sent, with catalog names mapped and parameters typed as the driver types them', async () => {
    const wh = warehouse();
    engine.answer = () => ({ columns: [{ name: 'deployment_id', type: 'STRING' }], rows: [] });
    await wh.query('tick/open', { now_ms: 1_793_000_000_000, since_ms: 1_792_000_000_000 });
    await wh.close();
    const last = engine.seen.at(-1)!;
    expect(last.sql).toBe(mapCatalogNames(wh.compile('tick/open'), new Set(['ops', 'system'])));
    expect(last.sql).toContain('FROM `ops__postflight`.`deployments` d');
    expect(last.params).toEqual([
      { name: 'now_ms', type: 'BIGINT', value: '1793000000000' },
      { name: 'since_ms', type: 'BIGINT', value: '1792000000000' },
    ]);
  });

  it('returns typed column sets the driver decodes: 64-bit numbers, UTC timestamps, maps and structs, NULLs', async () => {
    const wh = warehouse();
    engine.answer = () => ({
      columns: [
        { name: 'version', type: 'BIGINT' },
        { name: 'timestamp', type: 'TIMESTAMP' },
        { name: 'operation', type: 'STRING' },
        { name: 'operationMetrics', type: 'MAP' },
        { name: 'job', type: 'STRUCT' },
      ],
      rows: [
        [
          '12',
          '2026-11-02 10:15:00.25',
          'WRITE',
          '{"numOutputRows":"4100"}',
          '{"jobId":"7","jobRunId":"70","runId":"71"}',
        ],
        ['11', '2026-11-02 09:15:00', 'OPTIMIZE', '{}', null],
      ],
    });
    const h = await wh.describeHistory('ops.postflight.orders', 20);
    await wh.close();
    expect(engine.seen.at(-1)!.sql).toBe('DESCRIBE HISTORY `ops__postflight`.`orders` LIMIT 20');
    expect(h).toEqual([
      {
        version: 12,
        timestampMs: Date.UTC(2026, 10, 2, 10, 15, 0, 250),
        operation: 'WRITE',
        operationMetrics: { numOutputRows: '4100' },
        jobId: '7',
        runId: '70',
      },
      {
        version: 11,
        timestampMs: Date.UTC(2026, 10, 2, 9, 15),
        operation: 'OPTIMIZE',
        operationMetrics: {},
        jobId: null,
        runId: null,
      },
    ]);
  });

  it('answers DDL, which returns no columns, without the driver waiting for rows', async () => {
    const wh = warehouse();
    engine.answer = () => ({ columns: [], rows: [] });
    const before = engine.seen.length;
    await wh.applyDdl('ddl/ops');
    await wh.close();
    const ran = engine.seen.slice(before).map((x) => x.sql);
    expect(ran[0]).toBe('CREATE SCHEMA IF NOT EXISTS `ops__postflight`');
    expect(ran.filter((x) => x.startsWith('CREATE TABLE IF NOT EXISTS `ops__postflight`.')).length).toBe(
      ran.length - 1,
    );
  });

  it('pages a result larger than one fetch', async () => {
    const wh = warehouse();
    const n = 25_004;
    engine.answer = () => ({
      columns: [
        { name: 'seq', type: 'BIGINT' },
        { name: 'ok', type: 'BOOLEAN' },
        { name: 'x', type: 'DOUBLE' },
      ],
      rows: Array.from({ length: n }, (_, i) => [String(i), i % 2 === 0, i % 3 === 0 ? null : i / 4]),
    });
    const rows = await wh.query('audit/read_log');
    await wh.close();
    expect(rows).toHaveLength(n);
    expect(rows[n - 1]).toEqual({ seq: n - 1, ok: false, x: (n - 1) / 4 });
    expect(rows[3]).toEqual({ seq: 3, ok: false, x: null });
  });

  it('surfaces a statement the engine rejects as the adapter error naming the statement, SQLSTATE and class', async () => {
    const wh = warehouse();
    engine.answer = () =>
      new EngineError(
        '[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `nope` cannot be resolved. SQLSTATE: 42703',
        '42703',
        'UNRESOLVED_COLUMN.WITH_SUGGESTION',
      );
    const err = await wh.query('audit/read_log').catch((e: unknown) => e);
    await wh.close();
    expect(err).toBeInstanceOf(SqlStatementError);
    const e = err as SqlStatementError;
    expect(e.statement).toBe('audit/read_log');
    expect(e.sqlState).toBe('42703');
    expect(e.errorClass).toBe('UNRESOLVED_COLUMN.WITH_SUGGESTION');
    expect(e.message).toMatch(/^sql audit\/read_log: \[UNRESOLVED_COLUMN\.WITH_SUGGESTION\] /);
  });

  it('refuses a wrong token before anything runs, and keeps the token out of the error', async () => {
    const before = engine.seen.length;
    const refused = endpoint.refused;
    const wh = warehouse('dapi-wrong-token');
    const err = await wh.query('audit/read_log').catch((e: unknown) => e);
    await wh.close();
    expect(err).toBeInstanceOf(SqlStatementError);
    expect((err as Error).message).toMatch(/401/);
    expect((err as Error).message).not.toContain('dapi-wrong-token');
    expect(engine.seen.length).toBe(before);
    expect(endpoint.refused).toBeGreaterThan(refused);
  });
});

describe('catalog names mapped onto Spark databases', () => {
  const cats = new Set(['ops', 'system', 'prod']);
  it('maps three- and two-part names of the listed catalogs, and nothing in strings, comments or struct paths', () => {
    expect(
      mapCatalogNames(
        "SELECT e.origin.pipeline_id, 'prod.sales.orders' AS t -- system.access.audit\nFROM system.lakeflow.jobs j JOIN `ops`.`postflight`.`verdicts` v ON j.job_id = v.x WHERE :ops = 1",
        cats,
      ),
    ).toBe(
      "SELECT e.origin.pipeline_id, 'prod.sales.orders' AS t -- system.access.audit\nFROM `system__lakeflow`.`jobs` j JOIN `ops__postflight`.`verdicts` v ON j.job_id = v.x WHERE :ops = 1",
    );
    expect(mapCatalogNames('CREATE SCHEMA IF NOT EXISTS `ops`.`postflight`', cats)).toBe(
      'CREATE SCHEMA IF NOT EXISTS `ops__postflight`',
    );
    expect(mapCatalogNames('SELECT main.sales.orders.id FROM t', cats)).toBe('SELECT main.sales.orders.id FROM t');
  });
});
