// The Databricks warehouse above its driver: what it sends, how it counts, what it retries. The
// session below is a stand-in for the vendor driver (the wire protocol is out of reach here); the
// embedded DuckDB warehouse is the real reference for the statement counts.

import { describe, expect, it } from 'vitest';
import type { BoundParam } from '../../src/warehouse/databricks/bind-statement.js';
import type { SqlResult, SqlSession } from '../../src/warehouse/databricks/databricks-driver.js';
import { DatabricksWarehouse } from '../../src/warehouse/databricks/databricks-warehouse.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { RowBatch, Warehouse } from '../../src/warehouse/port.js';

interface Sent {
  readonly session: number;
  readonly sql: string;
  readonly params: readonly BoundParam[];
}

function standIn(answer: (sql: string, attempt: number) => SqlResult | Error = () => ({ columns: [], rows: [] })) {
  const sent: Sent[] = [];
  let opened = 0;
  let closed = 0;
  const open = async (): Promise<SqlSession> => {
    const id = ++opened;
    return {
      async run(sql, params) {
        sent.push({ session: id, sql, params });
        const a = answer(sql, sent.length);
        if (a instanceof Error) throw a;
        return a;
      },
      async close() {
        closed++;
      },
    };
  };
  return { open, sent, opened: () => opened, closed: () => closed };
}

const marks = (n: number): RowBatch => ({
  columns: [
    { name: 'name', type: 'STRING' },
    { name: 'value_ms', type: 'BIGINT' },
    { name: 'updated_at', type: 'TIMESTAMP' },
  ],
  rows: Array.from({ length: n }, (_, i) => [`mark-${i}`, i * 1000, 1_767_225_600_000]),
});

const OPEN = { now_ms: 2_000_000_000_000, since_ms: 1_000_000_000_000 };

async function sameWork(wh: Warehouse): Promise<void> {
  await wh.query('tick/open', OPEN);
  await wh.execute('tick/merge_watermarks', {}, marks(3));
  await wh.execute('tick/merge_watermarks', {}, marks(0));
  await wh.query('tick/open', OPEN);
}

const sqlError = () =>
  Object.assign(
    new Error('[TABLE_OR_VIEW_NOT_FOUND] The table or view `ops`.`postflight`.`watermarks` cannot be found.'),
    { name: 'Status Error' },
  );
const http503 = () =>
  Object.assign(new Error('Received a response with a bad HTTP status code: 503'), { statusCode: 503 });

