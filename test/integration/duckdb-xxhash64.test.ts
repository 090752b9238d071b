// xxhash64 on the embedded warehouse returns what Databricks returns (values computed by Apache
// Spark 4.0.1), so retention's checksums are the same numbers on both engines.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { sparkXxhash64 } from '../../src/warehouse/duckdb/spark-xxhash64.js';

let wh: DuckDbWarehouse;
beforeAll(async () => {
  wh = await DuckDbWarehouse.open(':memory:');
});
afterAll(async () => {
  await wh.close();
});

describe('xxhash64 on the embedded warehouse', () => {
  it('hashes each type as Spark does, NULLs skipped', async () => {
    // As text: a 64-bit hash read back as a JavaScript number would lose its low bits.
    const exprs: Record<string, string> = {
      s: "xxhash64('abc')",
      l: 'xxhash64(CAST(1 AS BIGINT))',
      i: 'xxhash64(CAST(1 AS INTEGER))',
      b: 'xxhash64(true)',
      d: 'xxhash64(CAST(1.5 AS DOUBLE))',
      t: "xxhash64(TIMESTAMP '2026-11-02 09:00:00')",
      several: "xxhash64('abc', CAST(NULL AS VARCHAR), CAST(7 AS BIGINT))",
      n: 'xxhash64(CAST(NULL AS VARCHAR))',
      dt: "xxhash64(DATE '2026-11-02')",
      d10: 'xxhash64(CAST(1.25 AS DECIMAL(10,2)))',
      d38: 'xxhash64(CAST(-1.25 AS DECIMAL(38,18)))',
    };
    const [r] = await wh.session.all(
      `SELECT ${Object.entries(exprs)
        .map(([k, e]) => `CAST(${e} AS VARCHAR) AS ${k}`)
        .join(', ')}`,
    );
    expect(r).toEqual({
      s: '1423657621850124518',
      l: '-7001672635703045582',
      i: '-6698625589789238999',
      b: '-6698625589789238999',
      d: '7738255526519901366',
      t: '-5476849757761538143',
      several: '-8248592260597647717',
      n: '42',
      dt: '-7077261941840855956',
      d10: '2287599437899865974',
      d38: '1610922732199377759',
    });
  });

  it('hashes every row of a table as the hash function itself does, summed as retention sums them', async () => {
    const [r] = await wh.session.all(
      `SELECT CAST(sum(CAST(xxhash64(CAST(i AS BIGINT), 'row ' || i) AS DECIMAL(38,0))) AS VARCHAR) AS total
       FROM range(5000) t(i)`,
    );
    let total = 0n;
    for (let i = 0; i < 5000; i++)
      total += sparkXxhash64([
        { as: 'long', value: BigInt(i) },
        { as: 'string', value: `row ${i}` },
      ]);
    expect(r?.total).toBe(String(total));
  });

  it('replaces the macro a file made by an older postflight holds', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'postflight-xxhash-')), 'old.duckdb');
    const old = await DuckDbWarehouse.open(file);
    // What older files hold: one overload per arity, DuckDB's own hash.
    await old.session.run('CREATE OR REPLACE MACRO xxhash64 (a1) AS hash(a1), (a1, a2) AS hash(a1, a2)');
    await old.close();
    const reopened = await DuckDbWarehouse.open(file);
    const [r] = await reopened.session.all("SELECT CAST(xxhash64('abc') AS VARCHAR) AS h");
    await reopened.close();
    expect(r?.h).toBe('1423657621850124518');
  });
});
