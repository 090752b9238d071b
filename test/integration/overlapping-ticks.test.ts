// Two whole ticks at once, on two connections to the same warehouse, as when a job run overruns
// its minute on Databricks: whichever of them wins each write, nothing is applied twice (no
// verdict change audited twice, no second rollback, no resource reset twice), and the audit chain
// stays intact.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { DEFAULT_SLO_POLICY } from '../../src/budget/slo-policy.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { ensureWorldTemplate } from '../../src/demo/demo.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { runTick } from '../../src/tick/run-tick.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import { appliedTwice, NOTHING_TWICE } from '../support/applied-once.js';
import { EffectCounter } from '../support/faults.js';

const spec = defaultSpec({ pipelines: 10, days: 21, deploysPerDay: 40, badShare: 0.5, seed: 1 });
const MINUTES = 90;

describe('two ticks overlapping', () => {
  it('apply nothing twice, whichever wins each write', async () => {
    const template = await ensureWorldTemplate(mkdtempSync(join(tmpdir(), 'postflight-overlap-')), spec);
    const wh = await DuckDbWarehouse.openCopyInMemory(template);
    const other = await wh.connect();
    const world = (await SimWorld.open(wh))!;
    const a = new EffectCounter(new EmbeddedWorkspace(wh));
    const b = new EffectCounter(new EmbeddedWorkspace(other));
    const deps = (w: DuckDbWarehouse, ws: EffectCounter) => ({
      wh: w,
      ws,
      policy: DEFAULT_POLICY,
      slos: DEFAULT_SLO_POLICY,
      rollback: { policy: DEFAULT_ROLLBACK_POLICY },
    });
    let lost = 0;
    for (let m = 0; m < MINUTES; m++) {
      if (m > 0) await world.advance(world.nowMs + 60_000);
      // The run of the minute before overran: it starts its tick as this minute's run does.
      const results = await Promise.allSettled([
        runTick(deps(wh, a), world.nowMs),
        runTick(deps(other, b), world.nowMs + (m % 2 ? 0 : 1)),
      ]);
      lost += results.filter((r) => r.status === 'rejected').length;
    }
    // One more tick alone finishes whatever a lost race left.
    await runTick(deps(wh, a), world.nowMs + 60_000);

    const read = async (sql: string) => (await wh.session.all(sql)).map((r) => Object.values(r));
    const twice = await appliedTwice(read, (name) => `postflight.${name}`, [...a.effects, ...b.effects]);
    expect(twice, 'something applied twice').toEqual(NOTHING_TWICE);
    const [{ n: rolledBack }] = (await wh.session.all('SELECT count(*) AS n FROM postflight.rollbacks')) as [
      { n: number },
    ];
    expect(rolledBack, 'the replay rolls something back').toBeGreaterThan(0);
    const audit = await verifyAuditLog(wh);
    expect(audit.findings).toEqual([]);
    expect(audit.ok).toBe(true);
    // Lost races are allowed (the next tick redoes the work), but the ticks mostly get through.
    expect(lost).toBeLessThan(MINUTES);
    await other.close();
    await wh.close();
  }, 600_000);
});
