// `postflight gate` and the cost budget, on an embedded file: a version whose cost check verified
// DBUs per run ×2 on staging is refused for prod when, at prod's own burn for that job, the month
// would pass prod's budget; --accept-cost and --fix let it through, and a smaller rise passes.
// prod's cost budget row is the one the hourly step writes from billing.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveCostBudgetPolicy } from '../../src/budget/cost-budget-policy.js';
import { runGateCommand } from '../../src/cli/gate-command.js';
import { createLogger } from '../../src/log.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { runCostBudgetStep } from '../../src/tick/cost-budgets.js';
import { verdictRows } from '../../src/tick/result-rows.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { DAY, HOUR, insertPrices, insertUsage, type UsageRow } from '../support/billing-rows.js';
import { DEC, deploy, NOW } from '../support/cost-world.js';

const log = createLogger('silent');
let dir: string;
let db: string;
const V1 = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const V2 = 'beef0000beef0000beef0000beef0000beef0000';

async function cli(argv: string[]) {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await runGateCommand([...argv, '--warehouse', `duckdb:${db}`, '--json'], log);
    return { code, out: JSON.parse(out.trim().split('\n').pop()!) as { pass: boolean; reasons: string[] } };
  } finally {
    spy.mockRestore();
  }
}

/** A cost check result as the cost check writes it: effect is DBUs per run after over before. */
async function costCheck(wh: DuckDbWarehouse, deploymentId: string, subject: string, status: string, effect: number) {
  await wh.session.run(
    `INSERT INTO postflight.check_results (deployment_id, check_name, subject, look, status, critical, observed,
       baseline_n, baseline_center, effect, post_n, plane, explanation, tick_id, evaluated_at)
     VALUES ($d, 'cost', $s, 3, $status, false, 40 * $e, 10, 40, $e, 3, 'slow', 'DBUs per run ×' || $e, 'tick-t',
       make_timestamp($now * 1000))`,
    { d: deploymentId, s: subject, status, e: effect, now: NOW - 2 * HOUR },
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pf-cost-gate-'));
  db = join(dir, 'world.duckdb');
  const wh = await DuckDbWarehouse.open(db);
  // A world of its own the gate can open, its clock moved to the fixture's now.
  await SimWorld.create(wh, defaultSpec({ pipelines: 1, days: 1, deploysPerDay: 0, seed: 5 }));
  await wh.session.run('UPDATE sim_world.clock SET now_ms = $now', { now: NOW });
  // prod runs job 21 (key ingest) since November; staging runs the same job as job 11.
  await deploy(wh, 'd-prod', 'sales', DEC - 20 * DAY, [{ type: 'job', id: '21', key: 'ingest' }]);
  for (const [id, v] of [
    ['d-stg-1', V1],
    ['d-stg-2', V2],
  ] as const) {
    await deploy(wh, id, 'sales', NOW - 3 * DAY, [{ type: 'job', id: '11', key: 'ingest' }], 'staging');
    await wh.session.run('UPDATE postflight.deployments SET version = $v WHERE deployment_id = $id', { v, id });
    await wh.execute(
      'tick/merge_verdicts',
      {},
      verdictRows(
        [
          {
            deploymentId: id,
            state: 'HEALTHY',
            reason: 'healthy',
            final: true,
            postRuns: 3,
            recheckAtMs: null,
          } as never,
        ],
        'tick-t',
        NOW - DAY,
      ),
    );
  }
  await costCheck(wh, 'd-stg-1', 'job:11', 'FAIL', 2);
  await costCheck(wh, 'd-stg-2', 'job:11', 'WARN', 1.2);
  // prod's job: 40 DBUs a day at $0.50, $20 a day; a month of December at that burn is $620.
  await insertPrices(wh, [{ sku: 'JOBS', usd: 0.5, fromMs: DEC - 365 * DAY }]);
  const rows: UsageRow[] = [];
  for (let h = -7 * 24; h < 19 * 24 + 12; h++)
    rows.push({ startMs: DEC + h * HOUR, dbus: 40 / 24, sku: 'JOBS', jobId: '21' });
  await insertUsage(wh, rows);
  const policy = resolveCostBudgetPolicy({ byBundle: { sales: { prod: 800 } } })!;
  const step = await runCostBudgetStep({ wh, policy, own: { verifierJobId: null, warehouseId: null } }, NOW);
  // prod, and staging at $0 (no billing of its own in the fixture).
  expect(step).toEqual({ rows: 2, overruns: 0, errors: [] });
  await wh.close();
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the promotion gate and the cost budget', () => {
  it("refuses a ×2 cost rise that would take prod's month over its budget, with the figures", async () => {
    const r = await cli(['--bundle', 'sales', '--version', V1, '--to', 'prod']);
    expect(r.code).toBe(1);
    expect(r.out.pass).toBe(false);
    expect(r.out.reasons).toHaveLength(1);
    expect(r.out.reasons[0]).toMatch(
      /would take sales\/prod over its cost budget: ingest ×2\.00 DBUs per run \(cost FAIL on d-stg-1\) on its \$20 a day in prod: \+\$20 a day; a month at \$20 \+ \$20 a day is \$1,240 against \$800/,
    );
    expect(r.out.reasons[0]).toMatch(/--accept-cost/);
  });

  it('lets the same version through with --accept-cost, and as a fix', async () => {
    expect(await cli(['--bundle', 'sales', '--version', V1, '--to', 'prod', '--accept-cost'])).toEqual({
      code: 0,
      out: expect.objectContaining({ pass: true, reasons: [] }),
    });
    expect((await cli(['--bundle', 'sales', '--version', V1, '--to', 'prod', '--fix'])).code).toBe(0);
  });

  it('passes a rise the budget holds: ×1.2 is $24 a day, $744 a month against $800', async () => {
    expect(await cli(['--bundle', 'sales', '--version', V2, '--to', 'prod'])).toEqual({
      code: 0,
      out: expect.objectContaining({ pass: true, reasons: [] }),
    });
  });
});