describe('Databricks warehouse', () => {
  it('counts statements as the embedded warehouse does for the same work', async () => {
    const duck = await DuckDbWarehouse.open(':memory:');
    await duck.applyDdl('ddl/ops');
    const s = standIn();
    const dbx = new DatabricksWarehouse(s.open);
    await sameWork(duck);
    await sameWork(dbx);
    expect(dbx.stats).toEqual(duck.stats);
    expect(s.sent).toHaveLength(dbx.stats.statements);
    await duck.close();
  });

  it('sends a MERGE with its rows as a bound JSON parameter on one reused session', async () => {
    const s = standIn();
    const wh = new DatabricksWarehouse(s.open, { locations: { ops: 'main.pf', eventLog: 'main.pf.events' } });
    await wh.execute('tick/merge_watermarks', {}, marks(2));
    await wh.query('tick/open', OPEN);
    expect(s.opened()).toBe(1);
    const merge = s.sent[0]!;
    expect(merge.sql).toMatch(
      /^MERGE INTO `main`\.`pf`\.watermarks AS t\nUSING \(SELECT c0 AS `name`, c1 AS `value_ms`, timestamp_millis\(c2\) AS `updated_at` FROM inline\(from_json\(:pf_rows, 'ARRAY<STRUCT<c0: STRING, c1: BIGINT, c2: BIGINT>>'\)\)\) AS s/,
    );
    expect(merge.params).toEqual([
      {
        name: 'pf_rows',
        type: 'STRING',
        value: '[{"c0":"mark-0","c1":0,"c2":1767225600000},{"c0":"mark-1","c1":1000,"c2":1767225600000}]',
      },
    ]);
    expect(merge.sql).not.toContain('mark-0');
  });

  it('splits a large MERGE into several statements and counts each', async () => {
    const s = standIn();
    const wh = new DatabricksWarehouse(s.open, { maxBatchBytes: 500 });
    await wh.execute('tick/merge_watermarks', {}, marks(40));
    expect(s.sent.length).toBeGreaterThan(3);
    expect(wh.stats.statements).toBe(s.sent.length);
    const names = s.sent.flatMap((x) =>
      (JSON.parse(String(x.params[0]!.value)) as Array<{ c0: string }>).map((r) => r.c0),
    );
    expect(names).toEqual(marks(40).rows.map((r) => r[0]));
  });

  it('retries a throttled statement on a fresh session, and returns plain rows', async () => {
    const s = standIn((_, n) =>
      n === 1
        ? http503()
        : {
            columns: [
              { name: 'name', type: 'STRING' },
              { name: 'value_ms', type: 'BIGINT' },
            ],
            rows: [{ name: 'last_tick_ms', value_ms: 1_767_225_600_000n }],
          },
    );
    const waits: number[] = [];
    const wh = new DatabricksWarehouse(s.open, { sleep: async (ms) => void waits.push(ms) });
    expect(await wh.query('tick/open', OPEN)).toEqual([{ name: 'last_tick_ms', value_ms: 1_767_225_600_000 }]);
    expect(s.sent.map((x) => x.session)).toEqual([1, 2]);
    expect(s.closed()).toBe(1);
    expect(waits).toHaveLength(1);
    expect(wh.stats.statements).toBe(1);
  });

  it('lets statements running beside a retried one finish on the session they started on', async () => {
    // As the driver does: a session closed while a statement runs on it rejects that statement's
    // result, so a retry that closed the session under the others would fail them too.
    let opened = 0;
    let releaseSlow: () => void = () => {};
    const slowStarted = new Promise<void>((started) => {
      releaseSlow = started;
    });
    let finishSlow: () => void = () => {};
    const sent: Array<{ session: number; sql: string }> = [];
    const open = async (): Promise<SqlSession> => {
      const id = ++opened;
      let isOpen = true;
      return {
        async run(sql) {
          sent.push({ session: id, sql });
          if (sql.startsWith('MERGE')) {
            releaseSlow();
            await new Promise<void>((done) => {
              finishSlow = done;
            });
          } else if (sent.length === 2) throw http503();
          if (!isOpen) throw new Error('The session was closed or has expired');
          return { columns: [], rows: [] };
        },
        async close() {
          isOpen = false;
        },
      };
    };
    const wh = new DatabricksWarehouse(open, {
      sleep: async () => {
        finishSlow();
      },
    });
    const slow = wh.execute('tick/merge_watermarks', {}, marks(2));
    await slowStarted;
    const retried = wh.query('tick/open', OPEN);
    await expect(Promise.all([slow, retried])).resolves.toBeDefined();
    expect(sent.map((x) => x.session)).toEqual([1, 1, 2]);
  });

  it('does not retry a SQL error, and names the statement', async () => {
    const s = standIn(() => sqlError());
    const wh = new DatabricksWarehouse(s.open, { sleep: async () => {} });
    await expect(wh.query('tick/open', OPEN)).rejects.toThrow(
      'sql tick/open: [TABLE_OR_VIEW_NOT_FOUND] The table or view `ops`.`postflight`.`watermarks` cannot be found.',
    );
    expect(s.sent).toHaveLength(1);
  });

  it('gives up on a lasting 503 after the attempt limit', async () => {
    const s = standIn(() => http503());
    const wh = new DatabricksWarehouse(s.open, { sleep: async () => {}, retry: { maxAttempts: 3 } });
    await expect(wh.execute('tick/merge_watermarks', {}, marks(1))).rejects.toThrow(
      /^sql tick\/merge_watermarks: gave up after 3 attempts .*503/,
    );
    expect(s.sent).toHaveLength(3);
  });

  it('reads history with one counted statement and maps its rows', async () => {
    const s = standIn(() => ({
      columns: [
        { name: 'version', type: 'BIGINT' },
        { name: 'timestamp', type: 'TIMESTAMP' },
        { name: 'operation', type: 'STRING' },
        { name: 'operationMetrics', type: 'MAP' },
        { name: 'job', type: 'STRUCT' },
      ],
      rows: [
        {
          version: 8n,
          timestamp: '2026-03-01 10:00:00',
          operation: 'WRITE',
          operationMetrics: { numOutputRows: '12' },
          job: { jobId: '5', jobRunId: '77', runId: '78' },
        },
      ],
    }));
    const wh = new DatabricksWarehouse(s.open);
    const h = await wh.describeHistory('main.sales.orders', 20);
    expect(s.sent[0]!.sql).toBe('DESCRIBE HISTORY `main`.`sales`.`orders` LIMIT 20');
    expect(h).toEqual([
      {
        version: 8,
        timestampMs: Date.UTC(2026, 2, 1, 10),
        operation: 'WRITE',
        operationMetrics: { numOutputRows: '12' },
        jobId: '5',
        runId: '77',
      },
    ]);
    expect(wh.stats).toEqual({ statements: 1, historyReads: 1 });
  });

  it('applies each CREATE ... IF NOT EXISTS of a DDL file and leaves the system catalog alone', async () => {
    const s = standIn();
    const wh = new DatabricksWarehouse(s.open, { locations: { ops: 'main.pf', eventLog: 'main.pf.events' } });
    await wh.applyDdl('ddl/ops');
    expect(s.sent.length).toBeGreaterThan(5);
    expect(s.sent[0]!.sql).toBe('CREATE SCHEMA IF NOT EXISTS `main`.`pf`');
    expect(s.sent.every((x) => /^CREATE (SCHEMA|TABLE) IF NOT EXISTS `main`\.`pf`/.test(x.sql))).toBe(true);
    const before = s.sent.length;
    await wh.applyDdl('ddl/system');
    expect(s.sent).toHaveLength(before);
    expect(wh.stats).toEqual({ statements: 0, historyReads: 0 });
  });

  it('keeps credentials out of error messages', async () => {
    const s = standIn(() => new Error('login failed for token dapi-secret-123'));
    const wh = new DatabricksWarehouse(s.open, { secrets: ['dapi-secret-123'] });
    await expect(wh.query('tick/open', OPEN)).rejects.toThrow('sql tick/open: login failed for token [redacted]');
  });
});
