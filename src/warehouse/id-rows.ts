// Row batches that hand a statement a list of names or ids: a statement over many rows returns
// each row's position, which costs less to read back than the name.

import type { RowBatch } from './port.js';

/** Names with their position: statements over many rows return the position, which costs less to read. */
export function indexedRows(names: readonly string[], column: 'id' | 'name'): RowBatch {
  return {
    columns: [
      { name: 'idx', type: 'BIGINT' },
      { name: column, type: 'STRING' },
    ],
    rows: names.map((n, i) => [i, n]),
  };
}

export function idRows(ids: Iterable<string>): RowBatch {
  return { columns: [{ name: 'id', type: 'STRING' }], rows: [...new Set(ids)].map((id) => [id]) };
}
