// The report's charts as chart options: pure data for the renderer, which alone knows the
// charting library. Time labels are formatted here in UTC, so a page reads the same wherever it
// was rendered. `points` is how many marks a chart draws, written beside it for whoever checks it.

import type { BudgetLine, CheckSeries, Dora, Timeline } from './model.js';

export interface ChartSpec {
  /** What the chart shows, e.g. 'timeline', 'check', 'budget'. */
  readonly kind: string;
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly option: Readonly<Record<string, unknown>>;
  readonly points: number;
}

export const VERDICT_COLOURS: Readonly<Record<string, string>> = {
  HEALTHY: '#2e7d32',
  DEGRADED: '#f9a825',
  FAILED: '#c62828',
  ROLLED_BACK: '#6a1b9a',
  INCONCLUSIVE: '#78909c',
  VERIFYING: '#1e88e5',
  UNVERIFIED: '#cfd8dc',
};
export const STATUS_COLOURS: Readonly<Record<string, string>> = {
  FAIL: '#c62828',
  WARN: '#f9a825',
  ERROR: '#78909c',
  INCONCLUSIVE: '#90a4ae',
  PASS: '#2e7d32',
};
const OUTCOME_COLOURS: Readonly<Record<string, string>> = {
  SUCCEEDED: '#2e7d32',
  FAILED: '#c62828',
  BLOCKED: '#e65100',
  DRY_RUN: '#78909c',
  CANCELLED: '#90a4ae',
};
export const PALETTE = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#5d4037', '#ad1457'];
const TEXT = { fontFamily: 'system-ui, sans-serif', fontSize: 11 };

