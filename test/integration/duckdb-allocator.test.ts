import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const saved = process.env.DUCKDB_JE_MALLOC_CONF;
afterEach(() => {
  if (saved === undefined) delete process.env.DUCKDB_JE_MALLOC_CONF;
  else process.env.DUCKDB_JE_MALLOC_CONF = saved;
  vi.resetModules();
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe("DuckDB's allocator settings", () => {
  it('are in the environment when the library is loaded, unless the user set them', async () => {
    delete process.env.DUCKDB_JE_MALLOC_CONF;
    const { ALLOCATOR_CONF, openDuckDb } = await import('../../src/warehouse/duckdb/duckdb-driver.js');
    const s = await openDuckDb(':memory:');
    expect(process.env.DUCKDB_JE_MALLOC_CONF).toBe(ALLOCATOR_CONF);
    expect(await s.all('SELECT 42 AS x')).toEqual([{ x: 42 }]);
    s.close();
  });

  it("keep the user's own", async () => {
    process.env.DUCKDB_JE_MALLOC_CONF = 'dirty_decay_ms:5000';
    const { openDuckDb } = await import('../../src/warehouse/duckdb/duckdb-driver.js');
    (await openDuckDb(':memory:')).close();
    expect(process.env.DUCKDB_JE_MALLOC_CONF).toBe('dirty_decay_ms:5000');
  });

  it('cannot be read before they are set: no module imports the library at load time', () => {
    // jemalloc reads its settings when the native library loads; a static import anywhere would
    // load it before the driver sets them, and in the bundle such imports run first of all.
    const offenders = sources('src').filter((f) =>
      /^\s*import\s+(?!type\b)[^;]*from\s+'@duckdb\//m.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
