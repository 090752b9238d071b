// What a retention run did, in the three forms it is kept: the row of retention_runs, the audit
// entry, and what the command prints (one JSON object or a table). Pure.

import type { AuditEntry, ChainTail } from '../audit/hash-chain.js';
import type { RowBatch } from '../warehouse/port.js';
import type { Cutoffs, RetentionPolicy, TableFigures, Tally } from './plan.js';
import type { ArchivedTable } from './tables.js';

export interface TableOutcome {
  readonly table: ArchivedTable;
  readonly before: TableFigures;
  readonly after: TableFigures;
  /** Rows removed from the hot table once their archived copies matched (a dry run: due to). */
  readonly moved: Tally;
  /** Rows removed from the archive (a dry run: past the archive window). */
  readonly purged: Tally;
  /** Whether the archived copies matched the due rows; null when nothing was due. */
  readonly verified: boolean | null;
  /** Whether the rows held before, less those removed, are the rows held after. */
  readonly conserved: boolean;
  /** The audit log only: the anchor recorded before its oldest rows were removed. */
  readonly anchor: ChainTail | null;
  readonly problems: readonly string[];
}

export interface RetentionReport {
  readonly runId: string;
  readonly nowMs: number;
  readonly policy: RetentionPolicy;
  readonly cutoffs: Cutoffs;
  readonly dryRun: boolean;
  readonly tables: readonly TableOutcome[];
  readonly anchor: ChainTail | null;
  readonly ok: boolean;
  readonly durationMs: number;
}

const total = (r: RetentionReport, pick: (t: TableOutcome) => Tally) => r.tables.reduce((n, t) => n + pick(t).rows, 0);

const tally = (t: Tally) => ({ rows: t.rows, checksum: t.sum.toString() });

/** Per table, the figures that prove the move: counts and checksums before and after. */
function tableJson(t: TableOutcome) {
  const side = (f: TableFigures) => ({ hot_rows: f.hotRows, due: tally(f.due), archive: tally(f.archive) });
  return {
    table: t.table,
    before: side(t.before),
    after: side(t.after),
    moved: tally(t.moved),
    purged: tally(t.purged),
    verified: t.verified,
    conserved: t.conserved,
    ...(t.problems.length ? { problems: t.problems } : {}),
  };
}

export function reportJson(r: RetentionReport) {
  return {
    run_id: r.runId,
    at: new Date(r.nowMs).toISOString(),
    dry_run: r.dryRun,
    hot_days: r.policy.hotDays,
    archive_days: r.policy.archiveDays,
    hot_before: new Date(r.cutoffs.hotBeforeMs).toISOString(),
    archive_before: new Date(r.cutoffs.archiveBeforeMs).toISOString(),
    moved_rows: total(r, (t) => t.moved),
    purged_rows: total(r, (t) => t.purged),
    anchor: r.anchor,
    ok: r.ok,
    ms: r.durationMs,
    tables: r.tables.map(tableJson),
  };
}

export const RECORD_COLUMNS: RowBatch['columns'] = [
  { name: 'run_id', type: 'STRING' },
  { name: 'started_at', type: 'TIMESTAMP' },
  { name: 'hot_before', type: 'TIMESTAMP' },
  { name: 'archive_before', type: 'TIMESTAMP' },
  { name: 'moved_rows', type: 'BIGINT' },
  { name: 'purged_rows', type: 'BIGINT' },
  { name: 'anchor_seq', type: 'BIGINT' },
  { name: 'anchor_hash', type: 'STRING' },
  { name: 'ok', type: 'BOOLEAN' },
  { name: 'tables', type: 'STRING' },
  { name: 'duration_ms', type: 'DOUBLE' },
];

/** The run's row of retention_runs. */
export function recordBatch(r: RetentionReport): RowBatch {
  return {
    columns: RECORD_COLUMNS,
    rows: [
      [
        r.runId,
        r.nowMs,
        r.cutoffs.hotBeforeMs,
        r.cutoffs.archiveBeforeMs,
        total(r, (t) => t.moved),
        total(r, (t) => t.purged),
        r.anchor?.seq ?? null,
        r.anchor?.hash ?? null,
        r.ok,
        JSON.stringify(r.tables.map(tableJson)),
        r.durationMs,
      ],
    ],
  };
}

/** The audit entry of a run: what moved and what was removed, with the checksums. */
export function completedEntry(r: RetentionReport): AuditEntry {
  return {
    atMs: r.nowMs,
    actor: 'postflight-retention',
    action: 'retention.completed',
    subject: 'retention',
    eventKey: `retention:${r.runId}`,
    payload: {
      run_id: r.runId,
      hot_before_ms: r.cutoffs.hotBeforeMs,
      archive_before_ms: r.cutoffs.archiveBeforeMs,
      ok: r.ok,
      anchor: r.anchor ? { seq: r.anchor.seq, hash: r.anchor.hash } : null,
      tables: Object.fromEntries(
        r.tables
          .filter((t) => t.moved.rows || t.purged.rows || t.problems.length)
          .map((t) => [t.table, { moved: tally(t.moved), purged: tally(t.purged), verified: t.verified }]),
      ),
    },
  };
}

/** The run as a table a person reads. */
export function reportText(r: RetentionReport): string {
  const j = reportJson(r);
  const verb = r.dryRun ? 'would move' : 'moved';
  const lines = [
    `retention ${j.at}${r.dryRun ? ' (dry run: nothing changed)' : ''}: rows before ${j.hot_before} leave the hot tables, archived rows before ${j.archive_before} are removed`,
    `${'table'.padEnd(20)} ${'hot'.padStart(9)} ${'archive'.padStart(9)} ${verb.padStart(10)} ${'removed'.padStart(9)}  checksum moved`,
  ];
  for (const t of r.tables) {
    lines.push(
      `${t.table.padEnd(20)} ${String(t.after.hotRows).padStart(9)} ${String(t.after.archive.rows).padStart(9)} ${String(t.moved.rows).padStart(10)} ${String(t.purged.rows).padStart(9)}  ${t.moved.rows ? t.moved.sum.toString() : '-'}`,
    );
  }
  lines.push(
    `${j.moved_rows} rows ${verb}, ${j.purged_rows} ${r.dryRun ? 'would be ' : ''}removed${r.anchor ? `; audit chain anchored at seq ${r.anchor.seq}` : ''}; ${r.ok ? (r.dryRun ? 'done' : 'every move verified') : 'PROBLEMS:'} in ${r.durationMs} ms`,
  );
  for (const t of r.tables) for (const p of t.problems) lines.push(`  ${p}`);
  return `${lines.join('\n')}\n`;
}
