import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkExpectations } from '../../src/checks/expectations.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { sprtBoundaries } from '../../src/stats/index.js';
import type { ExpectationRecord } from '../../src/types.js';
import { aSubject, HOUR, T0 } from './builders.js';

const subject = aSubject({ type: 'pipeline', id: 'p1', name: 'orders_dlt' });
const deploy = T0;
const now = T0 + 24 * HOUR;

function rec(over: Partial<ExpectationRecord>): ExpectationRecord {
  return {
    subjectId: 'p1',
    runId: 'r',
    timestampMs: deploy,
    name: 'valid_amount',
    dataset: 'orders',
    severity: 'warn',
    passed: null,
    failed: null,
    outcome: 'pass',
    source: 'dlt',
    plane: 'fast',
    ...over,
  };
}

/** One record per run for rule `name` with the given failed/total counts, hourly, before the deploy. */
function countedBefore(
  failed: readonly number[],
  total: readonly number[],
  name = 'valid_amount',
): ExpectationRecord[] {
  return failed.map((f, i) =>
    rec({
      name,
      runId: `b${i}`,
      timestampMs: deploy - (failed.length - i) * HOUR,
      failed: f,
      passed: total[i]! - f,
      outcome: f > 0 ? 'fail' : 'pass',
    }),
  );
}
function countedAfter(failed: readonly number[], total: number, name = 'valid_amount'): ExpectationRecord[] {
  return failed.map((f, i) =>
    rec({
      name,
      runId: `p${i}`,
      timestampMs: deploy + (i + 1) * HOUR,
      failed: f,
      passed: total - f,
      outcome: f > 0 ? 'fail' : 'pass',
    }),
  );
}
/** Pass/fail-only dbt test outcomes, hourly; `before` ends at the deploy, `after` starts after it. */
function outcomes(seq: string, when: 'before' | 'after', over: Partial<ExpectationRecord> = {}): ExpectationRecord[] {
  return [...seq].map((c, i) =>
    rec({
      name: 'not_null_order_id',
      source: 'dbt',
      dataset: 'orders',
      severity: 'error',
      outcome: c === 'F' ? 'fail' : 'pass',
      runId: `${when === 'before' ? 'b' : 'p'}${i}`,
      timestampMs: when === 'before' ? deploy - (seq.length - i) * HOUR : deploy + (i + 1) * HOUR,
      ...over,
    }),
  );
}

describe('expectations: failure rates with counts', () => {
  // Ten steady baseline runs at exactly 1%: no overdispersion, so the binomial applies.
  const steady = countedBefore(Array(10).fill(1000), Array(10).fill(100_000));
  it('passes a run at the usual rate', () => {
    const r = checkExpectations(subject, steady, countedAfter([1010], 100_000), DEFAULT_POLICY, now)!;
    expect(r.status).toBe('PASS');
    expect(r.baselineCenter).toBeCloseTo(0.01, 9);
    expect(r.look).toBe(1);
  });
  it('fails a run whose failure rate jumped, recording p-value, ratio and threshold', () => {
    const r = checkExpectations(subject, steady, countedAfter([5000], 100_000), DEFAULT_POLICY, now)!;
    expect(r.status).toBe('FAIL');
    expect(r.pValue!).toBeLessThan(0.001);
    expect(r.effect!).toBeCloseTo(5, 6);
    expect(r.observed!).toBeCloseTo(0.05, 9);
    expect(r.threshold).toBe(0.001);
    expect(r.explanation).toMatch(/expectation valid_amount: 5\.0% of 100,000 records failed on run p0 against 1\.0%/);
  });
  it('warns on one suspect run (ratio under 1.5) and fails on two in a row', () => {
    const one = checkExpectations(subject, steady, countedAfter([1250], 100_000), DEFAULT_POLICY, now)!;
    expect(one.status).toBe('WARN');
    expect(one.explanation).toMatch(/fails if the next run is suspect too/);
    const two = checkExpectations(subject, steady, countedAfter([1250, 1260], 100_000), DEFAULT_POLICY, now)!;
    expect(two.status).toBe('FAIL');
    expect(two.look).toBe(2);
    expect(two.explanation).toMatch(/suspect on 2 runs in a row/);
    const recovered = checkExpectations(subject, steady, countedAfter([1250, 1000], 100_000), DEFAULT_POLICY, now)!;
    expect(recovered.status).toBe('PASS');
  });
  it('does not fail a tiny rate that doubled: the absolute gate needs 0.1 pp', () => {
    const rare = countedBefore(Array(10).fill(10), Array(10).fill(1_000_000));
    const r = checkExpectations(subject, rare, countedAfter([25], 1_000_000), DEFAULT_POLICY, now)!;
    expect(r.pValue!).toBeLessThan(0.001);
    expect(r.status).toBe('WARN');
  });
  it('uses the beta-binomial predictive p-value on an overdispersed baseline (scipy reference)', () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/stat-vectors.json', import.meta.url), 'utf8')) as {
      vectors: Array<{ id: string; inputs: Record<string, unknown>; outputs: Record<string, number> }>;
    };
    const v = fixture.vectors.find((x) => x.id === 'betabinomial_predictive')!;
    const base = countedBefore(v.inputs.baseline_failed as number[], v.inputs.baseline_total as number[]);
    const r = checkExpectations(
      subject,
      base,
      countedAfter([v.inputs.post_failed as number], v.inputs.post_total as number),
      DEFAULT_POLICY,
      now,
    )!;
    expect(r.pValue!).toBeCloseTo(v.outputs.p_betabinomial_greater_equal!, 6);
    expect(r.status).toBe('PASS');
    expect(r.explanation).toMatch(/beta-binomial p/);
  });
  it("uses Fisher's exact test when the baseline has under 5 failures", () => {
    const clean = countedBefore(Array(10).fill(0), Array(10).fill(1000));
    const three = checkExpectations(subject, clean, countedAfter([3], 1000), DEFAULT_POLICY, now)!;
    expect(three.explanation).toMatch(/fisher p/);
    expect(three.status).toBe('FAIL');
    expect(three.effect).toBeNull();
    expect(three.explanation).toMatch(/never failed before/);
    expect(checkExpectations(subject, clean, countedAfter([1], 1000), DEFAULT_POLICY, now)!.status).toBe('PASS');
  });
  it('is inconclusive with fewer than 5 baseline runs', () => {
    const r = checkExpectations(
      subject,
      countedBefore([10, 12, 9], [1000, 1000, 1000]),
      countedAfter([500], 1000),
      DEFAULT_POLICY,
      now,
    )!;
    expect(r.status).toBe('INCONCLUSIVE');
    expect(r.explanation).toMatch(/need 5/);
  });
});

