// Two verifiers at once on Delta: a job run that overran its minute ticks beside the next run, each
// on its own connection to the warehouse, as on Databricks. Delta's optimistic concurrency decides
// which write wins; whichever does, nothing may be applied twice: no deployment rolled back twice,
// no job or pipeline reset twice, no event audited twice, the audit chain intact. The world is moved
// on to the next deployment that fails for certain, so the two ticks race over a real rollback.

import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { HARD_KINDS } from '../../src/simulator/plan.js';
import type { SimWorld } from '../../src/simulator/world.js';
import { runTick } from '../../src/tick/run-tick.js';
import type { TickDeps } from '../../src/tick/types.js';
import type { Warehouse } from '../../src/warehouse/port.js';
import type { Workspace } from '../../src/workspace/port.js';
import { appliedOnce, appliedTwice } from '../support/applied-once.js';
import { EffectCounter } from '../support/faults.js';
import type { SparkWorker } from './endpoint/spark-worker.js';
import { sparkTable } from './world/table-mirror.js';

const MINUTE = 60_000;
/** How long the two verifiers race after the failing deploy lands, at most. */
const RACE_MINUTES = 40;

export interface OverlapResult {
  readonly ok: boolean;
  readonly report: Record<string, unknown>;
}

export async function overlapOnSpark(o: {
  spark: SparkWorker;
  ops: string;
  world: SimWorld;
  first: Warehouse;
  second: Warehouse;
  ws: Workspace;
  deps: (wh: Warehouse, ws: Workspace) => TickDeps;
  advance: (toMs: number) => Promise<void>;
}): Promise<OverlapResult> {
  const q = async (sql: string, id?: string): Promise<ReadonlyArray<ReadonlyArray<unknown>>> =>
    (await o.spark.run(sql, id === undefined ? [] : [{ name: 'id', type: 'STRING', value: id }])).rows;
  const t = (name: string) => sparkTable(`${o.ops}.${name}`);
  const from = o.world.nowMs;
  const next = o.world.plan.deploys.find(
    (d) => d.atMs > from + 2 * MINUTE && d.behaviour.kind !== null && HARD_KINDS.includes(d.behaviour.kind),
  );
  if (!next) return { ok: false, report: { error: 'the world plans no failing deploy after the replay' } };
  // The verifier is down while the world moves on to the deploy: the first tick after catches up.
  let at = from;
  while (at < next.atMs - MINUTE) {
    at = Math.min(at + 30 * MINUTE, next.atMs - MINUTE);
    await o.advance(at);
  }
  await runTick(o.deps(o.first, o.ws), at);
  const a = new EffectCounter(o.ws);
  const b = new EffectCounter(o.ws);
  const before = Number((await q(`SELECT count(*) FROM ${t('rollbacks')}`))[0]![0]);
  let lost = 0;
  let ticks = 0;
  let minutes = 0;
  let rolledBack = 0;
  while (minutes < RACE_MINUTES) {
    at += MINUTE;
    minutes++;
    await o.advance(at);
    const raced = await Promise.allSettled([
      runTick(o.deps(o.first, a), at),
      runTick(o.deps(o.second, b), at + (minutes % 2 ? 0 : 1)),
    ]);
    ticks += 2;
    lost += raced.filter((r) => r.status === 'rejected').length;
    rolledBack = Number(
      (await q(`SELECT count(*) FROM ${t('rollbacks')} WHERE deployment_id = :id`, next.deploymentId))[0]![0],
    );
    if (rolledBack > 0 && minutes >= 5) break;
  }
  // One more tick alone finishes whatever a lost race left.
  await runTick(o.deps(o.first, a), at + MINUTE);
  const twice = await appliedTwice(q, t, [...a.effects, ...b.effects]);
  const audit = await verifyAuditLog(o.first);
  const after = Number((await q(`SELECT count(*) FROM ${t('rollbacks')}`))[0]![0]);
  const report = {
    failing_deploy: next.deploymentId,
    kind: next.behaviour.kind,
    minutes_raced: minutes,
    ticks,
    ticks_lost: lost,
    rollbacks_during: after - before,
    failing_deploy_rolled_back: rolledBack > 0,
    rolled_back_twice: twice.rollbacks.length,
    resets_twice: twice.resets,
    audited_twice: twice.audited.length,
    tick_rows_twice: twice.tickRows.length,
    verdict_rows_twice: twice.verdictRows.length,
    audit_findings: audit.findings.length,
    examples: {
      twice: twice.rollbacks.slice(0, 3),
      audited_twice: twice.audited.slice(0, 3),
      findings: audit.findings.slice(0, 3),
    },
  };
  const ok = rolledBack > 0 && appliedOnce(twice) && audit.ok && lost < ticks;
  return { ok, report };
}
