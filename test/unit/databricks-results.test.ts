import { describe, expect, it } from 'vitest';
import { describeHistorySql, historyEntryFromRow, restoreTableSql } from '../../src/warehouse/databricks/history.js';
import { plainRows } from '../../src/warehouse/databricks/result-values.js';
import { classifySqlFailure } from '../../src/warehouse/databricks/transient.js';

describe('DESCRIBE HISTORY', () => {
  it('quotes each part of a validated name and binds the limit as a number', () => {
    expect(describeHistorySql('main.sales.orders', 20)).toBe('DESCRIBE HISTORY `main`.`sales`.`orders` LIMIT 20');
    expect(describeHistorySql('dev-catalog.raw.events_v2', 1)).toBe(
      'DESCRIBE HISTORY `dev-catalog`.`raw`.`events_v2` LIMIT 1',
    );
  });

  it.each([
    ['main.sales.`orders`', /not a table name/],
    ['a.b.c.d', /not a table name/],
    ['main..orders', /not a table name/],
    ['main.sales.orders; DROP TABLE x', /not a table name/],
    ['main.sales.orders\n', /not a table name/],
  ])('refuses %j', (name, err) => {
    expect(() => describeHistorySql(name, 5)).toThrow(err);
  });

  it('refuses a limit that is not a whole number in range', () => {
    expect(() => describeHistorySql('a.b.c', 0)).toThrow(/limit 0 must be a whole number from 1 to 10000/);
    expect(() => describeHistorySql('a.b.c', 2.5)).toThrow(/limit 2.5/);
  });

  it('maps a job commit, taking the job run id over the task run id', () => {
    const e = historyEntryFromRow(
      {
        version: 12,
        timestamp: Date.UTC(2026, 2, 1, 10, 0, 0),
        operation: 'WRITE',
        operationMetrics: { numOutputRows: '1500', numFiles: 3 },
        job: {
          jobId: '991',
          jobName: 'orders',
          jobRunId: '55501',
          runId: '55502',
          jobOwnerId: '7',
          triggerType: 'cron',
        },
        userName: 'sp-etl',
      },
      'main.sales.orders',
    );
    expect(e).toEqual({
      version: 12,
      timestampMs: Date.UTC(2026, 2, 1, 10, 0, 0),
      operation: 'WRITE',
      operationMetrics: { numOutputRows: '1500', numFiles: '3' },
      jobId: '991',
      runId: '55501',
    });
  });

  it('maps commits made outside a job, and structs that arrive as JSON text', () => {
    expect(
      historyEntryFromRow({ version: 3, timestamp: 5, operation: 'OPTIMIZE', operationMetrics: null, job: null }, 't'),
    ).toEqual({ version: 3, timestampMs: 5, operation: 'OPTIMIZE', operationMetrics: {}, jobId: null, runId: null });
    const e = historyEntryFromRow(
      {
        version: 4,
        timestamp: 6,
        operation: 'MERGE',
        operationMetrics: '{"numTargetRowsInserted":"7"}',
        job: '{"jobId":"1","runId":"2"}',
      },
      't',
    );
    expect([e.operationMetrics, e.jobId, e.runId]).toEqual([{ numTargetRowsInserted: '7' }, '1', '2']);
  });

  it('fails clearly on a row without version or timestamp', () => {
    expect(() => historyEntryFromRow({ version: null, timestamp: 1 }, 'a.b.c')).toThrow(
      'DESCRIBE HISTORY a.b.c: a row has no numeric version (null)',
    );
    expect(() => historyEntryFromRow({ version: 2, timestamp: 'later' }, 'a.b.c')).toThrow(
      'DESCRIBE HISTORY a.b.c: version 2 has no readable timestamp (later)',
    );
  });
});

describe('driver rows to plain values', () => {
  it('converts timestamps to epoch ms, 64-bit integers to numbers, and complex types to objects', () => {
    const rows = plainRows(
      [
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'ts_text', type: 'TIMESTAMP' },
        { name: 'day', type: 'DATE' },
        { name: 'n', type: 'BIGINT' },
        { name: 'm', type: 'MAP' },
        { name: 's', type: 'STRING' },
      ],
      [
        {
          ts: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
          ts_text: '2026-01-02 03:04:05.006',
          day: '2026-01-02',
          n: 9_007_199_254_740_000n,
          m: '{"k":"v"}',
          s: '{"not":"parsed"}',
        },
      ],
    );
    expect(rows).toEqual([
      {
        ts: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
        ts_text: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
        day: Date.UTC(2026, 0, 2),
        n: 9_007_199_254_740_000,
        m: { k: 'v' },
        s: '{"not":"parsed"}',
      },
    ]);
  });

  it('keeps NULLs and text timestamps that carry an offset', () => {
    const [r] = plainRows(
      [
        { name: 'a', type: 'TIMESTAMP' },
        { name: 'b', type: 'BIGINT' },
        { name: 'c', type: 'TIMESTAMP' },
      ],
      [{ a: null, b: null, c: '2026-01-02T03:04:05+02:00' }],
    );
    expect(r).toEqual({ a: null, b: null, c: Date.UTC(2026, 0, 2, 1, 4, 5) });
  });
});

describe('which SQL failures are retried', () => {
  it.each([
    [
      'HTTP 429 on ExecuteStatement',
      { name: 'Error', statusCode: 429, message: 'Received a response with a bad HTTP status code: 429' },
      true,
    ],
    ['HTTP 503', { statusCode: 503 }, true],
    ['HTTP 501', { statusCode: 501 }, false],
    ['HTTP 401', { statusCode: 401 }, false],
    ['driver retries exhausted', { name: 'RetryError', errorCode: 'ATTEMPTS_EXCEEDED' }, true],
    ['connection reset', { code: 'ECONNRESET', message: 'read ECONNRESET' }, true],
    ['socket hang up wrapped', { message: 'fetch failed', cause: { message: 'socket hang up' } }, true],
    [
      'SQL error',
      { name: 'Status Error', message: '[TABLE_OR_VIEW_NOT_FOUND] The table cannot be found', code: -1 },
      false,
    ],
    [
      'statement timeout',
      { name: 'OperationStateError', errorCode: 'TIMEOUT', message: 'The operation timed out' },
      false,
    ],
    ['failed statement', { name: 'OperationStateError', errorCode: 'ERROR', message: '[PARSE_SYNTAX_ERROR]' }, false],
    ['refused credential', { name: 'AuthenticationError', message: 'Failed to fetch access token' }, false],
  ])('%s', (_, err, transient) => {
    expect(classifySqlFailure(err).transient).toBe(transient);
  });
});

describe('RESTORE TABLE as sent to Databricks', () => {
  it('quotes each part of the name and takes only a whole version', () => {
    expect(restoreTableSql('main.sales.orders', 12)).toBe('RESTORE TABLE `main`.`sales`.`orders` TO VERSION AS OF 12');
    expect(() => restoreTableSql('main.sales.orders`; DROP TABLE x; --', 1)).toThrow(/is not a table name/);
    expect(() => restoreTableSql('a.b.c.d', 1)).toThrow(/is not a table name/);
    for (const v of [-1, 1.5, Number.NaN])
      expect(() => restoreTableSql('main.sales.orders', v)).toThrow(/whole number/);
  });
});
