// DECIMAL values read from the embedded warehouse are the doubles nearest their exact value, as a
// Databricks warehouse's decimal text parses to: DuckDB's own conversion is off by an ulp for about
// one DECIMAL(38,18) in twelve, which made the cost check's statistics differ between the engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

let wh: DuckDbWarehouse;
beforeAll(async () => {
  wh = await DuckDbWarehouse.open(':memory:');
});
afterAll(async () => {
  await wh.close();
});

describe('DECIMAL from the embedded warehouse', () => {
  it('reads a value DuckDB itself rounds wrongly as the nearest double', async () => {
    const [row] = await wh.session.all(
      `SELECT CAST('2.824552606348405248' AS DECIMAL(38,18)) AS d,
        CAST(CAST('2.824552606348405248' AS DECIMAL(38,18)) AS DOUBLE) AS duck`,
    );
    expect(row?.d).toBe(Number('2.824552606348405248'));
    // The engine's own cast is the one off: the test would pass on nothing if it were not.
    expect(row?.duck).not.toBe(Number('2.824552606348405248'));
  });

  it('reads every value of a sample as its exact text parses, nested in a STRUCT too', async () => {
    const rows = await wh.session.all(
      `SELECT CAST(x AS VARCHAR) AS text, x AS d, {'q': x} AS s
       FROM (SELECT CAST(((i * 7919) % 100003) / 20011.0 + i * 1e-13 AS DECIMAL(38,18)) AS x FROM range(2000) t(i))`,
    );
    const off = rows.filter((r) => r.d !== Number(r.text) || (r.s as { q: unknown }).q !== Number(r.text));
    expect(off).toEqual([]);
  });
});
