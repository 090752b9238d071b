// Parquet files of an export, checked through the embedded warehouse (DuckDB reads Parquet
// natively): the columns a row needs are there and never null, and every value postflight reads
// can be read as its declared type. A problem names the file, the row and the column.

import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import type { ExportFile, NormalizedFile } from './export-files.js';
import { ExportInputError } from './export-files.js';
import { parquetBadValueRow, parquetNullRow, parquetWorkspaces } from './load-statements.js';

/** The columns each part file holds, for the insert (which casts only what is there). */
export interface CheckedParquet extends NormalizedFile {
  readonly present: ReadonlyMap<string, ReadonlySet<string>>;
  /** Part files whose `job` struct carries `jobRunId` (Delta history as Databricks writes it). */
  readonly jobRunId: ReadonlySet<string>;
}

export async function checkParquet(scratch: DuckDbWarehouse, file: ExportFile): Promise<CheckedParquet> {
  const s = scratch.session;
  const workspaceIds = new Set<string>();
  const present = new Map<string, ReadonlySet<string>>();
  const jobRunId = new Set<string>();
  let rows = 0;
  for (const path of file.paths) {
    let described: Array<Record<string, unknown>>;
    try {
      described = await s.all('DESCRIBE SELECT * FROM read_parquet($path)', { path });
    } catch (e) {
      throw new ExportInputError(`${path}: cannot be read as Parquet (${firstLine(e)}); export the table again`);
    }
    const names = new Set(described.map((d) => String(d.column_name)));
    present.set(path, names);
    if (described.some((d) => d.column_name === 'job' && /\bjobRunId\b/.test(String(d.column_type))))
      jobRunId.add(path);
    for (const req of file.table.required) {
      const col = req.split('.')[0]!;
      if (!names.has(col))
        throw new ExportInputError(
          `${path}, column ${req}: ${req} is missing; every row of ${file.table.name} needs it (docs/embedded-layout.md)`,
        );
      const [hit] = await s.all(parquetNullRow(req), { path }).catch((e: unknown) => {
        throw new ExportInputError(
          `${path}, column ${req}: cannot be read (${firstLine(e)}); see docs/embedded-layout.md`,
        );
      });
      if (hit?.row !== null && hit?.row !== undefined)
        throw new ExportInputError(
          `${path} row ${Number(hit.row)}, column ${req}: ${req} is null; every row of ${file.table.name} needs it`,
        );
    }
    for (const c of file.table.columns) {
      if (!names.has(c.name)) continue;
      const [bad] = await s.all(parquetBadValueRow(c.name, c.type), { path }).catch((e: unknown) => {
        throw new ExportInputError(
          `${path}, column ${c.name}: cannot be read as ${c.type} (${firstLine(e)}); export it with that type, or as NDJSON`,
        );
      });
      if (bad?.row !== null && bad?.row !== undefined)
        throw new ExportInputError(
          `${path} row ${Number(bad.row)}, column ${c.name}: '${String(bad.sample).slice(0, 60)}' cannot be read as ${c.type}; export the column with that type`,
        );
    }
    if (file.table.workspaceColumn && names.has(file.table.workspaceColumn))
      for (const r of await s.all(parquetWorkspaces(file.table.workspaceColumn), { path }))
        workspaceIds.add(String(r.id));
    const [n] = await s.all('SELECT count(*) AS n FROM read_parquet($path)', { path });
    rows += Number(n?.n ?? 0);
  }
  return { rows, workspaceIds, present, jobRunId };
}

function firstLine(e: unknown): string {
  return String((e as Error).message ?? e).split('\n')[0]!;
}
