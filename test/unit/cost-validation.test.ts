import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateCostRows } from '../../src/evidence/validate-cost.js';

const T = Date.UTC(2026, 10, 2, 10);
const good = {
  subject_type: 'job',
  subject_id: '42',
  run_id: 'r1',
  from_ms: T,
  billed_to_ms: T + 3_600_000,
  dbus: 3.5,
  dollars: 0.56,
};

describe('billing rows at the edge', () => {
  it('keeps a well-formed row, decimal strings included, and an unpriced one', () => {
    const { costs, errors } = validateCostRows([good, { ...good, run_id: 'r2', dbus: '2.25', dollars: null }]);
    expect(errors).toEqual([]);
    expect(costs.map((c) => [c.runId, c.dbus, c.dollars])).toEqual([
      ['r1', 3.5, 0.56],
      ['r2', 2.25, null],
    ]);
  });

  it('turns a bad row into an error of its subject naming the run, never dropping it silently', () => {
    const { costs, errors } = validateCostRows([
      good,
      { ...good, run_id: 'r9', dbus: -1 },
      { ...good, subject_type: 'pipeline', subject_id: 'p1', run_id: 'u7', billed_to_ms: T - 1 },
    ]);
    expect(costs.map((c) => c.runId)).toEqual(['r1']);
    expect(errors.map((e) => [e.kind, e.subject])).toEqual([
      ['cost', 'job:42'],
      ['cost', 'pipeline:p1'],
    ]);
    expect(errors[0]!.message).toMatch(/^malformed evidence: dbus -1 is outside .* \(system\.billing\.usage run r9\)$/);
    expect(errors[1]!.message).toMatch(/billed_to_ms .* is before from_ms .*run u7/);
  });

  it('accounts for every hostile row: kept or reported', () => {
    const value = fc.oneof(fc.constant(null), fc.string(), fc.double(), fc.integer(), fc.constant(undefined));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            subject_id: fc.constantFrom('1', '2'),
            run_id: value,
            from_ms: fc.oneof(value, fc.constant(T)),
            billed_to_ms: fc.oneof(value, fc.constant(T + 1)),
            dbus: fc.oneof(value, fc.constant(1)),
            dollars: value,
          }),
          { maxLength: 20 },
        ),
        (rows) => {
          const { costs, errors } = validateCostRows(rows);
          const bad = rows.length - costs.length;
          const subjects = new Set(errors.map((e) => e.subject));
          expect(errors.length).toBe(subjects.size);
          expect(bad === 0).toBe(errors.length === 0);
          for (const c of costs) expect(c.dbus > 0 && c.billedToMs >= c.usageFromMs).toBe(true);
        },
      ),
    );
  });
});
