// Retention planning: the cutoffs a run binds, what each table's figures say to do next, and
// whether the figures after the run prove that nothing was lost. Pure: figures in, decisions out.

import type { ChainTail } from '../audit/hash-chain.js';

const DAY = 86_400_000;

export interface RetentionPolicy {
  /** Days a row stays in the hot table. */
  readonly hotDays: number;
  /** Days (of the row's own age) after which an archived row is removed. */
  readonly archiveDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { hotDays: 90, archiveDays: 365 };

/**
 * The hot window never goes below the longest span the tick reads back: error budgets cover up
 * to 90 days (slos.periodDays at most), baselines and rollback targets less by default.
 */
export const MIN_HOT_DAYS = 90;
export const MAX_ARCHIVE_DAYS = 3650;

export interface Cutoffs {
  /** Rows older than this (strictly) leave the hot table. */
  readonly hotBeforeMs: number;
  /** Archived rows older than this (strictly) are removed. */
  readonly archiveBeforeMs: number;
}

/**
 * Cutoffs at the start of the clock's UTC day, so every run of one day binds the same ones and a
 * second run that day finds nothing left to do.
 */
export function cutoffsAt(nowMs: number, policy: RetentionPolicy): Cutoffs {
  const day = Math.floor(nowMs / DAY) * DAY;
  return { hotBeforeMs: day - policy.hotDays * DAY, archiveBeforeMs: day - policy.archiveDays * DAY };
}

/** A count of rows and the sum of their row hashes (exact: the sums exceed 2^53). */
export interface Tally {
  readonly rows: number;
  readonly sum: bigint;
}

export const NO_ROWS: Tally = { rows: 0, sum: 0n };

/** One table's figures, as sql/retention/<table>/measure.sql reads them. */
export interface TableFigures {
  readonly hotRows: number;
  /** Hot rows past the hot window and not kept hot: due to move. */
  readonly due: Tally;
  /** The whole archive. */
  readonly archive: Tally;
  /** Archive rows with the key of a due row, whatever their content. */
  readonly copies: Tally;
  /** Due rows whose archived copy differs. */
  readonly conflicts: number;
  /** Archive rows past the archive window. */
  readonly expired: Tally;
  /** Due rows already past the archive window: a run archives and removes them at once. */
  readonly dueExpired: Tally;
  /** The audit log only: the newest row past the archive window, the anchor once they are removed. */
  readonly anchor: ChainTail | null;
}

export const sameTally = (a: Tally, b: Tally) => a.rows === b.rows && a.sum === b.sum;

/** Every due row has an archived copy, and the copies add up to the same checksum. */
export function copiedIntact(f: TableFigures): boolean {
  return sameTally(f.copies, f.due);
}

export type NextStep = 'copy' | 'release' | 'none';

/** What moving a table needs next: a copy, the removal of hot rows copied intact, or nothing. */
export function nextMoveStep(f: TableFigures): NextStep {
  if (f.due.rows === 0) return 'none';
  return copiedIntact(f) ? 'release' : 'copy';
}

/**
 * The rows of the hot table past the window and the archive taken together, a hot row counted
 * once even when it has an archived copy: moving rows leaves this unchanged, and removing rows
 * from the archive takes exactly them off.
 */
export function heldTally(f: TableFigures): Tally {
  return { rows: f.due.rows + f.archive.rows - f.copies.rows, sum: f.due.sum + f.archive.sum - f.copies.sum };
}

/** Nothing was lost or changed: what is held after is what was held before, less what was removed. */
export function conserved(before: TableFigures, after: TableFigures, removed: Tally): boolean {
  const b = heldTally(before);
  return sameTally(heldTally(after), { rows: b.rows - removed.rows, sum: b.sum - removed.sum });
}

/** Reads one row of measure.sql; sums come as decimal text. */
export function figuresFromRow(r: Readonly<Record<string, unknown>>): TableFigures {
  const n = (k: string) => Number(r[k] ?? 0);
  const sum = (k: string) => BigInt(String(r[k] ?? '0'));
  const anchorSeq = r.anchor_seq;
  return {
    hotRows: n('hot_rows'),
    due: { rows: n('due_rows'), sum: sum('due_sum') },
    archive: { rows: n('archive_rows'), sum: sum('archive_sum') },
    copies: { rows: n('archived_rows'), sum: sum('archived_sum') },
    conflicts: n('conflict_rows'),
    expired: { rows: n('expired_rows'), sum: sum('expired_sum') },
    dueExpired: { rows: n('due_expired_rows'), sum: sum('due_expired_sum') },
    anchor:
      anchorSeq === undefined || anchorSeq === null || r.anchor_hash === null || r.anchor_hash === undefined
        ? null
        : { seq: Number(anchorSeq), hash: String(r.anchor_hash) },
  };
}
