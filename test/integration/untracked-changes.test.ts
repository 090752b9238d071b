// Untracked changes on a real embedded world: every simulated deploy leaves a jobs/reset or
// pipelines edit in system.access.audit and a row in the lakeflow history, which the recorded
// deployments explain; the one hand edit in the UI does not, and is caught once, audited, and
// counted as production.

import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { HAND_EDIT_AFTER_MS } from '../../src/simulator/hand-edits.js';
import { SimWorld } from '../../src/simulator/world.js';
import { runTick } from '../../src/tick/run-tick.js';
import { DEFAULT_UNTRACKED_POLICY, sweepUntracked } from '../../src/untracked/sweep.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';

const spec = defaultSpec({ pipelines: 12, days: 4, deploysPerDay: 12, seed: 3 });
const HOUR = 3_600_000;

describe('untracked changes in the embedded world', () => {
  it('catches the hand edit and nothing CI recorded, once, with an audit entry', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, spec);
    const [edit] = await wh.session.all('SELECT * FROM sim_world.hand_edits');
    expect(edit).toBeUndefined();
    // The edit is made in the replay; the audit log shows it an hour later.
    await world.advance(spec.startMs + HAND_EDIT_AFTER_MS + 90 * 60_000);
    const edits = await wh.session.all('SELECT resource_id, edit_ms, email FROM sim_world.hand_edits');
    expect(edits).toHaveLength(1);
    const audited = await wh.session.all(
      "SELECT count(*) AS n FROM system_access.audit WHERE service_name IN ('jobs', 'deltaPipelines')",
    );
    // Every deploy of the history (and the replay so far) is in the audit log, and the edit.
    const deploys = await wh.session.all('SELECT count(*) AS n FROM postflight.deployments');
    expect(Number(audited[0]!.n)).toBeGreaterThan(Number(deploys[0]!.n) / 2);

    const now = world.nowMs;
    const first = await sweepUntracked({ wh }, 'tick-a', now, {
      ...DEFAULT_UNTRACKED_POLICY,
      lookbackMs: 4 * 24 * HOUR,
    });
    expect(first.changes).toBeGreaterThan(10);
    expect(first).toMatchObject({ untracked: 1, production: 1 });
    const rows = await wh.session.all(
      'SELECT change_id, source, resource_id, changed_by, action, production, target, detail FROM postflight.untracked_changes',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      source: 'system.access.audit',
      resource_id: String(edits[0]!.resource_id),
      changed_by: 'dana.ops@example.com',
      action: 'jobs.update',
      production: true,
      target: 'prod',
    });
    expect(JSON.parse(String(rows[0]!.detail))).toMatchObject({ settings: ['max_concurrent_runs'] });

    // Seen again by the next sweep (and a retried one): no second row, no second entry.
    const again = await sweepUntracked({ wh }, 'tick-b', now + 15 * 60_000, {
      ...DEFAULT_UNTRACKED_POLICY,
      lookbackMs: 4 * 24 * HOUR,
    });
    expect(again.untracked).toBe(0);
    const entries = await wh.session.all(
      "SELECT subject, payload FROM postflight.audit_log WHERE action = 'untracked.change'",
    );
    expect(entries).toHaveLength(1);
    expect(String(entries[0]!.subject)).toBe(`job:${edits[0]!.resource_id}`);
    expect((await verifyAuditLog(wh)).ok).toBe(true);
    await wh.close();
  }, 120_000);

  it('a periodic tick runs the sweep, and a later one finds nothing new', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, spec);
    await world.advance(spec.startMs + HAND_EDIT_AFTER_MS + 90 * 60_000);
    const ws = new EmbeddedWorkspace(wh);
    const deps = { wh, ws, policy: DEFAULT_POLICY, untracked: DEFAULT_UNTRACKED_POLICY };
    const first = await runTick(deps, world.nowMs);
    expect(first.untracked).toMatchObject({ untracked: 1, production: 1 });
    // Not a periodic tick: no sweep.
    expect((await runTick(deps, world.nowMs + 60_000)).untracked).toBeUndefined();
    const later = await runTick(deps, world.nowMs + 16 * 60_000);
    expect(later.untracked).toMatchObject({ untracked: 0 });
    const n = await wh.session.all('SELECT count(*) AS n FROM postflight.untracked_changes');
    expect(Number(n[0]!.n)).toBe(1);
    await wh.close();
  }, 120_000);

  it('the live settings catch the edit within a sweep, before the audit log shows it; the audit log then says who', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, spec);
    const ws = new EmbeddedWorkspace(wh);
    await world.advance(spec.startMs + HAND_EDIT_AFTER_MS + 10 * 60_000);
    const calls = ws.stats.calls;
    const fast = await sweepUntracked({ wh, ws }, 'tick-fast', world.nowMs);
    // One page of jobs/list for the whole workspace, no call per job.
    expect(ws.stats.calls - calls).toBe(1);
    expect(fast.liveJobs).toBeGreaterThan(3);
    expect(fast).toMatchObject({ untracked: 1, production: 1 });
    const [drift] = await wh.session.all('SELECT * FROM postflight.untracked_changes');
    expect(drift).toMatchObject({ source: 'jobs/list', changed_by: null, action: 'jobs.settings_differ' });
    expect(JSON.parse(String(drift!.detail))).toHaveProperty('live_hash');
    // The same drift seen again is not new.
    expect((await sweepUntracked({ wh, ws }, 'tick-fast-2', world.nowMs + 15 * 60_000)).untracked).toBe(0);
    // An hour later the audit log shows the edit, with who made it.
    await world.advance(spec.startMs + HAND_EDIT_AFTER_MS + 75 * 60_000);
    const slow = await sweepUntracked({ wh, ws }, 'tick-slow', world.nowMs);
    expect(slow.untracked).toBe(1);
    const rows = await wh.session.all(
      'SELECT source, changed_by FROM postflight.untracked_changes ORDER BY detected_at',
    );
    expect(rows).toEqual([
      { source: 'jobs/list', changed_by: null },
      { source: 'system.access.audit', changed_by: 'dana.ops@example.com' },
    ]);
    await wh.close();
  }, 120_000);
});
