// One scheduled run of a simulated pipeline, decided by the version deployed when it starts and
// by whatever upstream incident is going on. Pure: same inputs, same run.

import { burnFails } from './burn-behaviour.js';
import type { SimPipeline } from './catalog.js';
import { computeOf, runDbus, type SimCluster } from './cost.js';
import type { Behaviour, Incident } from './plan.js';
import { normal, uniform } from './random.js';
import { durationFactor, volumeFactor } from './seasonality.js';
import { timedOutAt } from './stated-sla.js';

export interface SimTaskRun {
  readonly taskKey: string;
  readonly runId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly result: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
}

export interface SimRun {
  readonly pipeline: SimPipeline;
  readonly slot: number;
  readonly runId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly succeeded: boolean;
  /** Databricks cancelled the run at the job's timeout_seconds (TIMED_OUT; a task's: the task timed out). */
  readonly timedOut?: boolean;
  readonly terminationCode: string;
  readonly terminationType: string;
  readonly tasks: readonly SimTaskRun[];
  /** A schema change the run committed to its first target table before failing (e.g. ADD COLUMNS). */
  readonly schemaChange?: string;
  /** Rows written per target table; null where the run wrote no commit to that table. */
  readonly rows: ReadonlyArray<number | null>;
  readonly expectations: ReadonlyArray<SimRuleResult>;
  /** The cluster the run ran on, a job's or a classic pipeline's; null for a serverless pipeline update. */
  readonly cluster: SimCluster | null;
  /** DBUs the run burnt (system.billing.usage, split by the hour). */
  readonly dbus: number;
}

/** One rule's result on a run: records passed and failed (a dbt test reports only the failed rows). */
export interface SimRuleResult {
  readonly name: string;
  readonly dataset: string;
  readonly severity: 'error' | 'warn';
  readonly passed: number;
  readonly failed: number;
}

export function runIdOf(p: SimPipeline, slot: number): string {
  return `${700 + p.index}${String(slot).padStart(9, '0')}`;
}

export function simulateRun(
  seed: number,
  p: SimPipeline,
  slot: number,
  startMs: number,
  behaviour: Behaviour,
  incidents: readonly Incident[],
): SimRun {
  const key = [seed, 'run', p.index, slot] as const;
  const kind = behaviour.kind;
  const infraFailure = (kind === null || kind === 'burn_rate') && uniform(...key, 'infra') < p.infraFailRate;
  const burnFailure =
    kind === 'burn_rate' && !infraFailure && burnFails(behaviour.factor, startMs, uniform(...key, 'burn'));
  const failed = kind === 'failing_runs' || kind === 'schema_break' || infraFailure || burnFailure;
  let duration = p.baseDurationS * durationFactor(startMs) * Math.exp(p.durationSigma * normal(...key, 'dur'));
  if (kind === 'duration_regression') duration *= behaviour.factor;
  if (failed) duration *= 0.3 + 0.3 * uniform(...key, 'fdur');
  // A timeout its runs cannot keep: Databricks cancels the run (or its task) at the limit.
  const timeout = timedOutAt(p, behaviour, Math.round(duration * 1000));
  const durationMs = timeout?.runMs ?? Math.round(duration * 1000);
  const endMs = startMs + durationMs;

  let upstream = 1;
  for (const inc of incidents) {
    if (p.sources.includes(inc.source) && startMs >= inc.fromMs && startMs < inc.toMs) upstream *= inc.factor;
  }
  const rows = p.targets.map((t, i) => {
    if (failed || timeout) return null;
    if (kind === 'stale_output' && i === 0) return null;
    if (kind === 'zero_rows') return 0;
    let v = t.baseRows * volumeFactor(startMs) * Math.exp(p.rowSigma * normal(...key, 'rows', i)) * upstream;
    if (kind === 'volume_drop' || kind === 'volume_jump') v *= behaviour.factor;
    return Math.max(0, Math.round(v));
  });

  const tasks: SimTaskRun[] = [];
  const per = Math.floor((timeout?.fullMs ?? durationMs) / p.tasks.length);
  p.tasks.forEach((taskKey, i) => {
    const last = i === p.tasks.length - 1;
    tasks.push({
      taskKey,
      runId: `${runIdOf(p, slot)}${i + 1}`,
      startMs: startMs + i * per,
      endMs: last ? endMs : startMs + (i + 1) * per,
      result: timeout && last ? 'TIMED_OUT' : failed && last ? 'FAILED' : 'SUCCEEDED',
    });
  });

  const checked = Math.max(1, rows[0] ?? rows[1] ?? 0);
  const dataset = p.targets[0]!.name.split('.').pop()!;
  const expectations: SimRuleResult[] =
    failed || timeout
      ? []
      : p.expectations.map((e, i) => {
          if (p.kind === 'dbt') {
            // A bad dbt release (a join that fans out) fails its tests on every run, with many rows.
            const failing =
              kind === 'expectation_spike'
                ? Math.max(1, Math.round(checked * 0.002 * Math.exp(0.5 * normal(...key, 'dbtf', i))))
                : uniform(...key, 'flake', i) < e.failRate
                  ? 1 + Math.floor(uniform(...key, 'flaken', i) * 5)
                  : 0;
            return {
              name: e.name,
              dataset,
              severity: e.severity,
              passed: checked - Math.min(checked, failing),
              failed: Math.min(checked, failing),
            };
          }
          const rate =
            e.failRate *
            (kind === 'expectation_spike' ? behaviour.factor : 1) *
            Math.exp(0.3 * normal(...key, 'exp', i));
          const failedRecords = Math.min(checked, Math.round(checked * rate + uniform(...key, 'expu', i) - 0.5));
          return {
            name: e.name,
            dataset,
            severity: e.severity,
            passed: checked - Math.max(0, failedRecords),
            failed: Math.max(0, failedRecords),
          };
        });
  // dbt build runs the tests after the models: a failing test of severity error fails the run
  // once the models are written.
  const testFailed = expectations.some((e) => p.kind === 'dbt' && e.severity === 'error' && e.failed > 0);
  const lastTask = tasks.length - 1;
  if (testFailed) tasks[lastTask] = { ...tasks[lastTask]!, result: 'FAILED' };

  const cluster = computeOf(p, behaviour);
  const dbus = runDbus(seed, p, slot, endMs - startMs, cluster);
  const run = { pipeline: p, slot, runId: runIdOf(p, slot), startMs, endMs, cluster, dbus };
  if (timeout) {
    return {
      ...run,
      succeeded: false,
      timedOut: timeout.job,
      // The Jobs API's code for a run the platform cancelled, e.g. past its maximum duration.
      terminationCode: 'CANCELED',
      terminationType: 'CLIENT_ERROR',
      tasks,
      rows,
      expectations,
    };
  }
  return {
    ...run,
    succeeded: !failed && !testFailed,
    terminationCode: infraFailure ? 'CLOUD_FAILURE' : failed || testFailed ? 'RUN_EXECUTION_ERROR' : 'SUCCESS',
    terminationType: infraFailure ? 'CLOUD_FAILURE' : failed || testFailed ? 'CLIENT_ERROR' : 'SUCCESS',
    tasks,
    rows,
    expectations,
  };
}
