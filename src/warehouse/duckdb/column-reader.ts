// Reads a result chunk's columns straight from DuckDB's vectors, for the scalar types the
// verifier reads most. The client library's per-item accessors test every item's validity with
// BigInt arithmetic and box every BIGINT and TIMESTAMP in a BigInt (a TIMESTAMP in an object as
// well); on the tick's baseline reads, thousands of rows, that cost as much as running the query.
// The layout read here is DuckDB's C API vector layout (duckdb.h): fixed-width values in native
// byte order, a validity bitmask of 64-bit words, and 16-byte strings inlined up to 12 bytes.

import type { default as BindingsModule, DataChunk } from '@duckdb/node-bindings';

type Bindings = typeof BindingsModule;

/** Values of one column of a chunk, or null when the type is not one read here. */
export type ColumnValues = unknown[] | null;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_32 = 4_294_967_296;
const decoder = new TextDecoder();

type Read = (dv: DataView, i: number, data: Uint8Array) => unknown;

const int64 = (dv: DataView, at: number) => dv.getInt32(at + 4, true) * TWO_32 + dv.getUint32(at, true);

export type ReadColumn = (chunk: DataChunk, column: number, typeId: number, rows: number) => ColumnValues;

/**
 * The column reader over the loaded bindings. They are handed in, not imported: the driver loads
 * the library itself, once its allocator is configured (see duckdb-driver.ts).
 */
export function columnReader(duckdb: Bindings): ReadColumn {
  const readString = (dv: DataView, i: number, data: Uint8Array): string => {
    const at = i * 16;
    const length = dv.getUint32(at, true);
    if (length <= 12) return decoder.decode(data.subarray(at + 4, at + 4 + length));
    return decoder.decode(duckdb.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + at + 8, length));
  };
  /** Type ids of the C API (duckdb_type) with how one value is read, and its width in bytes. */
  const readers: ReadonlyMap<number, readonly [Read, number]> = new Map<number, readonly [Read, number]>([
    [duckdb.Type.BOOLEAN, [(dv, i) => dv.getUint8(i) !== 0, 1]],
    [duckdb.Type.TINYINT, [(dv, i) => dv.getInt8(i), 1]],
    [duckdb.Type.SMALLINT, [(dv, i) => dv.getInt16(i * 2, true), 2]],
    [duckdb.Type.INTEGER, [(dv, i) => dv.getInt32(i * 4, true), 4]],
    [duckdb.Type.BIGINT, [(dv, i) => int64(dv, i * 8), 8]],
    [duckdb.Type.FLOAT, [(dv, i) => dv.getFloat32(i * 4, true), 4]],
    [duckdb.Type.DOUBLE, [(dv, i) => dv.getFloat64(i * 8, true), 8]],
    // Microseconds since the epoch, to the millisecond the instant falls in.
    [duckdb.Type.TIMESTAMP, [(dv, i) => Math.floor(int64(dv, i * 8) / 1000), 8]],
    [duckdb.Type.TIMESTAMP_TZ, [(dv, i) => Math.floor(int64(dv, i * 8) / 1000), 8]],
    [duckdb.Type.VARCHAR, [readString, 16]],
  ]);

  /** The values of column `column` of a chunk of `rows` rows, NULL as null. */
  return (chunk, column, typeId, rows) => {
    const reader = LITTLE_ENDIAN ? readers.get(typeId) : undefined;
    if (!reader) return null;
    if (rows === 0) return [];
    const [read, width] = reader;
    const vector = duckdb.data_chunk_get_vector(chunk, column);
    const data = duckdb.vector_get_data(vector, rows * width);
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const mask = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
    const out = new Array<unknown>(rows);
    for (let r = 0; r < rows; r++) {
      // Bit r of the mask's 64-bit words, in native (little-endian) order, is bit r % 8 of byte r / 8.
      out[r] = mask && (mask[r >> 3]! & (1 << (r & 7))) === 0 ? null : read(dv, r, data);
    }
    return out;
  };
}
