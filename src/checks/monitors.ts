// Databricks' own monitors as evidence about a deployment's table: data quality monitoring's
// freshness and completeness results, and a Lakehouse Monitoring drift monitor's metrics. Only a
// change is evidence: a table the monitor found healthy before the deploy and unhealthy after it.
// A table that was unhealthy already, or that the monitor had not judged before, says nothing
// about the deploy. Pure: the monitors' rows and the policy in, a result out.

import type { CheckResult, CheckStatus } from '../types.js';
import { clock, num } from './format.js';
import { type DriftMetric, type DriftMonitor, isPValue } from './monitor-policy.js';
import type { Policy } from './policy.js';
import { checkResult } from './result.js';

/** One row of system.data_quality_monitoring.table_results: the statuses are Healthy, Unhealthy or Unknown. */
export interface QualityResult {
  readonly table: string;
  readonly eventMs: number;
  readonly status: string | null;
  readonly freshness: string | null;
  readonly completeness: string | null;
}

/** One whole-table row (no slice) of a drift metrics table: one column's drift in one window. */
export interface DriftObservation {
  readonly table: string;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly column: string;
  readonly values: Readonly<Partial<Record<DriftMetric, number | null>>>;
}

export interface MonitorEvidence {
  readonly quality: readonly QualityResult[];
  readonly drift: readonly DriftObservation[];
}

interface Part {
  readonly status: 'PASS' | 'FAIL' | 'SKIPPED';
  readonly explanation: string;
  readonly decidedAtMs: number | null;
  readonly newestMs: number;
  readonly pre: number;
  readonly post: number;
  readonly statistic?: number;
  readonly threshold?: number;
}

const judged = (s: string | null) => s === 'Healthy' || s === 'Unhealthy';

function what(r: QualityResult): string {
  const stale = r.freshness === 'Unhealthy';
  const incomplete = r.completeness === 'Unhealthy';
  return stale && incomplete ? 'stale and incomplete' : stale ? 'stale' : incomplete ? 'incomplete' : 'unhealthy';
}

/** Data quality monitoring's results for a table, before and after the deploy. */
export function qualityPart(table: string, rows: readonly QualityResult[], fromMs: number, toMs: number): Part | null {
  const mine = rows.filter((r) => r.table === table && judged(r.status)).sort((a, b) => a.eventMs - b.eventMs);
  const before = mine.filter((r) => r.eventMs < fromMs);
  const after = mine.filter((r) => r.eventMs >= fromMs && r.eventMs <= toMs);
  if (after.length === 0) return null;
  const last = before[before.length - 1];
  const bad = after.find((r) => r.status === 'Unhealthy');
  const base = { newestMs: after[after.length - 1]!.eventMs, pre: before.length, post: after.length };
  const who = `data quality monitoring marks ${table}`;
  if (!bad)
    return {
      ...base,
      status: 'PASS',
      decidedAtMs: null,
      explanation: `${who} healthy in ${after.length} result${after.length === 1 ? '' : 's'} since the deploy`,
    };
  if (last === undefined)
    return {
      ...base,
      status: 'SKIPPED',
      decidedAtMs: null,
      explanation: `${who} ${what(bad)} since ${clock(bad.eventMs)}, with no result before the deploy to compare with`,
    };
  if (last.status === 'Unhealthy')
    return {
      ...base,
      status: 'SKIPPED',
      decidedAtMs: null,
      explanation: `${who} ${what(bad)} since ${clock(bad.eventMs)}, as it was already before the deploy (${what(last)} at ${clock(last.eventMs)})`,
    };
  return {
    ...base,
    status: 'FAIL',
    decidedAtMs: bad.eventMs,
    explanation: `${who} ${what(bad)} since ${clock(bad.eventMs)}, healthy before the deploy`,
  };
}

interface Breach {
  readonly column: string;
  readonly metric: DriftMetric;
  readonly value: number;
  readonly threshold: number;
}

function breaches(rows: readonly DriftObservation[], m: DriftMonitor): Breach[] {
  const out: Breach[] = [];
  for (const r of rows) {
    if (m.columns.length > 0 && !m.columns.includes(r.column)) continue;
    for (const [metric, threshold] of Object.entries(m.metrics) as Array<[DriftMetric, number]>) {
      const value = r.values[metric];
      if (value === null || value === undefined || !Number.isFinite(value)) continue;
      if (isPValue(metric) ? value < threshold : Math.abs(value) > threshold)
        out.push({ column: r.column, metric, value, threshold });
    }
  }
  return out;
}

