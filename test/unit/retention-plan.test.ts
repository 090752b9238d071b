import { describe, expect, it } from 'vitest';
import { retentionPolicyOf } from '../../src/cli/retention-command.js';
import {
  conserved,
  copiedIntact,
  cutoffsAt,
  DEFAULT_RETENTION,
  figuresFromRow,
  heldTally,
  nextMoveStep,
  type TableFigures,
} from '../../src/retention/plan.js';

const DAY = 86_400_000;

const figures = (o: Partial<TableFigures>): TableFigures => ({
  hotRows: 0,
  due: { rows: 0, sum: 0n },
  archive: { rows: 0, sum: 0n },
  copies: { rows: 0, sum: 0n },
  conflicts: 0,
  expired: { rows: 0, sum: 0n },
  dueExpired: { rows: 0, sum: 0n },
  anchor: null,
  ...o,
});

describe('retention cutoffs', () => {
  it('counts the windows back from the start of the clock’s UTC day, so every run of a day binds the same', () => {
    const day = Date.UTC(2026, 10, 3);
    for (const now of [day, day + 1, day + 13 * 3_600_000, day + DAY - 1]) {
      expect(cutoffsAt(now, DEFAULT_RETENTION)).toEqual({
        hotBeforeMs: Date.UTC(2026, 7, 5),
        archiveBeforeMs: Date.UTC(2025, 10, 3),
      });
    }
    expect(cutoffsAt(day + DAY, DEFAULT_RETENTION).hotBeforeMs).toBe(Date.UTC(2026, 7, 6));
    expect(cutoffsAt(day, { hotDays: 120, archiveDays: 730 })).toEqual({
      hotBeforeMs: day - 120 * DAY,
      archiveBeforeMs: day - 730 * DAY,
    });
  });

  it('refuses windows that would starve the tick or archive nothing, naming the flag', () => {
    expect(retentionPolicyOf(undefined, undefined)).toEqual({ hotDays: 90, archiveDays: 365 });
    expect(retentionPolicyOf('120', '400')).toEqual({ hotDays: 120, archiveDays: 400 });
    expect(() => retentionPolicyOf('30', undefined)).toThrow(/--hot-days '30' must be a whole number from 90/);
    expect(() => retentionPolicyOf('100', '90')).toThrow(/--archive-days 90 must be more than --hot-days 100/);
    expect(() => retentionPolicyOf(undefined, 'year')).toThrow(/--archive-days 'year'/);
  });
});

describe('retention decisions from the figures', () => {
  const due = { rows: 3, sum: 30n };

  it('copies, then removes the hot rows only once every copy is there and the checksums agree', () => {
    expect(nextMoveStep(figures({}))).toBe('none');
    expect(nextMoveStep(figures({ due }))).toBe('copy');
    expect(nextMoveStep(figures({ due, copies: { rows: 2, sum: 20n } }))).toBe('copy');
    // Same count, a changed copy: the checksum differs.
    expect(copiedIntact(figures({ due, copies: { rows: 3, sum: 31n } }))).toBe(false);
    expect(nextMoveStep(figures({ due, copies: { rows: 3, sum: 30n } }))).toBe('release');
  });

  it('holds the rows past the hot window steady across a move, and less exactly the removed rows after a purge', () => {
    // 3 due, of which 1 was copied by a run that stopped; 5 already archived in all.
    const before = figures({ due, archive: { rows: 5, sum: 50n }, copies: { rows: 1, sum: 10n } });
    expect(heldTally(before)).toEqual({ rows: 7, sum: 70n });
    const moved = figures({ archive: { rows: 7, sum: 70n } });
    expect(conserved(before, moved, { rows: 0, sum: 0n })).toBe(true);
    const purged = figures({ archive: { rows: 4, sum: 41n } });
    expect(conserved(before, purged, { rows: 3, sum: 29n })).toBe(true);
    expect(conserved(before, purged, { rows: 3, sum: 28n })).toBe(false);
    // A row lost between copy and removal.
    expect(conserved(before, figures({ archive: { rows: 6, sum: 60n } }), { rows: 0, sum: 0n })).toBe(false);
  });

  it('reads checksums as exact integers beyond 2^53 and the audit anchor when there is one', () => {
    const f = figuresFromRow({
      hot_rows: 10,
      due_rows: 2,
      due_sum: '-18446744073709551617',
      archive_rows: 1,
      archive_sum: '36893488147419103232',
      archived_rows: 0,
      archived_sum: '0',
      conflict_rows: 0,
      expired_rows: 1,
      expired_sum: '5',
      anchor_seq: 7,
      anchor_hash: 'ab',
    });
    expect(f.due.sum).toBe(-18446744073709551617n);
    expect(f.archive.sum).toBe(36893488147419103232n);
    expect(f.anchor).toEqual({ seq: 7, hash: 'ab' });
    expect(figuresFromRow({ due_rows: 0, anchor_seq: null, anchor_hash: null }).anchor).toBeNull();
  });
});
