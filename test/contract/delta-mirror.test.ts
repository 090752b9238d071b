// The contract run's Delta mirror writes each simulated commit into the Spark table's log as the
// version the world numbered it. Here the engine is a stand-in that creates a table as Spark does
// (its version 0 in _delta_log) and answers DESCRIBE DETAIL with its location; what the mirror
// writes is read back from the log: file N must be the world's version N of the same table.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Engine, EngineResult } from './endpoint/engine.js';
import { DeltaHistoryMirror } from './world/delta-history.js';

const H = 3_600_000;

/** Creates Delta tables as Spark does, version 0 only, under `dir`; nothing else is answered. */
class LogOnlyEngine implements Engine {
  readonly statements: string[] = [];
  constructor(readonly dir: string) {}

  async run(sql: string): Promise<EngineResult> {
    this.statements.push(sql);
    const name = /^(?:CREATE TABLE|DESCRIBE DETAIL) `([^`]+)`\.`([^`]+)`/.exec(sql);
    if (sql.startsWith('CREATE SCHEMA')) return { columns: [], rows: [] };
    if (!name) throw new Error(`not answered here: ${sql}`);
    const location = join(this.dir, name[1]!, name[2]!);
    if (sql.startsWith('CREATE TABLE')) {
      mkdirSync(join(location, '_delta_log'), { recursive: true });
      const v0 = join(location, '_delta_log', `${'0'.padStart(20, '0')}.json`);
      writeFileSync(v0, `${JSON.stringify({ commitInfo: { operation: 'CREATE TABLE' } })}\n`, { flag: 'wx' });
      return { columns: [], rows: [] };
    }
    return { columns: [{ name: 'location', type: 'string' }], rows: [[`file:${location}`]] };
  }

  async close(): Promise<void> {}
}

interface Logged {
  readonly version: number;
  readonly mtimeMs: number;
  readonly operation: string;
  readonly runId: string | null;
}

/** Every table's log as the mirror left it, by the world's table name. */
function logs(dir: string): Map<string, Logged[]> {
  const out = new Map<string, Logged[]>();
  for (const db of readdirSync(dir))
    for (const t of readdirSync(join(dir, db))) {
      const log = join(dir, db, t, '_delta_log');
      const entries = readdirSync(log)
        .sort()
        .map((f) => {
          const info = JSON.parse(readFileSync(join(log, f), 'utf8')).commitInfo;
          return {
            version: Number(f.replace('.json', '')),
            mtimeMs: Math.floor(statSync(join(log, f)).mtimeMs),
            operation: String(info.operation),
            runId: info.job?.jobRunId ?? null,
          };
        });
      out.set(`${db.replace('__', '.')}.${t}`, entries);
    }
  return out;
}

async function visible(wh: DuckDbWarehouse): Promise<Map<string, Logged[]>> {
  const rows = await wh.session.all(
    `SELECT table_name, version, epoch_ms("timestamp") AS ts, operation, job.runId AS run_id
     FROM delta_history.commits ORDER BY table_name, version`,
  );
  const out = new Map<string, Logged[]>();
  for (const r of rows) {
    const t = String(r.table_name);
    (out.get(t) ?? out.set(t, []).get(t)!).push({
      version: Number(r.version),
      mtimeMs: Number(r.ts),
      operation: String(r.operation),
      runId: (r.run_id as string | null) ?? null,
    });
  }
  return out;
}

let dir: string;
let wh: DuckDbWarehouse;
let world: SimWorld;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'delta-mirror-'));
  wh = await DuckDbWarehouse.open(':memory:');
  world = await SimWorld.create(wh, defaultSpec({ pipelines: 8, days: 2 }));
});

afterAll(async () => {
  await wh.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Delta history mirror', () => {
  it("writes every table's log with the world's versions, at the world's commit times", async () => {
    const engine = new LogOnlyEngine(dir);
    const mirror = new DeltaHistoryMirror(engine, wh);
    let at = world.nowMs;
    await mirror.sync(0, at);
    // Two steps of the replay, mirrored as the contract run mirrors them.
    for (const to of [at + 2 * H, at + 5 * H]) {
      await world.advance(to);
      await mirror.sync(at, to);
      at = to;
    }
    const [onSpark, inWorld] = [logs(dir), await visible(wh)];
    expect([...onSpark.keys()].sort()).toEqual([...inWorld.keys()].sort());
    for (const [table, commits] of inWorld) {
      // Spark's own CREATE TABLE is version 0; each later file is the world's commit of that version.
      expect(onSpark.get(table), table).toEqual(
        commits.map((c) => (c.version === 0 ? { ...c, operation: 'CREATE TABLE' } : c)),
      );
    }
    expect(mirror.commits).toBe([...inWorld.values()].reduce((n, cs) => n + cs.length - 1, 0));
  });

  it('stops on a version the Spark log would not hold next', async () => {
    const mirror = new DeltaHistoryMirror(new LogOnlyEngine(mkdtempSync(join(dir, 'gap-'))), wh);
    await wh.session.run(
      `INSERT INTO sim_world.delta_commits (table_name, version, "timestamp", operation, _visible_at)
       VALUES ('prod.raw.gap', 0, make_timestamp(1000000), 'CREATE TABLE', make_timestamp(1000000)),
         ('prod.raw.gap', 2, make_timestamp(2000000), 'WRITE', make_timestamp(2000000))`,
    );
    await expect(mirror.sync(0, world.nowMs)).rejects.toThrow(
      /prod\.raw\.gap is at version 0 on Spark; the world's next is 2/,
    );
  });
});
