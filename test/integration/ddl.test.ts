import { describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

describe('embedded warehouse DDL', () => {
  it('creates the ops tables and the system tables with Databricks column names and mapped types', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    for (const f of ['ddl/ops', 'ddl/system', 'ddl/event_log']) await wh.applyDdl(f);
    const cols = await wh.session.all(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'system_lakeflow' AND table_name = 'job_run_timeline' ORDER BY ordinal_position",
    );
    expect(cols.map((c) => c.column_name)).toContain('termination_code');
    const jp = cols.find((c) => c.column_name === 'job_parameters');
    expect(jp?.data_type).toBe('MAP(VARCHAR, MAP(VARCHAR, VARCHAR))');
    const audit = await wh.session.all(
      "SELECT data_type FROM information_schema.columns WHERE table_schema = 'system_access' AND table_name = 'audit' AND column_name = 'response'",
    );
    expect(audit[0]?.data_type).toBe('STRUCT(status_code INTEGER, error_message VARCHAR, result VARCHAR)');
    const ops = await wh.session.all(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'postflight'",
    );
    expect(ops.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'deployments',
        'check_results',
        'verdicts',
        'error_budgets',
        'rollbacks',
        'audit_log',
        'ticks',
      ]),
    );
    // applying twice is harmless
    await wh.applyDdl('ddl/ops');
    await wh.close();
  });
});
