import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { checkRowCount, scoreWrites } from '../../src/checks/row-count.js';
import { weekdayOf } from '../../src/checks/slots.js';
import { weekdayLevels } from '../../src/checks/weekday-levels.js';
import type { TableWrite } from '../../src/types.js';
import { DAY, HOUR, normals, T0 } from './builders.js';

const TABLE = 'prod.sales.orders';
// T0 is a Tuesday; the deploy lands mid-morning.
const deploy = T0 + 9 * HOUR + 30 * 60_000;

/** Hourly writes for 28 days, 4% noise per run, with the given factor on Mondays. */
function history(monday: number, everyHours = 1, seed = 11): TableWrite[] {
  const z = normals(seed);
  const out: TableWrite[] = [];
  for (let d = 28; d >= 1; d--) {
    const day = T0 - d * DAY;
    const dow = weekdayOf(day);
    const level = dow === 0 || dow === 6 ? 0.6 : dow === 1 ? monday : 1;
    for (let h = 0; h < 24; h += everyHours) {
      out.push({
        table: TABLE,
        subjectId: '1',
        runId: `b${d}-${h}`,
        timestampMs: day + h * HOUR,
        rows: Math.round(10_000 * level * Math.exp(0.04 * z())),
        plane: 'fast',
      });
    }
  }
  return out;
}

const points = (ws: readonly TableWrite[]) => ws.map((w) => ({ timestampMs: w.timestampMs, y: Math.log1p(w.rows!) }));

describe('weekday levels of a sub-daily series', () => {
  it('learns a busy Monday and the lower level it leaves the other weekdays', () => {
    const levels = weekdayLevels(points(history(1.1)), HOUR);
    expect(levels.any).toBe(true);
    // Monday sits about 8% above the Monday-to-Friday slot means, the other weekdays about 2% below.
    expect(levels.offsets[1]!).toBeGreaterThan(0.06);
    expect(levels.offsets[1]!).toBeLessThan(0.09);
    for (const d of [2, 3, 4, 5]) expect(levels.offsets[d]!).toBeCloseTo(-Math.log(1.1) / 5, 1);
  });

  it('finds none in a series whose weekdays are alike', () => {
    expect(weekdayLevels(points(history(1)), HOUR).any).toBe(false);
  });

  it('learns none for a daily series, whose weekdays have a handful of runs each', () => {
    expect(weekdayLevels(points(history(1.1, 24)), DAY).any).toBe(false);
  });

  it('judges a Tuesday against a Tuesday level, not against a week lifted by Mondays', () => {
    const base = history(1.1);
    const [s] = scoreWrites(
      base,
      [{ table: TABLE, subjectId: '1', runId: 'p', timestampMs: deploy + HOUR / 2, rows: 12_000, plane: 'fast' }],
      DEFAULT_POLICY,
    );
    expect(s!.weekdayAdjusted).toBe(true);
    // 20% more than an ordinary weekday reads as about 20%; pooled with Mondays it read as 18%.
    expect(Math.exp(s!.r)).toBeGreaterThan(1.18);
    expect(Math.exp(s!.r)).toBeLessThan(1.22);
  });

  it('does not hold an ordinary busy Monday against the deploy', () => {
    // A deploy on Sunday evening whose first runs land on a Monday at the usual Monday level.
    const sunday = T0 - 2 * DAY + 20 * HOUR;
    const base = history(1.1).filter((w) => w.timestampMs < sunday);
    const monday = T0 - DAY;
    const post = [8, 9, 10, 11, 12].map((h, i) => ({
      table: TABLE,
      subjectId: '1',
      runId: `p${i}`,
      timestampMs: monday + h * HOUR,
      rows: 11_000,
      plane: 'fast' as const,
    }));
    const r = checkRowCount(TABLE, base, post, DEFAULT_POLICY, monday + 13 * HOUR, false);
    expect(r.status).toBe('PASS');
    expect(r.explanation).toContain('weekday levels taken out');
  });
});
