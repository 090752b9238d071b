// Reading an export folder: which file is which table (a file, or a folder of part files as Spark
// writes them), and each NDJSON file checked line by line and rewritten in the form the embedded
// warehouse reads. A problem names the file, the line and the column, and says how to fix it.

import { createReadStream, createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseDeployment } from '../deployments/deployment-row.js';
import type { Row } from '../warehouse/port.js';
import { closestName, type ExportFormat, type ExportTable, tableOfFile } from './export-catalog.js';
import { normalizeRow, parseTimestamp, typesOf, ValueProblem } from './row-values.js';

/** Bad input in an export: the message names the file, where in it, and the fix. */
export class ExportInputError extends Error {}

export interface ExportFile {
  readonly table: ExportTable;
  readonly format: ExportFormat;
  /** As the user named it, relative to the export folder. */
  readonly display: string;
  /** The file, or the part files of a folder. */
  readonly paths: readonly string[];
}

/** Files Spark writes beside the parts of an output folder. */
const SPARK_MARKERS = /^(_SUCCESS|_committed_.*|_started_.*|\..*\.crc|\.DS_Store)$/;

export function scanExport(dir: string, catalog: readonly ExportTable[]): ExportFile[] {
  if (!existsSync(dir))
    throw new ExportInputError(`--from ${dir}: no such folder; pass the folder the export was written to`);
  if (!statSync(dir).isDirectory())
    throw new ExportInputError(`--from ${dir} is a file; pass the folder that holds the export's files`);
  const out: ExportFile[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    const named = tableOfFile(catalog, entry);
    if (!named) {
      const near = closestName(catalog, entry);
      throw new ExportInputError(
        `${path}: '${entry}' is not a file postflight knows${near ? `; did you mean ${near}.ndjson?` : ''} ` +
          `Name each file after its table, with .ndjson, .jsonl, .json or .parquet: ${catalog.map((t) => t.name).join(', ')} ` +
          '(docs/embedded-layout.md)',
      );
    }
    const twice = out.find((f) => f.table.name === named.table.name);
    if (twice)
      throw new ExportInputError(
        `${path}: ${named.table.name} is given twice (also ${twice.display}); keep one of them`,
      );
    out.push({ ...named, display: entry, paths: partsOf(path, named.format) });
  }
  if (!out.some((f) => f.table.name === 'ops.deployments')) {
    throw new ExportInputError(
      `${dir} has no ops.deployments.ndjson (or .parquet): a backtest judges the deployments it lists; export them as docs/embedded-layout.md says`,
    );
  }
  return out;
}

function partsOf(path: string, format: ExportFormat): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const ext = format === 'parquet' ? /\.parquet$/i : /\.(json|ndjson|jsonl)$/i;
  const parts: string[] = [];
  for (const f of readdirSync(path).sort()) {
    if (SPARK_MARKERS.test(f) || f.startsWith('.')) continue;
    if (!ext.test(f))
      throw new ExportInputError(
        `${join(path, f)}: a folder named ${basename(path)} holds only ${format === 'parquet' ? '.parquet' : '.json'} part files (as Spark writes them); move this file out`,
      );
    parts.push(join(path, f));
  }
  if (parts.length === 0) throw new ExportInputError(`${path}: the folder holds no part files; export the table again`);
  return parts;
}

export interface NormalizedFile {
  readonly rows: number;
  readonly workspaceIds: ReadonlySet<string>;
}

/** Checks every line of an NDJSON file and writes the normalized rows to `out`. */
export async function normalizeNdjson(file: ExportFile, out: string): Promise<NormalizedFile> {
  const types = typesOf(file.table);
  const sink = createWriteStream(out);
  const workspaceIds = new Set<string>();
  let rows = 0;
  // Deployment ids already read, with where: a deployment listed twice is named with both lines.
  const seen = new Map<string, string>();
  try {
    for (const path of file.paths) {
      let line = 0;
      const where = () => `${path} line ${line}`;
      for await (const text of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
        line++;
        if (text.trim() === '') continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          throw new ExportInputError(
            `${where()}: not valid JSON (${(e as Error).message}); each line holds one JSON object (NDJSON), as Spark's DataFrame.write.json writes`,
          );
        }
        let row: Record<string, unknown>;
        try {
          row = normalizeRow(file.table, types, parsed);
          if (file.table.name === 'ops.deployments') checkDeployment(row, seen, where());
        } catch (e) {
          if (e instanceof ValueProblem)
            throw new ExportInputError(
              `${where()}${e.column ? `, column ${e.column}` : ''}: ${e.column ? `${e.column} ` : ''}${e.message}; ${e.fix}`,
            );
          throw e;
        }
        const ws = file.table.workspaceColumn ? row[file.table.workspaceColumn] : undefined;
        if (typeof ws === 'string') workspaceIds.add(ws);
        rows++;
        if (!sink.write(`${JSON.stringify(row)}\n`)) await new Promise<void>((r) => sink.once('drain', () => r()));
      }
    }
  } finally {
    await new Promise<void>((resolve, reject) => sink.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  return { rows, workspaceIds };
}

/** A deployment row as the verifier will read it: its resources and expected changes must parse, its id be unique. */
function checkDeployment(row: Record<string, unknown>, seen: Map<string, string>, where: string): void {
  const id = String(row.deployment_id);
  const before = seen.get(id);
  if (before !== undefined)
    throw new ValueProblem('deployment_id', `'${id}' is listed twice (also ${before})`, 'keep one row per deployment');
  seen.set(id, where);
  const ms = (v: unknown) => (typeof v === 'string' ? parseTimestamp(v) : null);
  try {
    parseDeployment({ ...row, finished_ms: ms(row.finished_at), started_ms: ms(row.started_at) } as Row);
  } catch (e) {
    const column = /deployments\.(\w+)/.exec((e as Error).message)?.[1] ?? 'resources';
    throw new ValueProblem(
      column,
      (e as Error).message.replace(/^deployments\.\S+ of \S+ /, ''),
      column === 'resources'
        ? 'write a JSON array such as [{"type": "job", "id": "123", "key": "orders"}]'
        : 'see docs/embedded-layout.md',
    );
  }
}
