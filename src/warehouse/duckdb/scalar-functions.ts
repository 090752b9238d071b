// The Databricks functions no SQL macro can be, registered as DuckDB scalar functions on every
// connection the driver opens: xxhash64 (spark-xxhash64.ts). Macros are in functions.ts.

import type * as NodeApi from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBDecimalType, DuckDBInstance, DuckDBType, DuckDBVector } from '@duckdb/node-api';
import { type HashedAs, sparkXxhash64 } from './spark-xxhash64.js';

type Api = typeof NodeApi;

/** A connection with the Databricks functions no SQL macro can be: xxhash64 (spark-xxhash64.ts). */
export async function connectTo(api: Api, instance: DuckDBInstance): Promise<DuckDBConnection> {
  const conn = await instance.connect();
  const T = api.DuckDBTypeId;
  /** How Spark lays out a value of the column's type for hashing; a type it would not be given throws. */
  const layout = (type: DuckDBType): { as: HashedAs; digits?: number } => {
    switch (type.typeId) {
      case T.BOOLEAN:
      case T.TINYINT:
      case T.SMALLINT:
      case T.INTEGER:
      case T.DATE:
        return { as: 'int' };
      case T.BIGINT:
      case T.TIMESTAMP:
      case T.TIMESTAMP_TZ:
        return { as: 'long' };
      case T.DOUBLE:
        return { as: 'double' };
      case T.FLOAT:
        return { as: 'float' };
      case T.VARCHAR:
        return { as: 'string' };
      case T.DECIMAL:
        return { as: 'decimal', digits: (type as DuckDBDecimalType).width };
      default:
        throw new Error(`xxhash64 of ${type.toString()} is not supported on the embedded warehouse`);
    }
  };
  const plain = (v: unknown): unknown =>
    v instanceof api.DuckDBTimestampValue || v instanceof api.DuckDBTimestampTZValue
      ? v.micros
      : v instanceof api.DuckDBDateValue
        ? v.days
        : v instanceof api.DuckDBDecimalValue
          ? v.value
          : v;
  conn.registerScalarFunction(
    api.DuckDBScalarFunction.create({
      name: 'xxhash64',
      returnType: api.BIGINT,
      varArgsType: api.ANY,
      // NULLs are hashed as Spark hashes them (skipped), not turned into a NULL result.
      specialHandling: true,
      mainFunction: (_info, input, output) => {
        const columns = Array.from({ length: input.columnCount }, (_, c) => input.getColumnVector(c));
        const layouts = columns.map((v) => layout(v.type));
        for (let r = 0; r < input.rowCount; r++) {
          const values = columns.map((v, c) => {
            const x = v.getItem(r);
            return x === null ? null : { ...layouts[c]!, value: plain(x) };
          });
          (output as DuckDBVector<bigint>).setItem(r, sparkXxhash64(values));
        }
        output.flush();
      },
    }),
  );
  return conn;
}
