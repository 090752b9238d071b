import { describe, expect, it } from 'vitest';
import { duckdbDialect } from '../../src/warehouse/duckdb/duckdb-dialect.js';
import { toDuckDbType } from '../../src/warehouse/duckdb/duckdb-types.js';
import { compileSql, parameterNames } from '../../src/warehouse/sql-template.js';

const loc = { ops: 'postflight', eventLog: 'pipelines.event_log' };

describe('SQL compilation for DuckDB', () => {
  it('binds :params as $params but leaves casts, strings and comments alone', () => {
    const sql = compileSql("SELECT x::BIGINT, ':nope' AS s FROM t WHERE a = :a -- :c\nAND b = :b", duckdbDialect, loc);
    expect(sql).toBe("SELECT x::BIGINT, ':nope' AS s FROM t WHERE a = $a \nAND b = $b");
  });
  it('finds the :params of a statement whose comments hold quotes, as the compiled text binds them', () => {
    const text =
      "-- the new one's previous version (pass '' when not used)\nSELECT :a, ':b', x::int -- :c\nFROM t WHERE y = :d AND z = :a";
    expect(parameterNames(text)).toEqual(['a', 'd']);
    expect(parameterNames(compileSql(text, duckdbDialect, { ops: 'o', eventLog: 'o.e' }).replace(/\$/g, ':'))).toEqual([
      'a',
      'd',
    ]);
  });

  it('maps system tables and the ops schema', () => {
    expect(compileSql('SELECT * FROM system.lakeflow.jobs j JOIN {{ops}}.verdicts v', duckdbDialect, loc)).toBe(
      'SELECT * FROM "system_lakeflow"."jobs" j JOIN "postflight".verdicts v',
    );
  });
  it('refuses an ops location that is not an identifier', () => {
    expect(() => compileSql('SELECT 1 FROM {{ops}}.x', duckdbDialect, { ...loc, ops: 'a; DROP TABLE x' })).toThrow(
      /ops location/,
    );
  });
  it('translates Databricks types', () => {
    expect(toDuckDbType('ARRAY<STRUCT<metric: STRING, value: BIGINT>>')).toBe(
      'STRUCT("metric" VARCHAR, "value" BIGINT)[]',
    );
    expect(toDuckDbType('MAP<STRING, MAP<STRING, STRING>>')).toBe('MAP(VARCHAR, MAP(VARCHAR, VARCHAR))');
  });
});
