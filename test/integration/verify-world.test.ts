import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/demo.js';
import type { DemoReport } from '../../src/demo/report.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Row } from '../../src/warehouse/port.js';

// A tiny world replayed for part of a day, a tick per simulated minute; then every labelled
// deployment's verdict is checked against its ground truth.
const spec = defaultSpec({ pipelines: 10, days: 21, deploysPerDay: 40, badShare: 0.5, seed: 1 });
let report: DemoReport;
let rows: Row[];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postflight-it-'));
  report = await runDemo({ dir, spec, replayMinutes: 9 * 60 });
  const wh = await DuckDbWarehouse.open(join(dir, 'workspace.duckdb'));
  rows = await wh.session.all(`
    SELECT l.deployment_id, l.label, l.kind, v.state, v.post_runs,
      epoch_ms(v.first_verdict_at) - epoch_ms(d.finished_at) AS first_ms
    FROM sim_world.labels l JOIN postflight.deployments d USING (deployment_id)
    LEFT JOIN postflight.verdicts v USING (deployment_id)
    WHERE l.deploy_ms > (SELECT min(now_ms) FROM sim_world.clock) - 9 * 3600000`);
  await wh.close();
}, 900_000);

describe('verification of a simulated world', () => {
  it('replays deployments of every kind, including hard failures', () => {
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.some((r) => r.kind === 'failing_runs' || r.kind === 'zero_rows')).toBe(true);
  });
  it('fails every hard failure that has had a post-deploy run', () => {
    // A failed deployment that was then rolled back reads ROLLED_BACK.
    for (const r of rows.filter(
      (x) => (x.kind === 'failing_runs' || x.kind === 'zero_rows') && Number(x.post_runs) > 0,
    )) {
      expect({ id: r.deployment_id, state: r.state }).toEqual({
        id: r.deployment_id,
        state: expect.stringMatching(/^(FAILED|ROLLED_BACK)$/),
      });
    }
  });
  it('never fails a healthy deployment or one hit by an upstream incident', () => {
    for (const r of rows.filter((x) => x.label !== 'bad')) {
      expect({ id: r.deployment_id, label: r.label, state: r.state }).not.toMatchObject({
        state: expect.stringMatching(/^(FAILED|ROLLED_BACK)$/),
      });
    }
  });
  it('gives every deployment a first verdict within 120 s of its rollout', () => {
    for (const r of rows) expect(Number(r.first_ms)).toBeLessThanOrEqual(120_000);
    expect(report.first_verdict_s_max).toBeLessThanOrEqual(120);
  });
});
