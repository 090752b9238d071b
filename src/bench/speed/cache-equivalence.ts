// Shows that the incremental caches change cost, not results: the same moment judged on a warm
// copy and on a copy whose caches and watermarks were wiped must give the same check results.

import { copyFileSync, rmSync } from 'node:fs';
import type { Policy } from '../../checks/policy.js';
import { runTick } from '../../tick/run-tick.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../workspace/embedded/embedded-workspace.js';

const HOUR = 3_600_000;

export interface CacheEquivalence {
  readonly compared: number;
  readonly differing: number;
  readonly identical: boolean;
  readonly examples: readonly string[];
}

type Judged = Map<string, string>;

async function judgeAll(path: string, nowMs: number, policy: Policy, wipe: boolean): Promise<Judged> {
  const wh = await DuckDbWarehouse.open(path);
  try {
    const s = wh.session;
    if (wipe) {
      // A verifier starting cold: no caches, no watermarks, no earlier tick. The runs listing then
      // reaches back over the whole verification window.
      for (const t of ['observed_runs', 'table_commits', 'pipeline_targets', 'watermarks', 'ticks'])
        await s.run(`DELETE FROM postflight.${t}`);
      await s.run("INSERT INTO postflight.watermarks VALUES ('jobs_runs_from_ms', $from, NULL)", {
        from: nowMs - (policy.window.maxHours + 24) * HOUR,
      });
    }
    // Every deployment under verification is judged, whatever the last tick decided.
    await s.run('UPDATE postflight.verdicts SET updated_at = NULL WHERE is_final = false');
    const tick = await runTick({ wh, ws: new EmbeddedWorkspace(wh), policy }, nowMs);
    const rows = await s.all(
      'SELECT deployment_id, check_name, subject, status, round(observed, 6) AS observed FROM postflight.check_results WHERE tick_id = $tick',
      { tick: tick.tickId },
    );
    return new Map(rows.map((r) => [`${r.deployment_id}|${r.check_name}|${r.subject}`, `${r.status}|${r.observed}`]));
  } finally {
    await wh.close();
  }
}

export async function compareWithoutCache(
  warmPath: string,
  scratchDir: string,
  nowMs: number,
  policy: Policy,
): Promise<CacheEquivalence> {
  const a = `${scratchDir}/cache-warm.duckdb`;
  const b = `${scratchDir}/cache-wiped.duckdb`;
  for (const p of [a, b]) {
    rmSync(p, { force: true });
    rmSync(`${p}.wal`, { force: true });
    copyFileSync(warmPath, p);
  }
  const warm = await judgeAll(a, nowMs, policy, false);
  const cold = await judgeAll(b, nowMs, policy, true);
  const keys = new Set([...warm.keys(), ...cold.keys()]);
  const examples: string[] = [];
  let differing = 0;
  for (const k of keys) {
    if (warm.get(k) === cold.get(k)) continue;
    differing++;
    if (examples.length < 5)
      examples.push(`${k}: cached ${warm.get(k) ?? 'absent'}, uncached ${cold.get(k) ?? 'absent'}`);
  }
  return { compared: keys.size, differing, identical: differing === 0, examples };
}
