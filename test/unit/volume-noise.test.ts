import { describe, expect, it } from 'vitest';
import { pooledNoise } from '../../src/checks/history-noise.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { checkRowCount } from '../../src/checks/row-count.js';
import type { TableWrite } from '../../src/types.js';
import { DAY, HOUR, normals, T0 } from './builders.js';

const TABLE = 'prod.sales.orders';
const deploy = T0 + 9 * HOUR + 30 * 60_000;

/** Hourly weekday writes for 28 days: log-noise `sd` per run plus a level shared by each day. */
function history(sd: number, daySd: number, calmHour: number | null = null, seed = 7): TableWrite[] {
  const z = normals(seed);
  const out: TableWrite[] = [];
  for (let d = 28; d >= 1; d--) {
    const day = T0 - d * DAY;
    const dow = new Date(day).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    const level = daySd * z();
    for (let h = 0; h < 24; h++) {
      const noise = h === calmHour ? 0.002 * z() : sd * z();
      out.push({
        table: TABLE,
        subjectId: '1',
        runId: `b${d}-${h}`,
        timestampMs: day + h * HOUR,
        rows: Math.round(10_000 * Math.exp(level + noise)),
        plane: 'fast',
      });
    }
  }
  return out;
}

/** Hourly weekday writes for 28 days whose log-noise is AR(1): correlation phi^h at a lag of h runs. */
function arHistory(sd: number, phi: number, seed = 11): TableWrite[] {
  const z = normals(seed);
  const out: TableWrite[] = [];
  let e = sd * z();
  for (let d = 28; d >= 1; d--) {
    const day = T0 - d * DAY;
    const dow = new Date(day).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    for (let h = 0; h < 24; h++) {
      e = phi * e + sd * Math.sqrt(1 - phi * phi) * z();
      out.push({
        table: TABLE,
        subjectId: '1',
        runId: `b${d}-${h}`,
        timestampMs: day + h * HOUR,
        rows: Math.round(10_000 * Math.exp(e)),
        plane: 'fast',
      });
    }
  }
  return out;
}

/** Variance of the mean of k AR(1) values over that of k independent ones. */
function arDesignEffect(phi: number, k: number): number {
  let s = 0;
  for (let h = 1; h < k; h++) s += (1 - h / k) * phi ** h;
  return 1 + 2 * s;
}

/** The series' pooled noise on the log scale of rows written, as the row-count check measures it. */
const historyNoise = (writes: readonly TableWrite[], cadence: number) =>
  pooledNoise(
    writes.map((w) => ({ timestampMs: w.timestampMs, y: Math.log1p(w.rows!) })),
    cadence,
  );

const post = (factors: number[]): TableWrite[] =>
  factors.map((f, i) => ({
    table: TABLE,
    subjectId: '1',
    runId: `p${i}`,
    timestampMs: deploy + (i + 0.5) * HOUR,
    rows: Math.round(10_000 * f),
    plane: 'fast',
  }));

describe('volume noise learnt from the whole history', () => {
  it('does not take a calm slot for a calm series', () => {
    // The 10:00 slot happens to be nearly constant while the series moves about 10% run to run.
    const base = history(0.1, 0, 10);
    const noise = historyNoise(base, HOUR);
    expect(noise.scale!).toBeGreaterThan(0.07);
    const r = checkRowCount(TABLE, base, post([1.3]), DEFAULT_POLICY, deploy + 2 * HOUR, false);
    expect(r.status).not.toBe('FAIL');
    expect(r.baselineSpread!).toBeGreaterThan(0.07);
  });

  it('still fails a halved volume on the same series at once', () => {
    const r = checkRowCount(TABLE, history(0.1, 0, 10), post([0.5]), DEFAULT_POLICY, deploy + 2 * HOUR, false);
    expect(r.status).toBe('FAIL');
  });

  it('finds the correlation of runs that share their day, and none in independent runs', () => {
    expect(historyNoise(history(0.03, 0.1), HOUR).rho).toBeGreaterThan(0.5);
    expect(historyNoise(history(0.1, 0), HOUR).rho).toBe(0);
  });

  it('counts a day of correlated runs running high as one day, not as many independent runs', () => {
    // Days wander by about 10%; within a day runs barely differ. One day 25% up is unusual
    // but is one observation of the day level, not twelve.
    const day = [1.25, 1.26, 1.24, 1.25, 1.27, 1.25, 1.24, 1.26, 1.25, 1.25, 1.26, 1.24];
    const correlated = checkRowCount(TABLE, history(0.03, 0.1), post(day), DEFAULT_POLICY, deploy + 13 * HOUR, false);
    expect(correlated.status).not.toBe('FAIL');
    // The same runs against a series whose runs are independent with the same spread do fail.
    const independent = checkRowCount(TABLE, history(0.104, 0), post(day), DEFAULT_POLICY, deploy + 13 * HOUR, false);
    expect(independent.status).toBe('FAIL');
  });

  it('measures the design effect of k runs from the history: near one per day where days drift, far less where correlation fades', () => {
    const daily = historyNoise(history(0.03, 0.1), HOUR);
    // Runs that share their day's level: twelve of them are about one observation.
    expect(daily.designEffect(12)).toBeGreaterThan(0.7 * (1 + 11 * daily.rho));
    const ar = historyNoise(arHistory(0.15, 0.85), HOUR);
    expect(ar.rho).toBeGreaterThan(0.7);
    // Lag-one correlation taken for every pair would count 14 such runs as about one; they are two.
    expect(ar.designEffect(14)).toBeLessThan(0.75 * (1 + 13 * ar.rho));
    expect(ar.designEffect(14)).toBeGreaterThan(0.7 * arDesignEffect(0.85, 14));
    expect(ar.designEffect(14)).toBeLessThan(1.3 * arDesignEffect(0.85, 14));
    expect(ar.designEffect(1)).toBe(1);
    expect(historyNoise(history(0.1, 0), HOUR).designEffect(14)).toBe(1);
  });

  it('keeps the every-pair bound where the history is too short to measure k-run windows', () => {
    const short = history(0.03, 0.1).slice(-48);
    const noise = historyNoise(short, HOUR);
    expect(noise.rho).toBeGreaterThan(0);
    expect(noise.designEffect(12)).toBeCloseTo(1 + 11 * noise.rho, 12);
  });

  it('fails a sustained doubling on a series whose correlation fades, which the every-pair bound never let cross', () => {
    const base = arHistory(0.15, 0.85);
    const doubled = Array.from({ length: 14 }, () => 2);
    const r = checkRowCount(TABLE, base, post(doubled), DEFAULT_POLICY, deploy + 15 * HOUR, false);
    expect(r.status).toBe('FAIL');
    expect(r.effect!).toBeGreaterThan(1.2);
    // Healthy runs on the same series pass or wait; they do not fail.
    const steady = checkRowCount(
      TABLE,
      base,
      post(Array.from({ length: 14 }, () => 1)),
      DEFAULT_POLICY,
      deploy + 15 * HOUR,
      false,
    );
    expect(steady.status).not.toBe('FAIL');
  });
});
