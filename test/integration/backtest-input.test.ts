// A backtest's bad input: a missing folder, a file it does not know, a malformed line, a missing
// column, a bad value, rows of several workspaces. Each is an error (exit 2) that names the file,
// the line and the column and says how to fix it, and nothing is left behind as if loaded. Also:
// the same export as Parquet, and as Spark's folders of part files, loads the same rows.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LAGS } from '../../src/backtest/export-catalog.js';
import { loadExport } from '../../src/backtest/load-export.js';
import { ConfigError } from '../../src/cli/args.js';
import { runBacktestCommand } from '../../src/cli/backtest-command.js';
import { createLogger } from '../../src/log.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/backtest/export');
const log = createLogger('silent');
const root = mkdtempSync(join(tmpdir(), 'pf-backtest-input-'));
let n = 0;
let dir: string;
let db: string;

beforeEach(() => {
  n++;
  dir = join(root, `export-${n}`);
  db = join(root, `w-${n}.duckdb`);
  cpSync(FIXTURE, dir, { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const file = (name: string) => join(dir, name);
const lines = (name: string) => readFileSync(file(name), 'utf8').trimEnd().split('\n');
const writeLines = (name: string, ls: readonly string[]) => writeFileSync(file(name), `${ls.join('\n')}\n`);
const editLine = (name: string, i: number, edit: (r: Record<string, unknown>) => void) => {
  const ls = lines(name);
  const r = JSON.parse(ls[i]!) as Record<string, unknown>;
  edit(r);
  ls[i] = JSON.stringify(r);
  writeLines(name, ls);
};

/** The command as the CLI runs it, its output kept; resolves to the exit code or rejects with its error. */
async function backtest(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await runBacktestCommand(['--warehouse', `duckdb:${db}`, ...args], log), out };
  } finally {
    spy.mockRestore();
  }
}

async function fails(args: string[], message: RegExp): Promise<void> {
  const e = await backtest(...args).then(
    () => null,
    (err: unknown) => err as Error,
  );
  expect(e, 'the command should have failed').toBeInstanceOf(ConfigError);
  expect(e!.message).toMatch(message);
  // Nothing half-loaded is left where the replayed warehouse goes.
  expect(existsSync(db)).toBe(false);
}

describe('bad input is exit 2, naming the file, line and column, with nothing loaded', () => {
  it('a folder that is not there, or a file where the folder goes', async () => {
    await fails(
      ['--from', join(root, 'nowhere')],
      /--from .*nowhere: no such folder; pass the folder the export was written to/,
    );
    await fails(['--from', file('event_log.ndjson')], /is a file; pass the folder that holds the export's files/);
  });

  it('a file named after no table, with the name meant', async () => {
    renameSync(file('system.lakeflow.job_run_timeline.ndjson'), file('system.lakeflow.job_run_timelines.ndjson'));
    await fails(
      ['--from', dir],
      /system\.lakeflow\.job_run_timelines\.ndjson: .* is not a file postflight knows; did you mean system\.lakeflow\.job_run_timeline\.ndjson\?/,
    );
  });

  it('an export without its deployments', async () => {
    rmSync(file('ops.deployments.ndjson'));
    await fails(
      ['--from', dir],
      /has no ops\.deployments\.ndjson \(or \.parquet\): a backtest judges the deployments it lists/,
    );
  });

  it('a line that is not JSON', async () => {
    const ls = lines('system.lakeflow.job_run_timeline.ndjson');
    ls[2] = ls[2]!.slice(0, -3);
    writeLines('system.lakeflow.job_run_timeline.ndjson', ls);
    await fails(
      ['--from', dir],
      /system\.lakeflow\.job_run_timeline\.ndjson line 3: not valid JSON .*one JSON object \(NDJSON\)/,
    );
  });

  it('a row without a column the verifier needs', async () => {
    editLine('system.lakeflow.job_run_timeline.ndjson', 4, (r) => {
      delete r.run_id;
    });
    await fails(
      ['--from', dir],
      /system\.lakeflow\.job_run_timeline\.ndjson line 5, column run_id: run_id is missing; every row of system\.lakeflow\.job_run_timeline needs run_id/,
    );
  });

  it('a value that is not of its column type', async () => {
    editLine('delta_history.ndjson', 1, (r) => {
      r.timestamp = '02/03/2026 02:06';
    });
    await fails(
      ['--from', dir],
      /delta_history\.ndjson line 2, column timestamp: timestamp "02\/03\/2026 02:06" is not a timestamp; write ISO 8601/,
    );
  });

  it('a deployment whose resources the verifier could not read, and one listed twice', async () => {
    editLine('ops.deployments.ndjson', 1, (r) => {
      r.resources = '[{"type": "notebook", "id": "1"}]';
    });
    await fails(['--from', dir], /ops\.deployments\.ndjson line 2, column resources: .*needs type 'job' or 'pipeline'/);
    cpSync(FIXTURE, dir, { recursive: true });
    const ls = lines('ops.deployments.ndjson');
    writeLines('ops.deployments.ndjson', [...ls, ls[0]!]);
    await fails(
      ['--from', dir],
      /ops\.deployments\.ndjson line 5, column deployment_id: deployment_id 'orders-prod-a41f9c2e-17' is listed twice \(also .*ops\.deployments\.ndjson line 1\)/,
    );
  });

  it('rows of several workspaces, unless the one meant is named', async () => {
    editLine('system.lakeflow.job_run_timeline.ndjson', 0, (r) => {
      r.workspace_id = '999';
    });
    await fails(['--from', dir], /belong to 2 workspaces \(1234567890123456, 999\).*pass --workspace-id/);
    await fails(
      ['--from', dir, '--workspace-id', '555'],
      /--workspace-id 555: no row of the export belongs to that workspace/,
    );
    // Named, the load goes through: a replay stopped at its first minute.
    const { code, out } = await backtest(
      '--from',
      dir,
      '--workspace-id',
      '1234567890123456',
      '--until',
      '2026-03-02T10:00:00Z',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ workspace_id: '1234567890123456', replay: { ticks: 1 } });
    expect(existsSync(db)).toBe(true);
  });

  it('a bad flag', async () => {
    await fails(['--from', dir, '--until', 'next week'], /--until 'next week' is not a time; write ISO 8601/);
    await fails(['--from', dir, '--warehouse', 'databricks'], /a backtest replays an export offline/);
    await fails([], /--from DIR is required/);
  });

  it('a failed load leaves the warehouse of an earlier backtest as it was', async () => {
    writeFileSync(db, 'an earlier backtest');
    editLine('system.lakeflow.pipelines.ndjson', 1, (r) => {
      r.change_time = 'soon';
    });
    const e = await backtest('--from', dir).catch((err: unknown) => err as Error);
    expect(e).toBeInstanceOf(ConfigError);
    expect(readFileSync(db, 'utf8')).toBe('an earlier backtest');
  });
});

describe('an export taken before the system tables caught up', () => {
  it('is said: the run timelines end hours before the event log and Delta history', async () => {
    const clean = await loadExport({ dir, lags: DEFAULT_LAGS });
    await clean.wh.close();
    expect(clean.world.info.warnings).toEqual([]);
    for (const name of ['system.lakeflow.job_run_timeline.ndjson', 'system.lakeflow.pipeline_update_timeline.ndjson'])
      writeLines(
        name,
        lines(name).filter((l) => (JSON.parse(l) as { period_start_time: string }).period_start_time < '2026-03-05'),
      );
    const early = await loadExport({ dir, lags: DEFAULT_LAGS });
    await early.wh.close();
    expect(early.world.info.warnings).toEqual([
      expect.stringMatching(
        /^the exported run timelines end at 2026-03-04T04:04:\d\d\.000Z, \d+ min before the export's other rows: .* pass --until 2026-03-04T04:04/,
      ),
    ]);
  });
});

describe('Parquet, and folders of part files as Spark writes them', () => {
  /** Rows of every table the replay world loaded, in a stable order. */
  async function loadedRows(from: string): Promise<Record<string, unknown>> {
    const { wh } = await loadExport({ dir: from, lags: DEFAULT_LAGS });
    try {
      const out: Record<string, unknown> = {};
      for (const t of [
        'sim_world.system_lakeflow__job_run_timeline',
        'sim_world.delta_commits',
        'sim_world.api_runs',
        'sim_world.api_settings_history',
        'postflight.deployments',
      ]) {
        out[t] = await wh.session.all(`SELECT * FROM ${t} ORDER BY ALL`);
      }
      return out;
    } finally {
      await wh.close();
    }
  }

  /**
   * Writes a table of the fixture as Parquet, as Spark would: `columns` gives the types where the
   * JSON alone does not tell them (a map is not a struct).
   */
  async function toParquet(name: string, target: string, select: string, columns?: string): Promise<void> {
    const wh = await DuckDbWarehouse.open(':memory:');
    try {
      await wh.session.run(
        `COPY (SELECT ${select} FROM read_json($src, format = 'newline_delimited'${columns ? `, columns = ${columns}` : ''})) TO '${target.replace(/'/g, "''")}' (FORMAT PARQUET)`,
        { src: file(`${name}.ndjson`) },
      );
    } finally {
      await wh.close();
    }
  }

  /** DESCRIBE HISTORY's columns with the types Databricks gives them. */
  const HISTORY_COLUMNS = `{table_name: 'VARCHAR', version: 'BIGINT', timestamp: 'TIMESTAMPTZ', userId: 'VARCHAR',
    userName: 'VARCHAR', operation: 'VARCHAR', operationParameters: 'MAP(VARCHAR, VARCHAR)',
    job: 'STRUCT(jobId VARCHAR, jobName VARCHAR, jobRunId VARCHAR, runId VARCHAR, jobOwnerId VARCHAR, triggerType VARCHAR)',
    readVersion: 'BIGINT', isolationLevel: 'VARCHAR', isBlindAppend: 'BOOLEAN',
    operationMetrics: 'MAP(VARCHAR, VARCHAR)', engineInfo: 'VARCHAR'}`;
  const TIMELINE =
    '* REPLACE (CAST(period_start_time AS TIMESTAMPTZ) AS period_start_time, CAST(period_end_time AS TIMESTAMPTZ) AS period_end_time)';

  it('loads the same rows from Parquet, from part-file folders and from NDJSON', async () => {
    const fromJson = await loadedRows(dir);
    await toParquet('system.lakeflow.job_run_timeline', file('system.lakeflow.job_run_timeline.parquet'), TIMELINE);
    rmSync(file('system.lakeflow.job_run_timeline.ndjson'));
    await toParquet('delta_history', file('delta_history.parquet'), '*', HISTORY_COLUMNS);
    rmSync(file('delta_history.ndjson'));
    // Spark's output folder: part files, its _SUCCESS marker and checksums.
    const parts = file('ops.deployments.ndjson');
    const ls = lines('ops.deployments.ndjson');
    rmSync(parts);
    mkdirSync(parts);
    writeFileSync(join(parts, 'part-00000-1b2c.json'), `${ls.slice(0, 2).join('\n')}\n`);
    writeFileSync(join(parts, 'part-00001-1b2c.json'), `${ls.slice(2).join('\n')}\n`);
    writeFileSync(join(parts, '_SUCCESS'), '');
    writeFileSync(join(parts, '.part-00000-1b2c.json.crc'), 'x');
    expect(await loadedRows(dir)).toEqual(fromJson);
  });

  it('names the Parquet file, row and column of a null where a value is needed', async () => {
    await toParquet(
      'system.lakeflow.job_run_timeline',
      file('system.lakeflow.job_run_timeline.parquet'),
      `${TIMELINE.replace('* REPLACE (', "* REPLACE (CASE WHEN run_id = '70001234560097' THEN NULL ELSE run_id END AS run_id, ")}`,
    );
    rmSync(file('system.lakeflow.job_run_timeline.ndjson'));
    await fails(
      ['--from', dir],
      /system\.lakeflow\.job_run_timeline\.parquet row \d+, column run_id: run_id is null; every row of system\.lakeflow\.job_run_timeline needs it/,
    );
  });
});
