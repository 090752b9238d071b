// docs/embedded-layout.md is the contract between what fills the embedded warehouse (the
// simulator, a backtest's export) and the verifier: it must name every table and column the
// warehouse holds, mark the columns an export must carry, and point at an export query that exists.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LAGS } from '../../src/backtest/export-catalog.js';
import { catalogFor } from '../../src/backtest/load-export.js';
import { parseCreateTable } from '../../src/warehouse/ddl-parse.js';
import { loadSql, splitStatements } from '../../src/warehouse/sql-files.js';

const ROOT = join(import.meta.dirname, '../..');
const doc = readFileSync(join(ROOT, 'docs/embedded-layout.md'), 'utf8');

/** The section of the doc headed by a table's name, up to the next heading. */
function section(name: string): string {
  const start = doc.indexOf(`### \`${name}\``);
  if (start < 0) return '';
  const next = doc.indexOf('\n#', start + 4);
  return doc.slice(start, next < 0 ? undefined : next);
}

/** The columns a section lists, with whether each is marked required. */
function listed(text: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const m of text.matchAll(/^\| (\*\*)?([A-Za-z_][A-Za-z0-9_]*)(\*\*)?\s+\| `/gm)) out.set(m[2]!, m[1] === '**');
  return out;
}

describe('docs/embedded-layout.md', () => {
  it.each(catalogFor(DEFAULT_LAGS).map((t) => [t.name, t] as const))(
    'lists every column of %s, the required ones in bold, and its export query',
    (name, table) => {
      const text = section(name);
      expect(text, `no section for ${name}`).not.toBe('');
      const required = new Set(table.required.map((r) => r.split('.')[0]!));
      expect(listed(text)).toEqual(new Map(table.columns.map((c) => [c.name, required.has(c.name)])));
      for (const m of text.matchAll(/`(sql\/export\/[^`]+\.sql)`/g))
        expect(existsSync(join(ROOT, m[1]!)), m[1]).toBe(true);
      if (name !== 'system.information_schema.columns') expect(text).toMatch(/Export: `sql\/export\//);
    },
  );

  it('lists every column of the control plane and the rest of sim_world', () => {
    for (const file of ['embedded/sim_world', 'embedded/replay_world']) {
      for (const stmt of splitStatements(loadSql(file))) {
        const def = parseCreateTable(stmt.replace(/"/g, '').replace(/ PRIMARY KEY/g, ''));
        if (!def || def.name === 'sim_world.delta_commits') continue;
        expect([...listed(section(def.name)).keys()], def.name).toEqual(def.columns.map((c) => c.name));
      }
    }
  });

  it('has an export query for every file a backtest reads, each named in the doc', () => {
    for (const t of catalogFor(DEFAULT_LAGS)) {
      if (t.name === 'system.information_schema.columns') continue;
      const query = t.name === 'delta_history' ? 'export/delta_history_tables' : `export/${t.name}`;
      expect(() => loadSql(query), query).not.toThrow();
      expect(doc).toContain(`sql/${query}.sql`);
    }
  });
});
