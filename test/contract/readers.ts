// The statements other readers of postflight's tables run, on both engines after the replay, with
// the same inputs: the promotion gate and `postflight wait`, the SQL alert, the audit log's reader
// and verifier, `postflight record`, `precheck` and `report`, `postflight explain` and `watch`. Their
// rows must be the same too.

import { readAuditLog } from '../../src/audit/audit-log.js';
import { writtenRows } from '../../src/explain/story-parts.js';
import { RESTORE_COLUMNS } from '../../src/restore/apply.js';
import { column } from '../../src/restore/read-inputs.js';
import { claim, transition } from '../../src/rollback/ledger.js';
import { idRows } from '../../src/warehouse/id-rows.js';
import type { Row, RowBatch, SqlParams, Warehouse } from '../../src/warehouse/port.js';

export interface ReaderComparison {
  rowsCompared: number;
  readonly differences: Array<{ statement: string; params: SqlParams; duckdb: unknown; spark: unknown }>;
}

const DAY = 86_400_000;

export async function compareReaders(
  duck: Warehouse,
  spark: Warehouse,
  nowMs: number,
  judged: readonly Judged[],
  tables: readonly string[],
  rollbackIds: readonly string[],
): Promise<ReaderComparison> {
  const out: ReaderComparison = { rowsCompared: 0, differences: [] };
  const both = async (name: string, params: SqlParams = {}, rows?: RowBatch) => {
    const [a, b] = [await duck.query(name, params, rows), await spark.query(name, params, rows)];
    out.rowsCompared += Math.max(a.length, b.length);
    const [x, y] = [canonical(a), canonical(b)];
    if (x !== y) out.differences.push({ statement: name, params, duckdb: a.slice(0, 3), spark: b.slice(0, 3) });
  };

  // Every deployment the replay judged, as the gate and `postflight wait` read them.
  for (const d of judged) {
    await both('gate/verdict', { bundle: '', version: '', target: '', deployment_id: d.id });
    await both('gate/verdict', { bundle: d.bundle, version: d.version, target: d.target, deployment_id: '' });
    await both('gate/quarantined', { bundle: d.bundle, version: d.version });
    await both('gate/budget_frozen', { bundle: d.bundle, target: d.target, since_ms: nowMs - DAY });
    await both('record/previous', { bundle: d.bundle, target: d.target, deployment_id: d.id }, idRows(d.resourceIds));
    await both('record/stage_times', { deployment_id: d.id });
    // A deployment's story, as `postflight explain` reads it by id and by bundle and version.
    await both('explain/deployment', { pick: 'id', deployment_id: d.id, bundle: '', version: '' });
    await both('explain/deployment', {
      pick: 'version',
      deployment_id: '',
      bundle: d.bundle,
      version: d.version.slice(0, 8),
    });
    await both('explain/checks', { deployment_id: d.id });
    await both('explain/rollbacks', { deployment_id: d.id });
    await both('explain/stages', { deployment_id: d.id });
    // `postflight restore plan`: when the version stopped running, and what its jobs wrote.
    await both('restore/window', { deployment_id: d.id });
    await both('restore/written', { since_ms: nowMs - 7 * DAY, until_ms: nowMs + 1 }, column('id', d.resourceIds));
  }
  await both('restore/commits', { since_ms: nowMs - 2 * DAY }, column('name', tables));
  await both('restore/lineage', { since_ms: nowMs - 7 * DAY }, column('name', tables));
  // `restore apply`'s record of a table restored, written twice on each engine: one row.
  const restored = {
    columns: RESTORE_COLUMNS,
    rows: [['rp-contract', judged[0]?.id ?? 'dep', tables[0] ?? 't', 3, 9, nowMs, 'contract']],
  };
  for (const wh of [duck, spark]) for (const _ of [1, 2]) await wh.execute('restore/merge_restore', {}, restored);
  await both('restore/applied', { plan_id: 'rp-contract' });
  for (const pick of ['latest', 'latest_failed'])
    await both('explain/deployment', { pick, deployment_id: '', bundle: '', version: '' });
  await both('explain/downstream', { since_ms: nowMs - 7 * DAY }, writtenRows(tables));
  await both('explain/watch_open', { now_ms: nowMs });
  await both('explain/watch_rollbacks', { since_ms: nowMs - 7 * DAY });
  await both('alerts/rollback_pages', { since_ms: nowMs - 7 * DAY });
  // `postflight report`'s reads: the whole replay, then narrowed to one judged bundle and target.
  const narrow = judged[0] ? [{ bundle: judged[0].bundle, target: judged[0].target }] : [];
  for (const f of [{ bundle: '', target: '' }, ...narrow]) {
    const period = { since_ms: nowMs - 7 * DAY, until_ms: nowMs + 1, ...f };
    for (const name of ['report/deployments', 'report/check_looks', 'report/rollbacks', 'report/budget_summary'])
      await both(name, period);
    await both('report/budget_series', { ...period, top: 8 });
  }
  await both('audit/read_log');
  // The auditor's report of the replayed week, untracked changes included.
  await both('audit/changes_report', { from_ms: nowMs - 7 * DAY, to_ms: nowMs + 1 });
  const log = await readAuditLog(spark);
  if (log.rows.length) await both('audit/range', { from_seq: log.rows[0]!.seq, to_seq: log.rows.at(-1)!.seq });
  await both('precheck/columns', {}, idRows(tables));
  // The executor's hold on a ledger row, tried by a holder that is no tick: a row that is not
  // claimable stays as it is, and a transition by a holder that does not hold it changes nothing.
  for (const id of rollbackIds) {
    const held = [
      await claim(duck, id, 'contract-reader', nowMs, 60_000),
      await claim(spark, id, 'contract-reader', nowMs, 60_000),
    ];
    out.rowsCompared += 1;
    if (JSON.stringify(held[0]) !== JSON.stringify(held[1]))
      out.differences.push({
        statement: 'rollback/claim',
        params: { rollback_id: id },
        duckdb: held[0],
        spark: held[1],
      });
    for (const wh of [duck, spark])
      await transition(wh, id, 'contract-reader', { state: 'FAILED', detail: 'not the holder' }, nowMs);
    await both('rollback/read', { rollback_id: id });
  }
  return out;
}

export interface Judged {
  readonly id: string;
  readonly bundle: string;
  readonly version: string;
  readonly target: string;
  readonly resourceIds: readonly string[];
}

/** Rows as sorted JSON, numbers as numbers: the order of rows with equal sort keys is not fixed. */
export function canonical(rows: readonly Row[]): string {
  return JSON.stringify(rows.map((r) => JSON.stringify(sortedKeys(r))).sort());
}

/** A value with every object's keys in one order: a MAP's entries come in no defined order on either engine. */
function sortedKeys(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== 'object' || v instanceof Date) return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, sortedKeys(o[k])]),
  );
}
