import { describe, expect, it } from 'vitest';
import { parseCreateTable } from '../../src/warehouse/ddl-parse.js';

describe('parseCreateTable', () => {
  it('reads columns, NOT NULL and the key, a ; or ) inside a comment being text', () => {
    const def = parseCreateTable(
      "CREATE TABLE IF NOT EXISTS {{ops}}.t (\n  a STRING NOT NULL COMMENT 'x; y (z',\n  b MAP<STRING, STRING>\n) TBLPROPERTIES ('postflight.primary_key' = 'a')",
    );
    expect(def).toEqual({
      name: '{{ops}}.t',
      columns: [
        { name: 'a', type: 'STRING', notNull: true },
        { name: 'b', type: 'MAP<STRING, STRING>', notNull: false },
      ],
      primaryKey: ['a'],
    });
  });

  it('says so on an unterminated quote instead of scanning forever', () => {
    expect(() => parseCreateTable("CREATE TABLE t (\n  a STRING COMMENT 'never closed\n)")).toThrow(
      /unterminated quote/,
    );
  });

  it('leaves anything but a CREATE TABLE alone', () => {
    expect(parseCreateTable('CREATE VIEW v AS SELECT 1')).toBeNull();
  });
});