describe('expectations: pass/fail rules', () => {
  it('fails an error-severity test that passed every baseline run and now fails (new-failure rule)', () => {
    const r = checkExpectations(
      subject,
      outcomes('PPPPPPPPPP', 'before'),
      outcomes('F', 'after'),
      DEFAULT_POLICY,
      now,
    )!;
    expect(r.status).toBe('FAIL');
    expect(r.explanation).toMatch(
      /dbt test not_null_order_id \(severity error\) newly fails: it failed on run p0, and it passed 10 of 10 runs/,
    );
    expect(r.baselineN).toBe(10);
  });
  it('only warns under 7 baseline runs, and for warn-severity tests', () => {
    expect(
      checkExpectations(subject, outcomes('PPPPPP', 'before'), outcomes('F', 'after'), DEFAULT_POLICY, now)!.status,
    ).toBe('WARN');
    const warn = { severity: 'warn' as const };
    expect(
      checkExpectations(
        subject,
        outcomes('PPPPPPPPPP', 'before', warn),
        outcomes('F', 'after', warn),
        DEFAULT_POLICY,
        now,
      )!.status,
    ).toBe('WARN');
  });
  it('runs a Bernoulli SPRT on a flaky test: undecided after one failure, cleared by passes, failed by a streak', () => {
    const flaky = outcomes('PPFPPPPFPPPPFPPPPFPP', 'before');
    const one = checkExpectations(subject, flaky, outcomes('F', 'after'), DEFAULT_POLICY, now)!;
    expect(one.status).toBe('INCONCLUSIVE');
    expect(one.explanation).toMatch(/re-check after run 2/);
    expect(checkExpectations(subject, flaky, outcomes('PPP', 'after'), DEFAULT_POLICY, now)!.status).toBe('PASS');
    const streak = checkExpectations(subject, flaky, outcomes('FFFFFFF', 'after'), DEFAULT_POLICY, now)!;
    expect(streak.status).toBe('FAIL');
    expect(streak.statistic!).toBeGreaterThanOrEqual(sprtBoundaries(0.001, 0.1).upper);
    expect(streak.baselineCenter).toBeCloseTo(5 / 22, 12);
  });
});

describe('expectations: subjects and bad input', () => {
  it('emits nothing for a subject without any rule', () => {
    expect(checkExpectations(subject, [], [], DEFAULT_POLICY, now)).toBeNull();
  });
  it('waits for the first post-deploy run to report', () => {
    const r = checkExpectations(subject, outcomes('PPPPPPP', 'before'), [], DEFAULT_POLICY, now)!;
    expect(r.status).toBe('INCONCLUSIVE');
    expect(r.explanation).toMatch(/decides after run 1/);
  });
  it('names the worst rule and counts the others', () => {
    const before = [
      ...outcomes('PPPPPPPPPP', 'before'),
      ...countedBefore(Array(10).fill(1000), Array(10).fill(100_000)),
    ];
    const after = [...outcomes('F', 'after'), ...countedAfter([1000], 100_000)];
    const r = checkExpectations(subject, before, after, DEFAULT_POLICY, now)!;
    expect(r.status).toBe('FAIL');
    expect(r.explanation).toMatch(/not_null_order_id/);
    expect(r.explanation).toMatch(/the other 1 rule\(s\) pass/);
  });
  it('reports negative and NaN counts after the deploy as a measurement error naming the field', () => {
    const steady = countedBefore(Array(10).fill(1000), Array(10).fill(100_000));
    const neg = checkExpectations(
      subject,
      steady,
      [rec({ runId: 'p0', timestampMs: deploy + HOUR, passed: 100, failed: -3 })],
      DEFAULT_POLICY,
      now,
    )!;
    expect(neg.status).toBe('ERROR');
    expect(neg.explanation).toMatch(/failed = -3; counts must be whole numbers/);
    const nan = checkExpectations(
      subject,
      steady,
      [rec({ runId: 'p0', timestampMs: deploy + HOUR, passed: Number.NaN, failed: 3 })],
      DEFAULT_POLICY,
      now,
    )!;
    expect(nan.status).toBe('ERROR');
    expect(nan.explanation).toMatch(/passed = NaN/);
  });
  it('judges NULL counts as pass/fail only, and drops malformed baseline records', () => {
    const nulls = countedAfter([0], 1000).map((r) => ({
      ...r,
      passed: null,
      failed: null,
      severity: 'error' as const,
    }));
    const before = [
      ...countedBefore(Array(10).fill(0), Array(10).fill(1000)),
      rec({ runId: 'bx', timestampMs: deploy - 30 * HOUR, passed: -1, failed: 2 }),
    ];
    const r = checkExpectations(subject, before, nulls, DEFAULT_POLICY, now)!;
    expect(r.status).toBe('PASS');
    expect(r.baselineN).toBe(10);
  });
});
