// Freshness of a target table: age of its last successful write against its learned cadence
// (median gap, MAD jitter). Fails once a whole cycle is missed, and only blames the deploy when
// the table stopped being written after the deploy.

import { madNormal } from '../stats/index.js';
import type { CheckResult, TableWrite } from '../types.js';
import { clock, duration } from './format.js';
import type { Policy } from './policy.js';
import { checkResult } from './result.js';

export interface Cadence {
  readonly c: number;
  readonly jitter: number;
  readonly grace: number;
  readonly gaps: number;
}

export function learnCadence(times: readonly number[]): Cadence | null {
  const sorted = [...times].sort((a, b) => a - b).slice(-31);
  if (sorted.length < 6) return null;
  const gaps = sorted.slice(1).map((t, i) => t - sorted[i]!);
  const s = [...gaps].sort((a, b) => a - b);
  const c = s.length % 2 ? s[s.length >> 1]! : (s[(s.length >> 1) - 1]! + s[s.length >> 1]!) / 2;
  const jitter = Math.max(madNormal(gaps), 0.01 * c);
  return { c, jitter, grace: Math.max(3 * jitter, 0.1 * c, 5 * 60_000), gaps: gaps.length };
}

export function checkFreshness(
  table: string,
  writes: readonly TableWrite[],
  deployMs: number,
  policy: Policy,
  nowMs: number,
  look: number,
): CheckResult {
  const base = { check: 'freshness' as const, subject: `table:${table}`, look, critical: policy.critical.freshness };
  const ok = writes.filter((w) => w.rows !== null && w.timestampMs <= nowMs);
  const before = ok.filter((w) => w.timestampMs < deployMs).map((w) => w.timestampMs);
  const cad = learnCadence(before);
  if (!cad) {
    return checkResult({
      ...base,
      status: 'INCONCLUSIVE',
      baselineN: before.length,
      explanation: `${table} has only ${before.length} writes before the deploy; cannot learn its cadence (need 6)`,
    });
  }
  const last = Math.max(...ok.map((w) => w.timestampMs));
  const age = nowMs - last;
  const warnAt = cad.c + cad.grace;
  const failAt = 2 * cad.c + cad.grace;
  const stats = {
    observed: age / 1000,
    baselineN: cad.gaps,
    baselineCenter: cad.c / 1000,
    baselineSpread: cad.jitter / 1000,
    statistic: age / cad.c,
    plane: ok[ok.length - 1]?.plane ?? 'fast',
    evidenceAgeS: age / 1000,
  } as const;
  const lastWord = `last written ${clock(last)} (${duration(age)} ago); it is normally written every ${duration(cad.c)}`;
  if (age > failAt) {
    // Stale since before the deploy: the deploy did not cause it.
    const attributable = last >= deployMs - cad.c - cad.grace;
    return checkResult({
      ...base,
      ...stats,
      threshold: failAt / 1000,
      status: 'FAIL',
      suppressedBy: attributable ? null : 'stale before deploy',
      explanation: `${table} is stale: ${lastWord}, so at least one whole cycle was missed${attributable ? ' since the deploy' : '; it was already stale before the deploy'}`,
    });
  }
  if (age > warnAt) {
    return checkResult({
      ...base,
      ...stats,
      threshold: warnAt / 1000,
      status: 'WARN',
      recheckAtMs: last + failAt + 1,
      explanation: `${table} is late: ${lastWord}; fails at ${duration(failAt)} without a write`,
    });
  }
  const since = ok.filter((w) => w.timestampMs >= deployMs).length;
  return checkResult({
    ...base,
    ...stats,
    threshold: warnAt / 1000,
    recheckAtMs: last + warnAt + 1,
    status: since > 0 ? 'PASS' : 'INCONCLUSIVE',
    explanation:
      since > 0 ? `${table} is fresh: ${lastWord}` : `${table} not written since the deploy yet; ${lastWord}`,
  });
}
