// What a backtest reports: for each exported deployment, the verdicts postflight would have
// reached and when, and the rollback it would have made. Pure: rows of the replayed warehouse in,
// the report out.

import type { Row } from '../warehouse/port.js';

export interface VerdictAt {
  readonly state: string;
  readonly at: string;
  /** Seconds after the deploy finished. */
  readonly after_s: number;
}

export interface DeploymentOutcome {
  readonly deployment_id: string;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly deployed_at: string | null;
  /** False for a deploy that did not reach the workspace (status other than SUCCEEDED or PARTIAL). */
  readonly verified: boolean;
  readonly status: string;
  /** The verdict at the replay's end; null when none was reached. */
  readonly verdict: string | null;
  readonly final: boolean;
  readonly reason: string | null;
  readonly first_verdict: VerdictAt | null;
  /** When the verdict of the replay's end was reached. */
  readonly decided: VerdictAt | null;
  readonly changes: ReadonlyArray<{
    readonly at: string;
    readonly from: string | null;
    readonly to: string;
    readonly reason: string;
  }>;
  readonly rollback: {
    /** `roll back`: a SAFE rollback the verifier would have run; `block`: one it would have stopped and paged on. */
    readonly would: 'roll back' | 'block';
    readonly to_version: string | null;
    readonly strategy: string | null;
    readonly safety: string | null;
    readonly at: string | null;
    readonly detail: string;
  } | null;
}

export interface BacktestReport {
  readonly from: string;
  readonly workspace_id: string;
  readonly files: ReadonlyArray<{ readonly table: string; readonly file: string; readonly rows: number }>;
  readonly replay: {
    readonly from: string;
    readonly to: string;
    readonly ticks: number;
    readonly every_minute: boolean;
  };
  readonly load_s: number;
  readonly replay_s: number;
  readonly verdicts: Readonly<Record<string, number>>;
  readonly would_roll_back: number;
  readonly would_block: number;
  readonly deployments: readonly DeploymentOutcome[];
  readonly errors: ReadonlyArray<{ readonly message: string; readonly ticks: number }>;
  /** What the export may lack (see load-export.ts). */
  readonly warnings: readonly string[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

export function deploymentOutcomes(rows: readonly Row[], changeRows: readonly Row[]): DeploymentOutcome[] {
  const changes = new Map<string, Array<{ atMs: number; from: string | null; to: string; reason: string }>>();
  for (const c of changeRows) {
    const p = JSON.parse(String(c.payload)) as { from?: string | null; to?: string; reason?: string };
    const id = String(c.deployment_id);
    changes.set(id, [
      ...(changes.get(id) ?? []),
      { atMs: Number(c.at_ms), from: p.from ?? null, to: String(p.to), reason: p.reason ?? '' },
    ]);
  }
  return rows.map((r) => {
    const id = String(r.deployment_id);
    const deployedMs = r.finished_ms === null || r.finished_ms === undefined ? null : Number(r.finished_ms);
    const mine = changes.get(id) ?? [];
    const at = (c: { atMs: number; to: string } | undefined): VerdictAt | null =>
      c
        ? { state: c.to, at: iso(c.atMs), after_s: deployedMs === null ? 0 : Math.round((c.atMs - deployedMs) / 1000) }
        : null;
    // The first judgement other than "still verifying", and the change that set the verdict held at the end.
    const first = mine.find((c) => c.to !== 'VERIFYING') ?? mine[0];
    const state = str(r.state);
    const last = [...mine].reverse().find((c) => c.to === state);
    const detail = str(r.rollback_detail) ?? '';
    return {
      deployment_id: id,
      bundle: String(r.bundle),
      target: String(r.target),
      version: String(r.version),
      deployed_at: deployedMs === null ? null : iso(deployedMs),
      verified: r.status === 'SUCCEEDED' || r.status === 'PARTIAL',
      status: String(r.status),
      verdict: state,
      final: r.is_final === true,
      reason: str(r.reason),
      first_verdict: at(first),
      decided: at(last),
      changes: mine.map((c) => ({ at: iso(c.atMs), from: c.from, to: c.to, reason: c.reason })),
      rollback:
        r.rollback_state === null || r.rollback_state === undefined
          ? null
          : {
              would: /would block/.test(detail) || r.rollback_state === 'BLOCKED' ? 'block' : 'roll back',
              to_version: str(r.rollback_to_version),
              strategy: str(r.rollback_strategy),
              safety: str(r.rollback_safety),
              at: r.rollback_ms === null || r.rollback_ms === undefined ? null : iso(Number(r.rollback_ms)),
              detail: detail.replace(/^dry run: /, ''),
            },
    };
  });
}

export function summarizeBacktest(
  base: Omit<BacktestReport, 'verdicts' | 'would_roll_back' | 'would_block'>,
): BacktestReport {
  const verdicts: Record<string, number> = {};
  for (const d of base.deployments) {
    if (!d.verified) continue;
    const k = d.verdict ?? 'NONE';
    verdicts[k] = (verdicts[k] ?? 0) + 1;
  }
  return {
    ...base,
    verdicts,
    would_roll_back: base.deployments.filter((d) => d.rollback?.would === 'roll back').length,
    would_block: base.deployments.filter((d) => d.rollback?.would === 'block').length,
  };
}

/** 1 when a past deployment would have failed verification (README: a verdict failed), else 0. */
export function exitCodeOf(report: BacktestReport): 0 | 1 {
  return report.deployments.some((d) => d.verdict === 'FAILED') ? 1 : 0;
}
