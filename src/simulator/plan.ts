// The stream of deployments the simulated CI produces, with the ground truth of each one.
// History is healthy; the replayed period carries a labelled share of bad deployments and one
// upstream incident that is nobody's deploy's fault.

import { deploymentIdOf } from '../deployment-id.js';
import type { CheckName } from '../types.js';
import type { SimPipeline, WorldSpec } from './catalog.js';
import { hashKey, hexId, pick, uniform } from './random.js';
import type { SimStatedSla, SlaBreachKind } from './stated-sla.js';

export type BadKind =
  | 'failing_runs'
  | 'zero_rows'
  | 'volume_drop'
  | 'volume_jump'
  | 'duration_regression'
  | 'expectation_spike'
  | 'stale_output'
  /** Its first run alters a target table's schema (ADD COLUMNS), then every run fails: rolling back is not safe. */
  | 'schema_break'
  /** Config changes (config-episodes.ts): the first two stop production work, the others do not. */
  | 'schedule_paused'
  | 'pipeline_dev_mode'
  | 'notification_removed'
  | 'expected_retarget'
  /** Its settings state a timeout or duration health rule its runs cannot keep (stated-sla.ts). */
  | SlaBreachKind
  /** Its runs pass while verified, then fail one in five (burn-episodes.ts): only the error budget sees it. */
  | 'burn_rate'
  /** A bigger job cluster (node type or workers): every row right, ×factor the DBUs per run (cost-episodes.ts). */
  | 'cost_regression';

export const HARD_KINDS: readonly BadKind[] = ['failing_runs', 'zero_rows', 'schema_break'];

export interface Behaviour {
  readonly kind: BadKind | null;
  /** The effect's size; for burn_rate, the instant (ms) the failure rate rises; for cost_regression, the DBU ratio. */
  readonly factor: number;
}

export type Label = 'healthy' | 'bad' | 'upstream_incident';

export interface PlannedDeploy {
  readonly deploymentId: string;
  readonly pipelineIndex: number;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly previousVersion: string | null;
  readonly seq: number;
  readonly atMs: number;
  readonly behaviour: Behaviour;
  readonly label: Label;
  /** A limit its settings state that its runs keep (a healthy deploy near its SLA); see stated-sla.ts. */
  readonly statedSla?: SimStatedSla;
  /** Checks the deploy declares it moves (its expected-change annotation); none when absent. */
  readonly expectedChanges?: readonly CheckName[];
}

export interface Incident {
  readonly source: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly factor: number;
  readonly deploymentId: string;
}

export interface DeployPlan {
  readonly deploys: readonly PlannedDeploy[];
  readonly incidents: readonly Incident[];
  /** The version each bundle ran before the first planned deploy. */
  readonly initialVersions: ReadonlyMap<string, string>;
}

const DAY = 86_400_000;

export function versionOf(seed: number, bundle: string, seq: number): string {
  return hexId(40, seed, 'sha', bundle, seq);
}

function badBehaviour(p: SimPipeline, key: number): Behaviour {
  const kinds: BadKind[] = [
    'failing_runs',
    'zero_rows',
    'volume_drop',
    'volume_jump',
    'duration_regression',
    'stale_output',
  ];
  if (p.expectations.length > 0) kinds.push('expectation_spike');
  const kind = pick(kinds, key, 'kind');
  const factor =
    kind === 'volume_drop'
      ? pick([0.5, 0.8], key, 'f')
      : kind === 'volume_jump'
        ? pick([2, 1.2], key, 'f')
        : kind === 'duration_regression'
          ? 2
          : kind === 'expectation_spike'
            ? 30
            : 0;
  return { kind, factor };
}

