// The report's figures from its rows: pure, so the same rows always give the same page. Which
// checks are charted, how deployments fall into the timeline's buckets and how DORA's figures
// are counted is decided here, never in the renderer.

import type {
  BadDeployment,
  BudgetLine,
  CheckSeries,
  Dora,
  ReportModel,
  ReportModelSummary,
  Timeline,
} from './model.js';
import type { CheckLookRow, DeploymentRow, ReportData, RollbackRow } from './rows.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** The verdicts in the order the timeline stacks them; any other state follows, by name. */
export const VERDICT_ORDER = [
  'HEALTHY',
  'DEGRADED',
  'FAILED',
  'ROLLED_BACK',
  'INCONCLUSIVE',
  'VERIFYING',
  'UNVERIFIED',
];
/** A bad deployment's charts stop here: beyond a handful of failing checks, more say nothing new. */
export const MAX_CHARTS_PER_DEPLOYMENT = 6;
const BAD = new Set(['FAILED', 'DEGRADED', 'ROLLED_BACK']);
const NOT_JUDGED = new Set(['UNVERIFIED', 'VERIFYING']);

export function assembleReport(data: ReportData): ReportModel {
  const rollbackOf = new Map<string, RollbackRow>();
  for (const r of data.rollbacks) if (!rollbackOf.has(r.deploymentId)) rollbackOf.set(r.deploymentId, r);
  const looksOf = groupBy(data.looks, (l) => l.deploymentId);
  const bad: BadDeployment[] = data.deployments
    .filter((d) => BAD.has(d.verdict))
    .map((d) => badDeployment(d, looksOf.get(d.deploymentId) ?? [], rollbackOf.get(d.deploymentId) ?? null));
  const rollbackOutcomes: Record<string, number> = {};
  for (const r of data.rollbacks) rollbackOutcomes[r.state] = (rollbackOutcomes[r.state] ?? 0) + 1;
  return {
    scope: data.scope,
    timeline: timeline(data.deployments, data.scope.sinceMs, data.scope.untilMs),
    dora: dora(data.deployments, data.scope.sinceMs, data.scope.untilMs),
    bad,
    rollbacks: data.rollbacks,
    rollbackOutcomes,
    budgets: budgetLines(data),
    budgetSummary: data.budgetSummary as ReportModelSummary,
  };
}

/** Hours for a period of up to two days, days beyond. */
export function bucketFor(sinceMs: number, untilMs: number): number {
  return untilMs - sinceMs <= 2 * DAY_MS ? HOUR_MS : DAY_MS;
}

export function timeline(deployments: readonly DeploymentRow[], sinceMs: number, untilMs: number): Timeline {
  const bucketMs = bucketFor(sinceMs, untilMs);
  const first = Math.floor(sinceMs / bucketMs) * bucketMs;
  const buckets: number[] = [];
  for (let t = first; t < untilMs; t += bucketMs) buckets.push(t);
  const seen = new Set(deployments.map((d) => d.verdict));
  const verdicts = [
    ...VERDICT_ORDER.filter((v) => seen.has(v)),
    ...[...seen].filter((v) => !VERDICT_ORDER.includes(v)).sort(),
  ];
  const counts: Record<string, number[]> = {};
  for (const v of verdicts) counts[v] = buckets.map(() => 0);
  for (const d of deployments) {
    const i = Math.floor((d.finishedMs - first) / bucketMs);
    if (i >= 0 && i < buckets.length) counts[d.verdict]![i]! += 1;
  }
  return { bucketMs, buckets, verdicts, counts, total: deployments.length };
}

export function dora(all: readonly DeploymentRow[], sinceMs: number, untilMs: number): Dora {
  const deployments = all.filter((d) => !d.isRestore);
  const judged = deployments.filter((d) => !NOT_JUDGED.has(d.verdict));
  const failed = deployments.filter((d) => d.failed);
  const restoreMinutes = failed.flatMap((d) => (d.restoredMs === null ? [] : [(d.restoredMs - d.finishedMs) / 60_000]));
  const caught = failed.filter((d) => d.caughtBeforeSpread);
  // Counted in the timeline's buckets, so a day's report shows its hours.
  const bucketMs = bucketFor(sinceMs, untilMs);
  const first = Math.floor(sinceMs / bucketMs) * bucketMs;
  const perBucket: Array<{ startMs: number; deployments: number; failed: number }> = [];
  for (let t = first; t < untilMs; t += bucketMs) perBucket.push({ startMs: t, deployments: 0, failed: 0 });
  for (const d of deployments) {
    const b = perBucket[Math.floor((d.finishedMs - first) / bucketMs)];
    if (!b) continue;
    b.deployments += 1;
    if (d.failed) b.failed += 1;
  }
  return {
    days: (untilMs - sinceMs) / DAY_MS,
    deployments: deployments.length,
    judged: judged.length,
    failed: failed.length,
    deploysPerDay: deployments.length / Math.max((untilMs - sinceMs) / DAY_MS, 1 / 24),
    changeFailureRate: judged.length === 0 ? null : failed.length / judged.length,
    restored: restoreMinutes.length,
    medianMinutesToRestore: median(restoreMinutes),
    caughtBeforeSpread: caught.length,
    bucketMs,
    perBucket,
    caught,
  };
}

function badDeployment(d: DeploymentRow, looks: readonly CheckLookRow[], rollback: RollbackRow | null): BadDeployment {
  const all = [...groupBy(looks, (l) => `${l.check}\u0000${l.subject}`).values()].map((ls): CheckSeries => {
    const sorted = [...ls].sort((a, b) => a.look - b.look);
    const last = sorted[sorted.length - 1]!;
    return {
      check: last.check,
      subject: last.subject,
      critical: sorted.some((l) => l.critical),
      status: last.status,
      explanation: last.explanation,
      looks: sorted,
    };
  });
  const measured = (x: CheckSeries) => x.looks.some((l) => l.observed !== null);
  const failing = all.filter((x) => x.looks.some((l) => l.status === 'FAIL' || l.status === 'WARN')).sort(byWeight);
  // The failing checks with a number first; then, so a failure with no number of its own (a
  // config change, say) still shows what was measured, the deployment's other measured checks.
  const series = [
    ...failing.filter(measured),
    ...all.filter((x) => measured(x) && !failing.includes(x)).sort(byWeight),
  ].slice(0, MAX_CHARTS_PER_DEPLOYMENT);
  return { deployment: d, series, failing, notCharted: all.length - series.length, rollback };
}

function byWeight(a: CheckSeries, b: CheckSeries): number {
  return (
    Number(b.critical) - Number(a.critical) ||
    rankStatus(a.status) - rankStatus(b.status) ||
    a.check.localeCompare(b.check) ||
    a.subject.localeCompare(b.subject)
  );
}

function rankStatus(s: string): number {
  const i = ['FAIL', 'WARN', 'ERROR', 'INCONCLUSIVE', 'PASS', 'SKIPPED'].indexOf(s);
  return i < 0 ? 9 : i;
}

function budgetLines(data: ReportData): BudgetLine[] {
  const lines = groupBy(data.budgetSeries, (b) => `${b.rank}`);
  return [...lines.values()]
    .sort((a, b) => a[0]!.rank - b[0]!.rank)
    .map((ps) => {
      const last = ps[ps.length - 1]!;
      return {
        subject: last.subject,
        slo: last.slo,
        points: ps.map((p) => ({
          ms: p.windowEndMs,
          remaining: p.budgetRemaining,
          burn1h: p.burn1h,
          burn6h: p.burn6h,
        })),
        exhausted: last.exhausted,
        alert: last.alert,
      };
    });
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}
