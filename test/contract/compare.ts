// What the two engines decided, row by row: postflight's own tables read back from DuckDB and from
// Spark, each value in one plain form (timestamps as epoch ms, numbers as numbers), matched on the
// table's key. Every column is compared.

import { parseCreateTable, type TableDef } from '../../src/warehouse/ddl-parse.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { loadSql, splitStatements } from '../../src/warehouse/sql-files.js';
import type { SparkWorker } from './endpoint/spark-worker.js';
import { sparkTable } from './world/table-mirror.js';

/** The tables the verifier decides into, with the key each row is matched on. */
export const COMPARED: Readonly<Record<string, readonly string[]>> = {
  verdicts: ['deployment_id'],
  check_results: ['deployment_id', 'check_name', 'subject', 'look'],
  error_budgets: ['subject', 'slo', 'window_end'],
  rollbacks: ['rollback_id'],
  quarantined_versions: ['bundle', 'target', 'version'],
  audit_log: ['seq'],
  audit_head: ['name'],
  deployments: ['deployment_id'],
};

export interface Difference {
  readonly table: string;
  readonly key: string;
  readonly duckdb: Record<string, unknown> | null;
  readonly spark: Record<string, unknown> | null;
  readonly columns: readonly string[];
}

export interface Comparison {
  readonly rowsCompared: number;
  readonly byTable: Record<string, number>;
  readonly differences: Difference[];
}

/** Every table of ddl/ops by its own name, as sql/ddl defines it. */
function opsTables(): Map<string, TableDef> {
  return new Map(
    splitStatements(loadSql('ddl/ops'))
      .map((s) => parseCreateTable(s))
      .filter((d) => d !== null)
      .map((d) => [d.name.split('.').pop()!, d] as const),
  );
}

/** Every table of ddl/ops with the key sql/ddl gives it. */
export function opsTableKeys(): Record<string, readonly string[]> {
  return Object.fromEntries([...opsTables()].map(([name, d]) => [name, d.primaryKey]));
}

export async function compareOps(
  duck: DuckDbWarehouse,
  spark: SparkWorker,
  sparkOps: string,
  tables: Readonly<Record<string, readonly string[]>> = COMPARED,
): Promise<Comparison> {
  const defs = new Map([...opsTables()].map(([name, d]) => [name, d.columns] as const));
  const differences: Difference[] = [];
  const byTable: Record<string, number> = {};
  let rowsCompared = 0;
  for (const [table, key] of Object.entries(tables)) {
    const cols = defs.get(table);
    if (!cols) throw new Error(`compare: ddl/ops has no table ${table}`);
    const isTs = (c: string) => /^TIMESTAMP/i.test(cols.find((x) => x.name === c)!.type);
    const duckSql = `SELECT ${cols.map((c) => (isTs(c.name) ? `epoch_ms("${c.name}") AS "${c.name}"` : `"${c.name}"`)).join(', ')} FROM postflight.${table}`;
    const sparkSql = `SELECT ${cols.map((c) => (isTs(c.name) ? `unix_millis(\`${c.name}\`) AS \`${c.name}\`` : `\`${c.name}\``)).join(', ')} FROM ${sparkTable(`${sparkOps}.${table}`)}`;
    const names = cols.map((c) => c.name);
    const numeric = new Set(
      cols.filter((c) => /^(BIGINT|INT|DOUBLE|FLOAT|TIMESTAMP)/i.test(c.type)).map((c) => c.name),
    );
    const d = (await duck.session.all(duckSql)).map((r) => plain(r, names, numeric));
    const res = await spark.run(sparkSql, []);
    const s = res.rows.map((r) => plain(Object.fromEntries(res.columns.map((c, i) => [c.name, r[i]])), names, numeric));
    const keyOf = (r: Record<string, unknown>) => JSON.stringify(key.map((k) => r[k]));
    const dm = new Map(d.map((r) => [keyOf(r), r]));
    const sm = new Map(s.map((r) => [keyOf(r), r]));
    const keys = new Set([...dm.keys(), ...sm.keys()]);
    byTable[table] = keys.size;
    rowsCompared += keys.size;
    for (const k of keys) {
      const a = dm.get(k) ?? null;
      const b = sm.get(k) ?? null;
      const columns = a && b ? cols.map((c) => c.name).filter((c) => a[c] !== b[c]) : ['(row)'];
      if (columns.length) differences.push({ table, key: k, duckdb: a, spark: b, columns });
    }
  }
  return { rowsCompared, byTable, differences };
}

/** Numbers as numbers (Spark's BIGINT arrives as text, DuckDB's as bigint), the rest as is. */
function plain(
  row: Record<string, unknown>,
  cols: readonly string[],
  numeric: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of cols) {
    const v = row[c];
    out[c] = v === undefined || v === null ? null : numeric.has(c) ? Number(v) : v;
  }
  return out;
}
