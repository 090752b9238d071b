import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PRECHECK_POLICY } from '../../src/precheck/policy-rules.js';
import { runPrecheck } from '../../src/precheck/run-precheck.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import { declaredFixture, planFixture, summaryFixture } from '../support/cli-fixtures.js';
import { emptyWorldAt } from '../support/empty-world.js';

const T = Date.UTC(2026, 10, 20, 9);
const summary = summaryFixture;
const plan = planFixture;
const declared = declaredFixture;

let wh: DuckDbWarehouse;
beforeEach(async () => {
  wh = await emptyWorldAt(T);
});
afterEach(async () => wh.close());

describe('postflight precheck against the embedded warehouse', () => {
  it("reads Unity Catalog's columns of the declared tables and finds what the contract breaks", async () => {
    const cols: Array<[string, string, number]> = [
      ['order_date', 'date', 1],
      ['orders', 'bigint', 2],
      ['revenue', 'decimal(10,2)', 3],
      ['customer_key', 'string', 4],
      ['region', 'string', 5],
    ];
    for (const [name, type, pos] of cols) {
      await wh.session.run(
        `INSERT INTO sim_world.system_information_schema__columns (table_catalog, table_schema, table_name, column_name, ordinal_position, is_nullable, full_data_type, data_type, _visible_at)
         VALUES ('MAIN', 'sales', 'orders_daily', $n, $p, 'YES', $t, $t, timestamp '2026-01-01')`,
        { n: name, p: pos, t: type },
      );
    }
    const r = await runPrecheck(
      { config: summary, plan, declared, policy: DEFAULT_PRECHECK_POLICY, strategy: 'jobs-api', nowMs: T },
      { wh, ws: new EmbeddedWorkspace(wh) },
    );
    expect(r.tablesCompared).toBe(1);
    expect(r.tablesNew).toEqual(['main.sales.customers']);
    const schema = r.findings.filter((f) => f.check === 'schema');
    expect(schema.map((f) => [f.severity, f.subject, f.file, f.message.slice(0, 40)])).toEqual([
      ['error', 'main.sales.orders_daily', 'models/marts/orders_daily.sql', 'column region (string) would be dropped:'],
      [
        'warning',
        'main.sales.orders_daily',
        'models/marts/orders_daily.sql',
        'column order_date becomes NOT NULL: writ',
      ],
      ['error', 'main.sales.orders_daily', 'models/marts/orders_daily.sql', 'column orders: bigint to int loses range'],
      [
        'warning',
        'main.sales.orders_daily',
        'models/marts/orders_daily.sql',
        'column orders becomes NOT NULL: writes f',
      ],
    ]);
    // The table's schema changes, so rolling the version back later would meet it.
    expect(r.rollback.safety).toBe('UNSAFE');
    expect(r.rollback.reasons.join()).toMatch(/table main\.sales\.orders_daily changed schema/);
    expect(r.findings.some((f) => f.check === 'policy')).toBe(true);
  });

  it('needs no connection when the plan carries the live settings and no schema is declared', async () => {
    const r = await runPrecheck(
      { config: summary, plan, declared: [], policy: DEFAULT_PRECHECK_POLICY, strategy: 'ci-dispatch', nowMs: T },
      null,
    );
    expect(r.tablesCompared).toBe(0);
    expect(r.rollback.safety).toBe('SAFE');
  });
});
