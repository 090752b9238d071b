// One retention run through the Warehouse port. Delta has no transaction across tables, so each
// table moves in steps that are each safe to stop after and to repeat: copy the due rows into the
// archive, measure that the copies match (rows and checksum), and only then remove from the hot
// table the rows whose archived copy is identical. The audit chain's oldest rows leave the archive
// only after an entry vouching for the new anchor is chained and the anchor recorded. A run that
// stops anywhere loses nothing, and the next run finishes the work.

import { anchorEntry } from '../audit/anchor.js';
import { appendAudit, readAuditSegment } from '../audit/audit-log.js';
import { type ChainTail, verifyChain } from '../audit/hash-chain.js';
import { verifyingKeys } from '../audit/key-binding.js';
import type { Logger } from '../log.js';
import type { SqlParams, Warehouse } from '../warehouse/port.js';
import {
  type Cutoffs,
  conserved,
  copiedIntact,
  cutoffsAt,
  DEFAULT_RETENTION,
  figuresFromRow,
  heldTally,
  NO_ROWS,
  nextMoveStep,
  type RetentionPolicy,
  type TableFigures,
  type Tally,
} from './plan.js';
import { completedEntry, type RetentionReport, recordBatch, type TableOutcome } from './report.js';
import { ARCHIVED_TABLES, type ArchivedTable, CHAINED_TABLE, statementOf } from './tables.js';

export interface RetentionRun {
  /** The clock the cutoffs are taken from: the tick's (the simulated one on an embedded world). */
  readonly nowMs: number;
  readonly policy?: RetentionPolicy;
  /** Measure and report what would move and be removed; write nothing. */
  readonly dryRun?: boolean;
}

interface Context {
  readonly wh: Warehouse;
  readonly nowMs: number;
  readonly cut: Cutoffs;
  readonly log: Logger | undefined;
}

export async function runRetention(
  wh: Warehouse,
  run: RetentionRun,
  log?: Logger,
  wallClock: () => number = Date.now,
): Promise<RetentionReport> {
  const started = wallClock();
  const policy = run.policy ?? DEFAULT_RETENTION;
  const ctx: Context = { wh, nowMs: run.nowMs, cut: cutoffsAt(run.nowMs, policy), log };
  const tables: TableOutcome[] = [];
  for (const table of ARCHIVED_TABLES) {
    const before = await measure(ctx, table);
    tables.push(run.dryRun ? preview(table, before) : await retainTable(ctx, table, before));
  }
  const report: RetentionReport = {
    runId: `retention-${run.nowMs}`,
    nowMs: run.nowMs,
    policy,
    cutoffs: ctx.cut,
    dryRun: run.dryRun ?? false,
    tables,
    anchor: tables.find((t) => t.anchor)?.anchor ?? null,
    ok: tables.every((t) => t.problems.length === 0),
    durationMs: wallClock() - started,
  };
  if (!report.dryRun) {
    await wh.execute('retention/record', {}, recordBatch(report));
    await appendAudit(wh, [completedEntry(report)], run.nowMs);
  }
  return report;
}

async function measure(ctx: Context, table: ArchivedTable): Promise<TableFigures> {
  const rows = await ctx.wh.query(statementOf(table, 'measure'), {
    hot_before_ms: ctx.cut.hotBeforeMs,
    archive_before_ms: ctx.cut.archiveBeforeMs,
  });
  return figuresFromRow(rows[0] ?? {});
}

/**
 * What a run would do: the due rows would move, and the archived rows past the archive window
 * leave it, with the due rows already past it (archived and removed in the same run).
 */
function preview(table: ArchivedTable, f: TableFigures): TableOutcome {
  return {
    table,
    before: f,
    after: f,
    moved: f.due,
    purged: { rows: f.expired.rows + f.dueExpired.rows, sum: f.expired.sum + f.dueExpired.sum },
    verified: null,
    conserved: true,
    anchor: null,
    problems: [],
  };
}

