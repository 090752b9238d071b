import { describe, expect, it } from 'vitest';
import { assembleReport, DAY_MS, HOUR_MS, MAX_CHARTS_PER_DEPLOYMENT, median } from '../../src/report/assemble.js';
import { budgetChart, checkChart, timelineChart } from '../../src/report/charts.js';
import { renderReportHtml } from '../../src/report/html.js';
import { sinceMs } from '../../src/report/period.js';
import type { CheckLookRow, DeploymentRow, ReportData, RollbackRow } from '../../src/report/rows.js';

const T0 = Date.UTC(2026, 11, 1);
const scope = { sinceMs: T0, untilMs: T0 + 3 * DAY_MS, bundle: null, target: null };

function dep(id: string, hour: number, verdict: string, extra: Partial<DeploymentRow> = {}): DeploymentRow {
  const failed = verdict === 'FAILED' || verdict === 'ROLLED_BACK';
  return {
    deploymentId: id,
    bundle: 'sales',
    target: 'prod',
    version: `v-${id}`,
    actor: 'ci',
    ciRunUrl: null,
    traceId: null,
    finishedMs: T0 + hour * HOUR_MS,
    verdict,
    reason: null,
    isFinal: true,
    firstVerdictMs: null,
    pageReason: null,
    failed,
    restoredMs: null,
    caughtBeforeSpread: failed,
    spreadToTargets: 0,
    isRestore: false,
    ...extra,
  };
}

function look(id: string, check: string, n: number, status: string, observed: number | null): CheckLookRow {
  return {
    deploymentId: id,
    check,
    subject: 'job:1',
    look: n,
    status,
    critical: check === 'run_health',
    observed,
    baselineN: 20,
    baselineCenter: 100,
    baselineSpread: 10,
    threshold: 130,
    postN: n,
    explanation: `${check} at look ${n}`,
    suppressedBy: null,
    evaluatedMs: T0 + n * HOUR_MS,
  };
}

const data = (over: Partial<ReportData>): ReportData => ({
  scope,
  deployments: [],
  looks: [],
  rollbacks: [],
  budgetSeries: [],
  budgetSummary: [],
  ...over,
});

