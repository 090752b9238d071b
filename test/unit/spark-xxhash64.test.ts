import { describe, expect, it } from 'vitest';
import { sparkXxhash64 } from '../../src/warehouse/duckdb/spark-xxhash64.js';

// Expected values computed by Apache Spark 4.0.1 (`SELECT xxhash64(...)`, session time zone UTC).
describe("Databricks' xxhash64", () => {
  const s = (value: string) => ({ as: 'string' as const, value });
  it.each([
    ["xxhash64('abc')", [s('abc')], 1423657621850124518n],
    ["xxhash64('')", [s('')], -7444071767201028348n],
    [
      "xxhash64('hello world, a longer string of 40+ bytes!!')",
      [s('hello world, a longer string of 40+ bytes!!')],
      -4977413974868434135n,
    ],
    ['xxhash64(CAST(1 AS BIGINT))', [{ as: 'long' as const, value: 1n }], -7001672635703045582n],
    ['xxhash64(CAST(1 AS INT))', [{ as: 'int' as const, value: 1 }], -6698625589789238999n],
    ['xxhash64(true)', [{ as: 'int' as const, value: true }], -6698625589789238999n],
    ['xxhash64(CAST(1.5 AS DOUBLE))', [{ as: 'double' as const, value: 1.5 }], 7738255526519901366n],
    ['xxhash64(CAST(-0.0 AS DOUBLE))', [{ as: 'double' as const, value: -0 }], -5252525462095825812n],
    [
      "xxhash64(TIMESTAMP '2026-11-02 09:00:00')",
      [{ as: 'long' as const, value: BigInt(Date.UTC(2026, 10, 2, 9)) * 1000n }],
      -5476849757761538143n,
    ],
    [
      "xxhash64('abc', CAST(NULL AS STRING), CAST(7 AS BIGINT))",
      [s('abc'), null, { as: 'long' as const, value: 7n }],
      -8248592260597647717n,
    ],
    ['xxhash64(CAST(NULL AS STRING))', [null], 42n],
    ["xxhash64('ünïcödé ✓')", [s('ünïcödé ✓')], -1501201646744835265n],
    ['xxhash64(CAST(3 AS SMALLINT))', [{ as: 'int' as const, value: 3 }], 6258084186791473711n],
    ['xxhash64(CAST(1.5 AS FLOAT))', [{ as: 'float' as const, value: 1.5 }], 6163473420726370430n],
    [
      "xxhash64(DATE '2026-11-02')",
      [{ as: 'int' as const, value: Date.UTC(2026, 10, 2) / 86_400_000 }],
      -7077261941840855956n,
    ],
    [
      'xxhash64(CAST(1.25 AS DECIMAL(10,2)))',
      [{ as: 'decimal' as const, value: 125n, digits: 10 }],
      2287599437899865974n,
    ],
    [
      'xxhash64(CAST(1.25 AS DECIMAL(38,18)))',
      [{ as: 'decimal' as const, value: 1_250_000_000_000_000_000n, digits: 38 }],
      -1114239375343905078n,
    ],
    [
      'xxhash64(CAST(-1.25 AS DECIMAL(38,18)))',
      [{ as: 'decimal' as const, value: -1_250_000_000_000_000_000n, digits: 38 }],
      1610922732199377759n,
    ],
  ])('%s', (_sql, values, expected) => {
    expect(sparkXxhash64(values)).toBe(expected);
  });
});