const side = (b: Breach) => (isPValue(b.metric) ? 'below' : 'above');
const named = (b: Breach) =>
  `${b.metric} ${num(b.value)} on ${b.column === ':table' ? 'the whole table' : b.column} (${side(b)} ${num(b.threshold)})`;

/** A drift monitor's windows that start after the deploy, against the last window that ended before it. */
export function driftPart(
  table: string,
  rows: readonly DriftObservation[],
  monitor: DriftMonitor,
  fromMs: number,
  toMs: number,
): Part | null {
  const mine = rows.filter((r) => r.table === table);
  const starts = [...new Set(mine.map((r) => r.windowStartMs))].sort((a, b) => a - b);
  const windowOf = (start: number) => mine.filter((r) => r.windowStartMs === start);
  const before = starts.filter((s) => windowOf(s).every((r) => r.windowEndMs <= fromMs));
  const after = starts.filter((s) => s >= fromMs && s < toMs);
  if (after.length === 0) return null;
  const base = { newestMs: Math.max(...windowOf(after[after.length - 1]!).map((r) => r.windowEndMs)) };
  const counts = { pre: before.length, post: after.length };
  const who = `drift monitor ${monitor.name} of ${table}`;
  const firstBad = after.find((s) => breaches(windowOf(s), monitor).length > 0);
  if (firstBad === undefined)
    return {
      ...base,
      ...counts,
      status: 'PASS',
      decidedAtMs: null,
      explanation: `${who}: no drift beyond its thresholds in ${after.length} window${after.length === 1 ? '' : 's'} since the deploy`,
    };
  const worst = breaches(windowOf(firstBad), monitor)[0]!;
  const last = before[before.length - 1];
  const reported = `${who} reports ${named(worst)} for the window from ${clock(firstBad)}`;
  if (last === undefined)
    return {
      ...base,
      ...counts,
      status: 'SKIPPED',
      decidedAtMs: null,
      explanation: `${reported}, with no window before the deploy to compare with`,
    };
  const earlier = breaches(windowOf(last), monitor);
  if (earlier.length > 0)
    return {
      ...base,
      ...counts,
      status: 'SKIPPED',
      decidedAtMs: null,
      explanation: `${reported}, as it did already before the deploy (${named(earlier[0]!)})`,
    };
  return {
    ...base,
    ...counts,
    status: 'FAIL',
    decidedAtMs: firstBad,
    statistic: worst.value,
    threshold: worst.threshold,
    explanation: `${reported}, within its thresholds before the deploy`,
  };
}

const RANK: Readonly<Record<Part['status'], number>> = { FAIL: 2, PASS: 1, SKIPPED: 0 };

/**
 * The monitors' evidence about one table the deployment writes: null when no monitor the policy
 * reads has judged it since the deploy, which leaves the verdict to postflight's own checks.
 */
export function checkMonitors(
  table: string,
  ev: MonitorEvidence | undefined,
  fromMs: number,
  toMs: number,
  policy: Policy,
  nowMs: number,
  look: number,
): CheckResult | null {
  if (!ev) return null;
  const drift = policy.monitors.drift[table];
  const parts = [
    policy.monitors.dataQuality ? qualityPart(table, ev.quality, fromMs, toMs) : null,
    drift ? driftPart(table, ev.drift, drift, fromMs, toMs) : null,
  ].filter((p): p is Part => p !== null);
  if (parts.length === 0) return null;
  const status = parts.reduce<Part['status']>((s, p) => (RANK[p.status] > RANK[s] ? p.status : s), 'SKIPPED');
  const told = status === 'FAIL' ? parts.filter((p) => p.status === 'FAIL') : parts;
  const failing = parts.find((p) => p.status === 'FAIL');
  const decided = parts.filter((p) => p.decidedAtMs !== null).map((p) => p.decidedAtMs!);
  return checkResult({
    check: 'monitors',
    subject: `table:${table}`,
    look,
    status: status as CheckStatus,
    critical: policy.critical.monitors,
    explanation: told.map((p) => p.explanation).join('; '),
    plane: 'slow',
    baselineN: parts.reduce((n, p) => n + p.pre, 0),
    postN: parts.reduce((n, p) => n + p.post, 0),
    statistic: failing?.statistic ?? null,
    threshold: failing?.threshold ?? null,
    evidenceAgeS: Math.max(0, Math.round((nowMs - Math.max(...parts.map((p) => p.newestMs))) / 1000)),
    decidedAtMs: decided.length ? Math.min(...decided) : null,
  });
}