export function utcLabel(ms: number, withTime: boolean): string {
  const iso = new Date(ms).toISOString();
  return withTime ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

const grid = { left: 56, right: 16, top: 36, bottom: 48, containLabel: false };
// The server measures text without a browser and underestimates it: wide gaps keep labels apart.
const legend = (data: readonly string[]) => ({ top: 4, itemGap: 28, textStyle: TEXT, data });

export function timelineChart(t: Timeline): ChartSpec {
  const hourly = t.bucketMs < 24 * 3_600_000;
  const series = t.verdicts.map((v) => ({
    name: v,
    type: 'bar',
    stack: 'verdicts',
    itemStyle: { color: VERDICT_COLOURS[v] ?? '#9e9e9e' },
    // An empty bucket draws no bar at all rather than one of no height.
    data: (t.counts[v] ?? []).map((c) => (c > 0 ? c : null)),
  }));
  return {
    kind: 'timeline',
    title: 'Deployments by verdict',
    width: 960,
    height: 280,
    option: {
      textStyle: TEXT,
      legend: legend(t.verdicts),
      grid,
      xAxis: { type: 'category', data: t.buckets.map((b) => utcLabel(b, hourly)), axisLabel: TEXT },
      yAxis: { type: 'value', name: 'deployments', minInterval: 1, axisLabel: TEXT },
      series,
    },
    points: t.verdicts.reduce((n, v) => n + (t.counts[v] ?? []).filter((c) => c > 0).length, 0),
  };
}

export function doraChart(d: Dora): ChartSpec {
  const hourly = d.bucketMs < 24 * 3_600_000;
  return {
    kind: 'dora',
    title: `Deployments and failed changes per ${hourly ? 'hour' : 'day'}`,
    width: 960,
    height: 240,
    option: {
      textStyle: TEXT,
      legend: legend(['deployments', 'failed verification']),
      grid,
      xAxis: { type: 'category', data: d.perBucket.map((p) => utcLabel(p.startMs, hourly)), axisLabel: TEXT },
      yAxis: { type: 'value', minInterval: 1, axisLabel: TEXT },
      series: [
        {
          name: 'deployments',
          type: 'bar',
          itemStyle: { color: '#1565c0' },
          data: d.perBucket.map((p) => p.deployments),
        },
        {
          name: 'failed verification',
          type: 'bar',
          itemStyle: { color: '#c62828' },
          data: d.perBucket.map((p) => p.failed),
        },
      ],
    },
    points: d.perBucket.filter((p) => p.deployments > 0).length + d.perBucket.filter((p) => p.failed > 0).length,
  };
}

/** A check's post-deploy value look by look, against the baseline centre, its spread and the threshold. */
export function checkChart(s: CheckSeries): ChartSpec {
  const labels = s.looks.map((l) => (l.postN === null ? `look ${l.look}` : `look ${l.look} (${l.postN} runs)`));
  const newest = [...s.looks].reverse().find((l) => l.baselineCenter !== null);
  const band =
    newest?.baselineCenter != null && newest.baselineSpread != null
      ? {
          silent: true,
          itemStyle: { color: 'rgba(46, 125, 50, 0.12)' },
          data: [
            [
              { yAxis: newest.baselineCenter - newest.baselineSpread },
              { yAxis: newest.baselineCenter + newest.baselineSpread },
            ],
          ],
        }
      : undefined;
  const line = (name: string, colour: string, data: Array<number | null>, dashed: boolean) => ({
    name,
    type: 'line',
    symbolSize: dashed ? 4 : 7,
    lineStyle: { color: colour, type: dashed ? 'dashed' : 'solid', width: dashed ? 1.5 : 2.5 },
    itemStyle: { color: colour },
    data,
  });
  const series: Array<Record<string, unknown>> = [
    {
      ...line(
        'post-deploy',
        '#c62828',
        s.looks.map((l) => l.observed),
        false,
      ),
      ...(band ? { markArea: band } : {}),
    },
  ];
  if (s.looks.some((l) => l.baselineCenter !== null))
    series.push(
      line(
        'baseline',
        '#2e7d32',
        s.looks.map((l) => l.baselineCenter),
        true,
      ),
    );
  if (s.looks.some((l) => l.threshold !== null))
    series.push(
      line(
        'threshold',
        '#ef6c00',
        s.looks.map((l) => l.threshold),
        true,
      ),
    );
  return {
    kind: 'check',
    title: `${s.check} · ${s.subject}`,
    width: 460,
    height: 240,
    option: {
      textStyle: TEXT,
      title: { text: `${s.check} · ${s.status}`, left: 'center', top: 22, textStyle: { ...TEXT, fontSize: 12 } },
      legend: legend(series.map((x) => String(x.name))),
      grid: { ...grid, top: 48 },
      xAxis: { type: 'category', data: labels, axisLabel: TEXT },
      yAxis: { type: 'value', scale: true, axisLabel: TEXT },
      series,
    },
    points: s.looks.filter((l) => l.observed !== null).length,
  };
}

export function rollbackChart(outcomes: Readonly<Record<string, number>>): ChartSpec {
  const states = Object.keys(outcomes).sort();
  return {
    kind: 'rollbacks',
    title: 'Rollbacks by outcome',
    width: 460,
    height: 240,
    option: {
      textStyle: TEXT,
      grid,
      xAxis: { type: 'category', data: states, axisLabel: TEXT },
      yAxis: { type: 'value', minInterval: 1, axisLabel: TEXT },
      series: [
        {
          name: 'rollbacks',
          type: 'bar',
          data: states.map((s) => ({ value: outcomes[s], itemStyle: { color: OUTCOME_COLOURS[s] ?? '#9e9e9e' } })),
          label: { show: true, position: 'top', ...TEXT },
        },
      ],
    },
    points: states.filter((s) => (outcomes[s] ?? 0) > 0).length,
  };
}

/** Budget remaining (or the 1-hour burn rate) over the period, one line per subject and SLO. */
export function budgetChart(lines: readonly BudgetLine[], measure: 'remaining' | 'burn1h'): ChartSpec {
  const times = [...new Set(lines.flatMap((l) => l.points.map((p) => p.ms)))].sort((a, b) => a - b);
  const hourly = times.length > 1 && times[times.length - 1]! - times[0]! <= 3 * 24 * 3_600_000;
  const series = lines.map((l, i) => {
    // A spent budget can fall to many times its size below zero; past -100 % it is spent all the same.
    const value = (v: number | null) =>
      v === null ? null : measure === 'remaining' ? Math.round(1000 * Math.max(-1, Math.min(1, v))) / 10 : v;
    const at = new Map(l.points.map((p) => [p.ms, value(p[measure])]));
    return {
      name: `${l.subject} (${l.slo})`,
      type: 'line',
      showSymbol: false,
      lineStyle: { width: 1.8, color: PALETTE[i % PALETTE.length] },
      itemStyle: { color: PALETTE[i % PALETTE.length] },
      data: times.map((t) => at.get(t) ?? null),
      ...(measure === 'burn1h' && i === 0
        ? { markLine: { silent: true, symbol: 'none', data: [{ yAxis: 1 }], lineStyle: { color: '#616161' } } }
        : {}),
    };
  });
  return {
    kind: measure === 'remaining' ? 'budget' : 'burn',
    title: measure === 'remaining' ? 'Error budget remaining' : 'Burn rate over the last hour',
    width: 960,
    height: 300,
    option: {
      textStyle: TEXT,
      grid: { ...grid, top: 24 },
      xAxis: { type: 'category', data: times.map((t) => utcLabel(t, hourly)), axisLabel: TEXT },
      yAxis: {
        type: 'value',
        name: measure === 'remaining' ? '% of budget left' : '× budget rate',
        ...(measure === 'remaining' ? { min: -100, max: 100 } : {}),
        axisLabel: TEXT,
      },
      series,
    },
    points: lines.reduce((n, l) => n + l.points.filter((p) => p[measure] !== null).length, 0),
  };
}
