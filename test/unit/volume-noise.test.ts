import { describe, expect, it } from 'vitest';
import { checkRowCount } from '../../src/checks/row-count.js';
import { pooledNoise } from '../../src/checks/history-noise.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
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
      out.push({ table: TABLE, subjectId: '1', runId: `b${d}-${h}`, timestampMs: day + h * HOUR, rows: Math.round(10_000 * Math.exp(level + noise)), plane: 'fast' });
    }
  }
  return out;
}

/** The series' pooled noise on the log scale of rows written, as the row-count check measures it. */
const historyNoise = (writes: readonly TableWrite[], cadence: number) => pooledNoise(writes.map((w) => ({ timestampMs: w.timestampMs, y: Math.log1p(w.rows!) })), cadence);

const post = (factors: number[]): TableWrite[] =>
  factors.map((f, i) => ({ table: TABLE, subjectId: '1', runId: `p${i}`, timestampMs: deploy + (i + 0.5) * HOUR, rows: Math.round(10_000 * f), plane: 'fast' }));

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
});
