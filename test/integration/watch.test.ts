// `postflight watch` on a small simulated world: it ticks once per simulated minute, as many times
// as asked, moves the world's clock with it, and prints one status line per tick when the output
// is not a terminal (one JSON object per tick with --json).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCommon } from '../../src/cli/common-options.js';
import { runWatchCommand } from '../../src/cli/watch-command.js';
import { createLogger } from '../../src/log.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

let path: string;
let startMs: number;

beforeAll(async () => {
  path = join(mkdtempSync(join(tmpdir(), 'postflight-watch-')), 'world.duckdb');
  const wh = await DuckDbWarehouse.open(path);
  startMs = (await SimWorld.create(wh, defaultSpec({ pipelines: 3, days: 7, deploysPerDay: 30, seed: 5 }))).nowMs;
  await wh.close();
}, 300_000);

afterEach(() => {
  vi.restoreAllMocks();
});

async function watch(args: string[]): Promise<{ code: number; lines: string[] }> {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const { values } = parseCommon(['watch', '--warehouse', `duckdb:${path}`, ...args]);
  const code = await runWatchCommand(values, createLogger());
  vi.restoreAllMocks();
  return { code, lines: out.join('').split('\n').filter(Boolean) };
}

describe('watch', () => {
  it('ticks once per simulated minute, as fast as asked, with a line per tick', async () => {
    const t0 = Date.now();
    const { code, lines } = await watch(['--speed', '600', '--minutes', '4']);
    expect(code).toBe(0);
    expect(lines.length).toBe(4);
    for (const [i, l] of lines.entries()) {
      expect(l.startsWith(new Date(startMs + (i + 1) * 60_000).toISOString())).toBe(true);
      expect(l).toMatch(/tick \d: \d+ under verification .*rollback\(s\) in flight; tick took [\d.]+ s of 0.1 s/);
    }
    // At 600 simulated minutes a minute, four ticks are due within 0.4 s of wall clock; the ticks
    // themselves take longer, and the lag says so rather than the watch waiting.
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 120_000);

  it('gives one status object per tick with --json, and the world keeps its new clock', async () => {
    const { lines } = await watch(['--speed', '600', '--minutes', '2', '--json']);
    const frames = lines.map((l) => JSON.parse(l) as { tick: number; nowMs: number; budgetMs: number });
    expect(frames.map((f) => f.tick)).toEqual([1, 2]);
    // The first test moved the world four minutes on.
    expect(frames.map((f) => f.nowMs)).toEqual([startMs + 5 * 60_000, startMs + 6 * 60_000]);
    expect(frames[0]!.budgetMs).toBe(100);
  }, 120_000);

  it('refuses a speed for a workspace, and a speed out of range', async () => {
    await expect(watch(['--speed', '0'])).rejects.toThrow(/--speed '0' must be a whole number from 1 to 600/);
    const { values } = parseCommon(['watch', '--warehouse', 'databricks', '--speed', '60']);
    await expect(runWatchCommand(values, createLogger())).rejects.toThrow(/--speed runs a simulated world/);
  });
});
