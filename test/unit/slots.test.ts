import { describe, expect, it } from 'vitest';
import { isWeekend, slotBaseline } from '../../src/checks/slots.js';
import { DAY, HOUR, T0 } from './builders.js';

describe('same-slot baselines', () => {
  it('tells weekends from weekdays like the calendar, before and after 1970', () => {
    for (let t = -5e12; t < 5e12; t += 7_777_777_777) {
      const d = new Date(t).getUTCDay();
      expect(isWeekend(t)).toBe(d === 0 || d === 6);
    }
  });
  it('judges whether weekdays and weekends look alike by the measure it is given', () => {
    // Runs at 02:00 every day for four weeks: weekday runs take 600 s, weekend runs 1800 s.
    const history = Array.from({ length: 28 }, (_, i) => {
      const timestampMs = T0 - (28 - i) * DAY + 2 * HOUR;
      return { timestampMs, seconds: isWeekend(timestampMs) ? 1800 : 600, rows: 100 };
    });
    const saturday = T0 + 4 * DAY + 2 * HOUR;
    // Eight weekend days are too few for minN = 10; mixing in weekdays is only fair when they look alike.
    expect(slotBaseline(history, saturday, DAY, 10).items).toHaveLength(28);
    expect(slotBaseline(history, saturday, DAY, 10, (r) => r.seconds).items).toHaveLength(8);
  });
});
