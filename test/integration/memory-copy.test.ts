import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const dir = mkdtempSync(join(tmpdir(), 'postflight-copy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const count = async (wh: DuckDbWarehouse, sql: string) => Number((await wh.session.all(sql))[0]!.n);

describe('embedded warehouse held in memory', () => {
  it('starts as a copy of a file, leaves the file alone, and saves whole to another', async () => {
    const source = join(dir, 'world.duckdb');
    const file = await DuckDbWarehouse.open(source);
    await SimWorld.create(file, defaultSpec({ pipelines: 4, days: 2 }));
    const runs = await count(file, 'SELECT count(*) AS n FROM system_lakeflow.job_run_timeline');
    await file.close();

    const mem = await DuckDbWarehouse.openCopyInMemory(source);
    // Views over the world, the ops tables and the Databricks function macros all came along.
    expect(await count(mem, 'SELECT count(*) AS n FROM system_lakeflow.job_run_timeline')).toBe(runs);
    expect(await count(mem, 'SELECT unix_millis(timestamp_millis(1000)) AS n')).toBe(1000);
    await mem.session.run(
      "INSERT INTO postflight.watermarks (name, value_ms, updated_at) VALUES ('copy-test', 1, now())",
    );
    const saved = join(dir, 'saved.duckdb');
    await mem.saveTo(saved);
    await mem.close();

    const original = await DuckDbWarehouse.open(source);
    expect(await count(original, "SELECT count(*) AS n FROM postflight.watermarks WHERE name = 'copy-test'")).toBe(0);
    await original.close();
    const copy = await DuckDbWarehouse.open(saved);
    expect(await count(copy, "SELECT count(*) AS n FROM postflight.watermarks WHERE name = 'copy-test'")).toBe(1);
    expect(await count(copy, 'SELECT count(*) AS n FROM system_lakeflow.job_run_timeline')).toBe(runs);
    expect((await SimWorld.open(copy))?.spec.pipelines).toBe(4);
    await copy.close();
  });
});
