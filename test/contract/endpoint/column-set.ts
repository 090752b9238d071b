// Results as a Databricks SQL warehouse sends them in a Thrift column set (COLUMN_BASED_SET): a
// TTableSchema with one primitive type entry per column (complex types included, as the Spark
// Thrift server types them), and one typed TColumn per result column with a null bitmap.

import { createRequire } from 'node:module';
import type { EngineColumn, EngineResult } from './engine.js';

const require = createRequire(import.meta.url);
// The driver's own generated Thrift types: the same definitions it decodes with.
// biome-ignore lint/suspicious/noExplicitAny: generated constructors and enums, looked up by name
export const ttypes = require('@databricks/sql/thrift/TCLIService_types.js') as Record<string, any>;
const Int64 = require('node-int64') as new (b: Buffer) => unknown;

type Cell = string | number | boolean | null;

export function tableSchema(columns: readonly EngineColumn[]): unknown {
  return new ttypes.TTableSchema({
    columns: columns.map(
      (c, i) =>
        new ttypes.TColumnDesc({
          columnName: c.name,
          position: i + 1,
          typeDesc: new ttypes.TTypeDesc({
            types: [
              new ttypes.TTypeEntry({
                primitiveEntry: new ttypes.TPrimitiveTypeEntry({ type: typeId(c.type) }),
              }),
            ],
          }),
        }),
    ),
  });
}

function typeId(type: string): number {
  const id = ttypes.TTypeId[`${type}_TYPE`];
  if (typeof id !== 'number') throw new Error(`column set: no Thrift type for ${type}`);
  return id;
}

/** Rows [from, to) of a result as one TRowSet. */
export function rowSet(result: EngineResult, from: number, to: number): unknown {
  const rows = result.rows.slice(from, to);
  return new ttypes.TRowSet({
    startRowOffset: new Int64(int64Bytes(BigInt(from))),
    rows: [],
    columns: result.columns.map((c, i) =>
      column(
        c.type,
        rows.map((r) => r[i] ?? null),
      ),
    ),
  });
}

function column(type: string, values: readonly Cell[]): unknown {
  const nulls = nullBitmap(values);
  const of = <T>(f: (v: Cell) => T, empty: T) => values.map((v) => (v === null ? empty : f(v)));
  switch (type) {
    case 'BOOLEAN':
      return new ttypes.TColumn({ boolVal: new ttypes.TBoolColumn({ values: of(Boolean, false), nulls }) });
    case 'TINYINT':
      return new ttypes.TColumn({ byteVal: new ttypes.TByteColumn({ values: of(Number, 0), nulls }) });
    case 'SMALLINT':
      return new ttypes.TColumn({ i16Val: new ttypes.TI16Column({ values: of(Number, 0), nulls }) });
    case 'INT':
      return new ttypes.TColumn({ i32Val: new ttypes.TI32Column({ values: of(Number, 0), nulls }) });
    case 'BIGINT':
      return new ttypes.TColumn({
        i64Val: new ttypes.TI64Column({
          values: of((v) => new Int64(int64Bytes(BigInt(v as string | number))), new Int64(int64Bytes(0n))),
          nulls,
        }),
      });
    case 'FLOAT':
    case 'DOUBLE':
      return new ttypes.TColumn({ doubleVal: new ttypes.TDoubleColumn({ values: of(Number, 0), nulls }) });
    case 'BINARY':
      return new ttypes.TColumn({
        binaryVal: new ttypes.TBinaryColumn({
          values: of((v) => Buffer.from(String(v), 'base64'), Buffer.alloc(0)),
          nulls,
        }),
      });
    default:
      return new ttypes.TColumn({ stringVal: new ttypes.TStringColumn({ values: of(String, ''), nulls }) });
  }
}

/** Bit i (least significant first) is set when value i is NULL, as the driver reads it. */
function nullBitmap(values: readonly Cell[]): Buffer {
  const bits = Buffer.alloc(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v === null) bits[i >> 3]! |= 1 << (i & 7);
  });
  return bits;
}

function int64Bytes(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}