async function retainTable(ctx: Context, table: ArchivedTable, before: TableFigures): Promise<TableOutcome> {
  const problems: string[] = [];
  let f = before;
  if (nextMoveStep(f) === 'copy') {
    await exec(ctx, statementOf(table, 'copy'), { hot_before_ms: ctx.cut.hotBeforeMs, now_ms: ctx.nowMs });
    f = await measure(ctx, table);
  }
  const verified = f.due.rows > 0 ? copiedIntact(f) : null;
  if (verified) {
    await exec(ctx, statementOf(table, 'release'), { hot_before_ms: ctx.cut.hotBeforeMs });
  } else if (verified === false) {
    problems.push(
      `${table}: the archive holds ${f.copies.rows} copies of ${f.due.rows} due rows, checksum ${f.copies.sum} against ${f.due.sum}` +
        `${f.conflicts ? ` (${f.conflicts} differ from their hot row)` : ''}; the hot rows stay where they are`,
    );
  }
  let purged: Tally = NO_ROWS;
  let anchor: ChainTail | null = null;
  let baseline = before;
  // A table whose copies did not verify keeps its archive as it is until they do.
  if (verified !== false && f.expired.rows > 0) {
    if (table === CHAINED_TABLE) {
      const chain = await purgeChain(ctx, before, f);
      problems.push(...chain.problems);
      purged = chain.purged;
      anchor = chain.anchor;
      baseline = chain.baseline ?? before;
    } else {
      await exec(ctx, statementOf(table, 'purge'), { archive_before_ms: ctx.cut.archiveBeforeMs });
      purged = f.expired;
    }
  }
  const after = f === before && !verified && purged.rows === 0 ? before : await measure(ctx, table);
  // What left the hot table: the verified rows, less any a concurrent change kept there.
  const moved: Tally = verified ? { rows: f.due.rows - after.due.rows, sum: f.due.sum - after.due.sum } : NO_ROWS;
  const held = conserved(baseline, after, purged);
  if (!held) {
    const b = heldTally(before);
    const a = heldTally(after);
    problems.push(
      `${table}: rows past the hot window, hot and archived, were ${b.rows} (checksum ${b.sum}) and are ${a.rows} (checksum ${a.sum}) after removing ${purged.rows}: rows changed while retention ran, or were lost`,
    );
  }
  const done = { table, moved: moved.rows, purged: purged.rows, due_left: after.due.rows, verified, conserved: held };
  if (moved.rows || purged.rows || problems.length) ctx.log?.info(done, 'retention: table done');
  else ctx.log?.debug(done, 'retention: nothing to do');
  return { table, before, after, moved, purged, verified, conserved: held, anchor, problems };
}

/**
 * Removes the audit rows up to the newest one past the archive window. The chain up to the row
 * after it must verify first (the rows removed are evidence until then), an entry vouching for the
 * new anchor is chained, the anchor recorded, and only then are the rows deleted.
 */
async function purgeChain(
  ctx: Context,
  before: TableFigures,
  f: TableFigures,
): Promise<{ purged: Tally; anchor: ChainTail | null; problems: string[]; baseline?: TableFigures }> {
  const anchor = f.anchor;
  if (!anchor) return { purged: NO_ROWS, anchor: null, problems: [] };
  const segment = await readAuditSegment(ctx.wh, 0, anchor.seq + 1);
  const findings = [
    ...segment.conflicts,
    ...verifyChain(segment.rows, null, segment.anchor, await verifyingKeys(ctx.wh)),
  ];
  if (!segment.rows.some((r) => r.seq === anchor.seq + 1))
    findings.push({
      seq: anchor.seq + 1,
      problem: 'missing',
      message: `row ${anchor.seq + 1}, which would follow the anchor, is missing`,
    });
  if (findings.length)
    return {
      purged: NO_ROWS,
      anchor: null,
      problems: findings.map(
        (x) => `audit_log: ${x.message}; no archived audit row is removed while the chain does not verify`,
      ),
    };
  // What is held is counted up to here and again from after the entry vouching for the anchor:
  // that entry becomes the newest row, so the row that was newest, kept hot for the next entry to
  // chain on, is due from then on. Counting across the append would call it a row that appeared.
  const held = await measure(ctx, CHAINED_TABLE);
  const problems = conserved(before, held, NO_ROWS)
    ? []
    : [`audit_log: rows past the hot window changed while retention ran, before the chain was anchored`];
  if (problems.length) return { purged: NO_ROWS, anchor: null, problems };
  await appendAudit(ctx.wh, [anchorEntry(anchor, ctx.cut.archiveBeforeMs, ctx.nowMs)], ctx.nowMs);
  const baseline = await measure(ctx, CHAINED_TABLE);
  await exec(ctx, statementOf(CHAINED_TABLE, 'anchor'), { seq: anchor.seq, hash: anchor.hash, now_ms: ctx.nowMs });
  await exec(ctx, statementOf(CHAINED_TABLE, 'purge'), { anchor_seq: anchor.seq });
  return { purged: f.expired, anchor, problems: [], baseline };
}

/** Delta's optimistic concurrency refuses a write that raced another (the tick writes the same tables). */
const WRITE_CONFLICT =
  /DELTA_CONCURRENT_|Concurrent(?:Append|DeleteRead|DeleteDelete|Transaction)Exception|MetadataChangedException/;
const ATTEMPTS = 3;

/** Every retention write is safe to repeat, so one that lost a race is simply run again. */
async function exec(ctx: Context, name: string, params: SqlParams): Promise<number | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.wh.execute(name, params);
    } catch (e) {
      if (attempt >= ATTEMPTS || !WRITE_CONFLICT.test((e as Error).message)) throw e;
      ctx.log?.warn({ statement: name, attempt, err: (e as Error).message }, 'retention: write conflict, repeating');
    }
  }
}
