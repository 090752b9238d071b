import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

describe('reading result rows from DuckDB', () => {
  let wh: DuckDbWarehouse;
  beforeAll(async () => {
    wh = await DuckDbWarehouse.open(':memory:');
  });
  afterAll(async () => wh.close());

  it('gives each of several calls of the same statement in flight at once its own parameters', async () => {
    const sql = 'SELECT sum(range) + $k AS v FROM range(200000)';
    const ks = Array.from({ length: 6 }, (_, i) => i);
    // Prepared once first, as a statement the session has run before.
    expect((await wh.session.all(sql, { k: 100 }))[0]!.v).toBe(19999900100);
    const rows = await Promise.all(ks.map((k) => wh.session.all(sql, { k })));
    expect(rows.map((r) => r[0]!.v)).toEqual(ks.map((k) => 19999900000 + k));
  });

  it('reads each scalar type to the plain value, NULLs included', async () => {
    const rows = await wh.session.all(`
      SELECT * FROM (VALUES
        (true, -7::TINYINT, -300::SMALLINT, -70000::INTEGER, -9007199254740991::BIGINT, 1.5::FLOAT, -2.25::DOUBLE,
         TIMESTAMP '2026-11-24 10:11:12.345678', TIMESTAMPTZ '1969-12-31 23:59:59.9995+00', 'short', 'a string longer than twelve bytes: jöb—ü 🚀'),
        (false, 127::TINYINT, 32767::SMALLINT, 2147483647::INTEGER, 9007199254740991::BIGINT, -0.5::FLOAT, 1e300::DOUBLE,
         TIMESTAMP '1960-01-01 00:00:00.001999', NULL, '', 'exactly12byt'),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
      ) AS t(b, ti, si, i, bi, f, d, ts, tz, s, l)`);
    expect(rows).toEqual([
      {
        b: true,
        ti: -7,
        si: -300,
        i: -70000,
        bi: -9007199254740991,
        f: 1.5,
        d: -2.25,
        ts: Date.UTC(2026, 10, 24, 10, 11, 12, 345),
        tz: -1,
        s: 'short',
        l: 'a string longer than twelve bytes: jöb—ü 🚀',
      },
      {
        b: false,
        ti: 127,
        si: 32767,
        i: 2147483647,
        bi: 9007199254740991,
        f: -0.5,
        d: 1e300,
        ts: Date.UTC(1960, 0, 1, 0, 0, 0, 1),
        tz: null,
        s: '',
        l: 'exactly12byt',
      },
      { b: null, ti: null, si: null, i: null, bi: null, f: null, d: null, ts: null, tz: null, s: null, l: null },
    ]);
  });

  it('keeps NULLs in place across chunks of a large result', async () => {
    const rows = await wh.session.all(`
      SELECT range AS k, CASE WHEN range % 7 = 0 THEN NULL ELSE range * 1000 END AS v,
        CASE WHEN range % 5 = 0 THEN NULL ELSE 'subject-' || range || '-with-a-long-name' END AS name
      FROM range(5000) ORDER BY k`);
    expect(rows).toHaveLength(5000);
    for (const r of rows) {
      const k = r.k as number;
      expect(r.v).toBe(k % 7 === 0 ? null : k * 1000);
      expect(r.name).toBe(k % 5 === 0 ? null : `subject-${k}-with-a-long-name`);
    }
  });

  it('still converts the types it does not read itself', async () => {
    const rows = await wh.session.all(
      `SELECT MAP {'a': 1} AS m, DATE '2026-11-24' AS day, [1, 2] AS xs, 12.50::DECIMAL(5, 2) AS dec`,
    );
    expect(rows).toEqual([{ m: { a: 1 }, day: Date.UTC(2026, 10, 24), xs: [1, 2], dec: 12.5 }]);
  });
});