/** Deploy instants: mostly working hours on weekdays, some at any time. */
function deployTimes(spec: WorldSpec, fromMs: number, toMs: number, stream: string): number[] {
  const days = Math.round((toMs - fromMs) / DAY);
  const out: number[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = fromMs + d * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const rate = weekday === 0 || weekday === 6 ? spec.deploysPerDay * 0.3 : spec.deploysPerDay;
    const n = Math.round(rate * (0.85 + 0.3 * uniform(spec.seed, stream, 'n', d)));
    for (let k = 0; k < n; k++) {
      const anyTime = uniform(spec.seed, stream, 'any', d, k) < 0.2;
      const minute = anyTime
        ? uniform(spec.seed, stream, 'm', d, k) * 1440
        : 420 + uniform(spec.seed, stream, 'm', d, k) * 720;
      out.push(dayStart + Math.floor(minute) * 60_000 + Math.floor(uniform(spec.seed, stream, 's', d, k) * 60) * 1000);
    }
  }
  return out.sort((a, b) => a - b);
}

export function buildPlan(spec: WorldSpec, catalog: readonly SimPipeline[], replayDays = 1): DeployPlan {
  const histFrom = spec.startMs - spec.days * DAY;
  const replayTo = spec.startMs + replayDays * DAY;
  const seqs = new Map<string, number>();
  const versions = new Map<string, string>();
  const initialVersions = new Map<string, string>();
  const lastAt = new Map<string, number>();
  for (const p of catalog) {
    const v = versionOf(spec.seed, p.bundle, 0);
    versions.set(p.bundle, v);
    initialVersions.set(p.bundle, v);
    seqs.set(p.bundle, 0);
  }
  const deploys: PlannedDeploy[] = [];
  const incidents: Incident[] = [];
  const times = [
    ...deployTimes(spec, histFrom, spec.startMs, 'hist'),
    ...deployTimes(spec, spec.startMs, replayTo, 'replay'),
  ];
  let incidentPlanned = false;
  let schemaBreakPlanned = false;
  for (const [k, at] of times.entries()) {
    const key = hashKey(spec.seed, 'deploy', at, k);
    // A bundle is not redeployed within a few hours of its last deploy, so each deploy gets
    // post-deploy runs of its own (CI batches fixes in practice).
    let p = pick(catalog, key, 'pipeline');
    for (let tries = 0; tries < 8 && at - (lastAt.get(p.bundle) ?? -Infinity) < 6 * 3_600_000; tries++) {
      p = pick(catalog, key, 'pipeline', tries);
    }
    if (at - (lastAt.get(p.bundle) ?? -Infinity) < 6 * 3_600_000) continue;
    lastAt.set(p.bundle, at);
    const seq = seqs.get(p.bundle)! + 1;
    seqs.set(p.bundle, seq);
    const version = versionOf(spec.seed, p.bundle, seq);
    const previousVersion = versions.get(p.bundle) ?? null;
    versions.set(p.bundle, version);
    const deploymentId = deploymentIdOf(p.bundle, 'prod', version, seq);
    const inReplay = at >= spec.startMs;
    let behaviour: Behaviour = { kind: null, factor: 1 };
    let label: Label = 'healthy';
    // Bad deploys need a pipeline that runs at least every few hours to be judged within the day.
    if (inReplay && p.cadenceMin <= 240 && uniform(key, 'bad') < spec.badShare) {
      behaviour = badBehaviour(p, key);
      label = 'bad';
      // One bad deploy per replay whose rollback would undo a schema change, so the replay shows
      // an unsafe rollback being blocked next to the safe ones being carried out.
      if (!schemaBreakPlanned && p.resourceType === 'job' && p.cadenceMin <= 60) {
        behaviour = { kind: 'schema_break', factor: 0 };
        schemaBreakPlanned = true;
      }
    } else if (
      inReplay &&
      !incidentPlanned &&
      p.cadenceMin <= 60 &&
      at < spec.startMs + 12 * 3_600_000 &&
      p.sources.length > 0
    ) {
      incidentPlanned = true;
      label = 'upstream_incident';
      incidents.push({
        source: p.sources[0]!,
        fromMs: at + 20 * 60_000,
        toMs: at + 8 * 3_600_000,
        factor: 0.3,
        deploymentId,
      });
    }
    deploys.push({
      deploymentId,
      pipelineIndex: p.index,
      bundle: p.bundle,
      target: 'prod',
      version,
      previousVersion,
      seq,
      atMs: at,
      behaviour,
      label,
    });
  }
  return { deploys, incidents, initialVersions };
}
