import { describe, expect, it } from 'vitest';
import { baselineHorizons, inBaseline, lookbackDays, withinHorizon } from '../../src/checks/baseline-window.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { checkRowCount } from '../../src/checks/row-count.js';
import { isWeekend } from '../../src/checks/slots.js';
import type { TableWrite } from '../../src/types.js';
import { DAY, HOUR, hourlyWrites } from './builders.js';

/** Saturday 2026-12-05 10:00 UTC. */
const SATURDAY = Date.UTC(2026, 11, 5, 10);

describe('baseline window', () => {
  it('reaches back as many weeks as hold the runs a rollback needs for each kind of day', () => {
    expect(lookbackDays(DEFAULT_POLICY, false)).toBe(28);
    expect(lookbackDays(DEFAULT_POLICY, true)).toBe(49);
    // A longer baseline than that needs is kept as it is.
    expect(lookbackDays({ baselineDays: 60, minBaselineForRollback: 14 }, true)).toBe(60);
    // A short one still gives each kind of day enough days.
    expect(lookbackDays({ baselineDays: 7, minBaselineForRollback: 14 }, false)).toBe(21);
  });

  it('keeps weekend observations from further back than weekday ones', () => {
    const from = SATURDAY;
    const h = baselineHorizons(from, DEFAULT_POLICY);
    expect(h).toEqual({ sinceMs: from - 49 * DAY, weekdaySinceMs: from - 28 * DAY });
    const oldSaturday = from - 42 * DAY;
    const oldWednesday = from - 38 * DAY;
    expect(isWeekend(oldSaturday) && !isWeekend(oldWednesday)).toBe(true);
    expect(inBaseline(oldSaturday, from, DEFAULT_POLICY)).toBe(true);
    expect(inBaseline(oldWednesday, from, DEFAULT_POLICY)).toBe(false);
    expect(withinHorizon(oldSaturday, h)).toBe(true);
    expect(withinHorizon(oldWednesday, h)).toBe(false);
    expect(inBaseline(from, from, DEFAULT_POLICY)).toBe(false);
  });

  it('lets a weekend deploy that halves the volume be rolled back', () => {
    // Hourly writes for 49 days, busy in the day: weekend volume is 60% of the weekdays'. The
    // series follows the time of day and the kind of day, so its baseline is the same slot.
    const history: TableWrite[] = hourlyWrites(SATURDAY, 49, 10_000).map((w) => {
      const day = 1 + 0.4 * Math.sin((2 * Math.PI * ((w.timestampMs % DAY) / HOUR - 8)) / 24);
      return { ...w, rows: Math.round(w.rows! * day * (isWeekend(w.timestampMs) ? 0.6 : 1)) };
    });
    const baseline = history.filter((w) => inBaseline(w.timestampMs, SATURDAY, DEFAULT_POLICY));
    const post = [1, 2].map((k) => ({
      ...history[history.length - 24]!,
      runId: `p${k}`,
      timestampMs: SATURDAY + k * HOUR - 30 * 60_000,
      rows: Math.round(0.5 * history[history.length - 24 * 7 + k - 1]!.rows!),
    }));
    const result = checkRowCount('prod.sales.orders', baseline, post, DEFAULT_POLICY, SATURDAY + 2 * HOUR, false);
    expect(result.baselineN).toBeGreaterThanOrEqual(DEFAULT_POLICY.minBaselineForRollback);
    expect(result.explanation).toContain('same-slot runs (time-of-day, same day type)');
    expect(result.status).toBe('FAIL');
    // Held to 28 days, its first run has 8 weekend days behind it: a warning, no rollback. (Two
    // runs at two times of day would rest on 16 runs before the deploy: see pooled-baseline.ts.)
    const short = history.filter((w) => w.timestampMs >= SATURDAY - 28 * DAY);
    const before = checkRowCount(
      'prod.sales.orders',
      short,
      post.slice(0, 1),
      DEFAULT_POLICY,
      SATURDAY + 2 * HOUR,
      false,
    );
    expect(before.status).toBe('WARN');
    expect(before.explanation).toContain('no automatic rollback');
  });
});
