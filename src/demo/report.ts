// Scores a replay against the simulator's ground truth.

import { HARD_KINDS } from '../simulator/plan.js';
import { FAILING_VERDICTS } from '../types.js';
import { type BurnScore, scoreBurn } from './burn-score.js';
import { type ConfigScore, scoreConfig } from './config-score.js';
import { type CostScore, scoreCost } from './cost-score.js';
import type { RestoreDemo } from './restore-demo.js';
import type { UntrackedScore } from './untracked-score.js';

export interface DemoRow {
  readonly deployment_id: string;
  readonly label: string;
  readonly kind: string | null;
  readonly factor: number | null;
  readonly state: string | null;
  readonly first_verdict_ms: number | null;
  readonly first_fail_ms: number | null;
  readonly rollback_state: string | null;
  readonly rollback_safety: string | null;
  readonly rollback_detail: string | null;
  /** Ledger rows for the deployment: more than one would be a second rollback. */
  readonly ledger_rows: number;
  /** Most resets the control plane accepted for one of its resources during its rollback. */
  readonly max_resets_per_resource: number;
  /** Verdict of the restored version's re-verification. */
  readonly restored_state: string | null;
  /** Worst result of its config check (see config-score.ts). */
  readonly config_status?: string | null;
  /** Worst result of its cost check, and the first failing one's explanation (see cost-score.ts). */
  readonly cost_status?: string | null;
  readonly cost_explanation?: string | null;
  /** The verdict's reason, and the cause its rollback was requested for and when. */
  readonly reason?: string | null;
  readonly rollback_reason?: string | null;
  readonly rollback_requested_ms?: number | null;
}

export interface DemoReport {
  /** The restore plan of a failed deployment, applied twice (the demo's replay only). */
  restore?: RestoreDemo;
  deployments: number;
  verdicts: Record<string, number>;
  labelled_bad: number;
  labelled_hard: number;
  caught: number;
  caught_hard: number;
  missed: Array<{ deployment_id: string; kind: string | null; factor: number | null; state: string | null }>;
  false_failures: number;
  false_failure_ids: string[];
  upstream_incidents: number;
  upstream_rolled_back_or_failed: number;
  first_verdict_s_p50: number | null;
  first_verdict_s_max: number | null;
  detection_s_p50: number | null;
  /** Failed deployments rolled back (ledger SUCCEEDED). */
  rollbacks: number;
  rollbacks_blocked_unsafe: number;
  /** Deployments rolled back more than once, or with a resource reset more than once. Must be 0. */
  double_rollbacks: number;
  /** Rolled-back deployments whose restored version verified HEALTHY. */
  restored_healthy: number;
  rollback_outcomes: Array<{
    deployment_id: string;
    kind: string | null;
    label: string;
    state: string | null;
    safety: string | null;
    restored: string | null;
    resets: number;
    detail: string | null;
  }>;
  /** The config-change episodes: caught at the first tick, warned, declared, and none wrongly failed. */
  config: ConfigScore;
  /** The burn-driven episodes (see burn-score.ts). */
  burn: BurnScore;
  /** The cost-regression episodes (see cost-score.ts). */
  cost: CostScore;
  /** CI stage events recorded for the replayed deployments, by stage (validate, precheck, deploy, verify). */
  deployment_events: Record<string, number>;
  /** Hand edits to production in the UI: caught by the untracked-change sweep and paged on. */
  untracked: UntrackedScore;
  ticks: number;
  wall_s: number;
}

function quantile(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.ceil(pos)]! - s[lo]!) * (pos - lo);
}

const FAILED = FAILING_VERDICTS;

export function scoreReplay(
  rows: readonly DemoRow[],
  ticks: number,
  wallS: number,
  eventsByStage: Readonly<Record<string, number>> = {},
  untracked: UntrackedScore = { hand_edits: 0, caught: 0, paged: 0, caught_after_s_max: null, wrongly_untracked: 0 },
): DemoReport {
  const verdicts: Record<string, number> = {};
  for (const r of rows) verdicts[r.state ?? 'NONE'] = (verdicts[r.state ?? 'NONE'] ?? 0) + 1;
  const bad = rows.filter((r) => r.label === 'bad');
  const hard = bad.filter((r) => HARD_KINDS.includes(r.kind as never));
  const caught = bad.filter((r) => FAILED.has(r.state ?? ''));
  const notBad = rows.filter((r) => r.label !== 'bad');
  const falseFail = notBad.filter((r) => FAILED.has(r.state ?? ''));
  const upstream = rows.filter((r) => r.label === 'upstream_incident');
  const firsts = rows
    .map((r) => r.first_verdict_ms)
    .filter((x): x is number => x !== null)
    .map((x) => x / 1000);
  const detect = caught
    .map((r) => r.first_fail_ms)
    .filter((x): x is number => x !== null)
    .map((x) => x / 1000);
  return {
    deployments: rows.length,
    verdicts,
    labelled_bad: bad.length,
    labelled_hard: hard.length,
    caught: caught.length,
    caught_hard: hard.filter((r) => FAILED.has(r.state ?? '')).length,
    missed: bad
      .filter((r) => !FAILED.has(r.state ?? ''))
      .map((r) => ({ deployment_id: r.deployment_id, kind: r.kind, factor: r.factor, state: r.state })),
    false_failures: falseFail.length,
    false_failure_ids: falseFail.map((r) => r.deployment_id),
    upstream_incidents: upstream.length,
    upstream_rolled_back_or_failed: upstream.filter((r) => FAILED.has(r.state ?? '')).length,
    first_verdict_s_p50: quantile(firsts, 0.5),
    first_verdict_s_max: firsts.length ? Math.max(...firsts) : null,
    detection_s_p50: quantile(detect, 0.5),
    rollbacks: rows.filter((r) => r.rollback_state === 'SUCCEEDED').length,
    rollbacks_blocked_unsafe: rows.filter((r) => r.rollback_state === 'BLOCKED' && r.rollback_safety === 'UNSAFE')
      .length,
    double_rollbacks: rows.filter((r) => Number(r.ledger_rows) > 1 || Number(r.max_resets_per_resource) > 1).length,
    restored_healthy: rows.filter((r) => r.rollback_state === 'SUCCEEDED' && r.restored_state === 'HEALTHY').length,
    rollback_outcomes: rows
      .filter((r) => r.rollback_state !== null)
      .map((r) => ({
        deployment_id: r.deployment_id,
        kind: r.kind,
        label: r.label,
        state: r.rollback_state,
        safety: r.rollback_safety,
        restored: r.restored_state,
        resets: Number(r.max_resets_per_resource),
        detail: r.rollback_detail,
      })),
    config: scoreConfig(rows.map((r) => ({ ...r, config_status: r.config_status ?? null }))),
    burn: scoreBurn(rows),
    cost: scoreCost(rows),
    deployment_events: { ...eventsByStage },
    untracked,
    ticks,
    wall_s: wallS,
  };
}
