// What is checked of a file before DuckDB opens it. DuckDB opens some other formats on its own
// (a Parquet file as a view, a SQLite file through an extension it would fetch), and an embedded
// warehouse handed one must stop with a clear error, never read, change or download anything.

import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { ConfigError, CouldNotVerifyError } from '../../errors.js';

/** Where the magic of a DuckDB file is: after the 8-byte checksum of its first block. */
const DUCKDB_MAGIC = { offset: 8, text: 'DUCK' };

const OTHER_FORMATS: ReadonlyArray<{ readonly magic: string; readonly name: string }> = [
  { magic: 'SQLite format 3\0', name: 'a SQLite database' },
  { magic: 'PAR1', name: 'a Parquet file' },
  { magic: 'PK\x03\x04', name: 'a zip archive' },
  { magic: '\x1f\x8b', name: 'a gzip file' },
];

function head(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** Throws unless `path` is absent, empty, or a DuckDB database; the message names the path and the fix. */
export function checkDatabaseFile(path: string): void {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory())
      throw new ConfigError(`${path} is a directory; --warehouse duckdb:PATH takes a database file inside it`);
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (size === 0) return;
  const bytes = head(path, 16);
  const text = bytes.toString('latin1');
  if (text.slice(DUCKDB_MAGIC.offset, DUCKDB_MAGIC.offset + 4) !== DUCKDB_MAGIC.text) {
    const other = OTHER_FORMATS.find((f) => text.startsWith(f.magic));
    throw new ConfigError(
      `${path} is ${other ? other.name : 'not a DuckDB database'}; --warehouse duckdb:PATH takes the file 'postflight simulate' made (default .postflight/workspace.duckdb)`,
    );
  }
}

/** Throws unless this process may write the existing file at `path`. */
export function checkWritable(path: string): void {
  // The mode too: a superuser may write a file whose mode forbids it, and should not.
  let writable = (statSync(path).mode & 0o222) !== 0;
  try {
    accessSync(path, constants.W_OK);
  } catch {
    writable = false;
  }
  if (!writable)
    throw new CouldNotVerifyError(
      `${path} is read-only; a tick writes its verdicts there: make it writable (chmod u+w) or work on a copy`,
    );
}