describe('the report model', () => {
  it('counts DORA over deployments made by CI, a rollback restore excluded', () => {
    const m = assembleReport(
      data({
        deployments: [
          dep('a', 1, 'HEALTHY'),
          dep('b', 2, 'FAILED', { restoredMs: T0 + 2 * HOUR_MS + 30 * 60_000 }),
          dep('r', 3, 'HEALTHY', { isRestore: true }),
          dep('c', 26, 'ROLLED_BACK', { restoredMs: T0 + 26 * HOUR_MS + 10 * 60_000, caughtBeforeSpread: false }),
          dep('d', 50, 'VERIFYING'),
          dep('e', 51, 'DEGRADED'),
        ],
      }),
    );
    expect(m.dora.deployments).toBe(5);
    expect(m.dora.judged).toBe(4);
    expect(m.dora.failed).toBe(2);
    expect(m.dora.changeFailureRate).toBe(0.5);
    expect(m.dora.medianMinutesToRestore).toBe(20);
    expect(m.dora.caughtBeforeSpread).toBe(1);
    expect(m.dora.caught.map((d) => d.deploymentId)).toEqual(['b']);
    expect(m.dora.deploysPerDay).toBeCloseTo(5 / 3);
    expect(m.dora.perBucket.map((p) => [p.deployments, p.failed])).toEqual([
      [2, 1],
      [1, 1],
      [2, 0],
    ]);
    // The timeline shows every deployment, the restore included, by day over three days.
    expect(m.timeline.bucketMs).toBe(DAY_MS);
    expect(m.timeline.total).toBe(6);
    expect(m.timeline.counts.HEALTHY).toEqual([2, 0, 0]);
    expect(m.timeline.verdicts).toEqual(['HEALTHY', 'DEGRADED', 'FAILED', 'ROLLED_BACK', 'VERIFYING']);
    expect(m.bad.map((b) => b.deployment.deploymentId)).toEqual(['b', 'c', 'e']);
  });

  it('charts the checks that failed or warned and were measured, critical first, and counts the rest', () => {
    const looks = [
      look('b', 'row_count', 1, 'PASS', 120),
      look('b', 'row_count', 2, 'WARN', 128),
      look('b', 'run_health', 1, 'FAIL', 2),
      look('b', 'freshness', 1, 'PASS', 5),
      look('b', 'sla', 1, 'ERROR', null),
      ...Array.from({ length: 8 }, (_, i) => look('b', `duration_${i}`, 1, 'FAIL', 200 + i)),
    ];
    const rollback = { deploymentId: 'b', state: 'SUCCEEDED' } as RollbackRow;
    const m = assembleReport(data({ deployments: [dep('b', 2, 'FAILED')], looks, rollbacks: [rollback] }));
    const [b] = m.bad;
    expect(b!.series[0]!.check).toBe('run_health');
    expect(b!.series.length).toBe(MAX_CHARTS_PER_DEPLOYMENT);
    // Twelve checks: row_count, run_health, freshness, sla and eight durations.
    expect(b!.notCharted).toBe(12 - MAX_CHARTS_PER_DEPLOYMENT);
    expect(b!.rollback?.state).toBe('SUCCEEDED');
    expect(m.rollbackOutcomes).toEqual({ SUCCEEDED: 1 });
    const rc = assembleReport(data({ deployments: [dep('b', 2, 'FAILED')], looks: looks.slice(0, 2) })).bad[0]!;
    expect(rc.series[0]!.looks.map((l) => l.observed)).toEqual([120, 128]);
    expect(checkChart(rc.series[0]!).points).toBe(2);
  });

  it('buckets a period of two days or less by the hour, and says how many bars the timeline draws', () => {
    const m = assembleReport(
      data({
        scope: { ...scope, untilMs: T0 + DAY_MS },
        deployments: [dep('a', 1, 'HEALTHY'), dep('b', 1, 'FAILED'), dep('c', 5, 'HEALTHY')],
      }),
    );
    expect(m.timeline.bucketMs).toBe(HOUR_MS);
    expect(m.timeline.buckets.length).toBe(24);
    expect(m.timeline.counts.HEALTHY![1]).toBe(1);
    expect(timelineChart(m.timeline).points).toBe(3);
  });

  it('draws budget lines on the union of their hours, a missing hour as a gap, an overspent budget at -100 %', () => {
    const lines = [
      {
        subject: 'job:1',
        slo: 'success',
        exhausted: false,
        alert: null,
        points: [{ ms: T0, remaining: 0.5, burn1h: 2, burn6h: 1 }],
      },
      {
        subject: 'job:2',
        slo: 'success',
        exhausted: true,
        alert: 'page',
        points: [
          { ms: T0, remaining: 0.1, burn1h: 20, burn6h: 9 },
          { ms: T0 + HOUR_MS, remaining: -3, burn1h: 30, burn6h: 12 },
        ],
      },
    ];
    const c = budgetChart(lines, 'remaining');
    const series = c.option.series as Array<{ data: unknown[] }>;
    // Percent of the budget left; an overspent budget is drawn at -100 %.
    expect(series[0]!.data).toEqual([50, null]);
    expect(series[1]!.data).toEqual([10, -100]);
    expect((budgetChart(lines, 'burn1h').option.series as Array<{ data: unknown[] }>)[1]!.data).toEqual([20, 30]);
    expect(c.points).toBe(3);
  });

  it('writes a page that names no address and runs no script, its text escaped', () => {
    const m = assembleReport(
      data({ deployments: [dep('<b>', 2, 'FAILED', { reason: 'rows <script>alert(1)</script>' })] }),
    );
    const html = renderReportHtml(m, (s) => `<svg data-kind="${s.kind}"></svg>`);
    expect(html).not.toMatch(/<script|https?:|src=/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('data-chart="timeline"');
  });
});

describe('--since', () => {
  const now = T0 + 10 * DAY_MS;
  it('reads a length back from now or a UTC date or time', () => {
    expect(sinceMs('90m', now)).toBe(now - 90 * 60_000);
    expect(sinceMs('24h', now)).toBe(now - DAY_MS);
    expect(sinceMs('2w', now)).toBe(now - 14 * DAY_MS);
    expect(sinceMs('2026-12-01', now)).toBe(T0);
    expect(sinceMs('2026-12-01T06:00', now)).toBe(T0 + 6 * HOUR_MS);
    expect(sinceMs('2026-12-01T06:00+01:00', now)).toBe(T0 + 5 * HOUR_MS);
  });
  it('refuses what it cannot read, a zero length and a time not before now', () => {
    for (const bad of ['', '7', '0d', '3y', 'yesterday', '2026-13-45', '2027-01-01'])
      expect(sinceMs(bad, now)).toBeNull();
  });
  it('takes the middle of an even count as the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
