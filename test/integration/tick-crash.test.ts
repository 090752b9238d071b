// Whole ticks killed anywhere: before and after every statement and every API call of a catching-up
// first tick, an ordinary one, the tick that fails a deployment and rolls it back, and the one
// after it; some of them as a real SIGKILL of a child process whose DuckDB file is then reopened
// from its write-ahead log. After each crash the next ticks run as a restarted job would, and
// the database must hold what an uninterrupted replay holds: no key twice, no verdict, check,
// budget, rollback or audit entry lost, no second change to a job or pipeline, an intact chain.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { ensureWorldTemplate } from '../../src/demo/demo.js';
import { uniform } from '../../src/simulator/random.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { KillSwitch } from '../support/faults.js';
import { actions, CRASH_SPEC, duplicateKeys, keptRows, missing, replayTicks } from '../support/tick-replay.js';

const ROOT = join(import.meta.dirname, '../..');
/** Minutes whose tick is killed: the first (catching up), an ordinary one, the one that fails a deployment and rolls it back, the next. */
const CRASH_MINUTES = [0, 20, 41, 42];
/**
 * The uninterrupted replay's rows one tick after the killed minute must all be there one tick
 * later still (a crash delays work by a tick); its rollbacks and control-plane writes by then must
 * be exactly those made.
 */
const AFTER = 1;
/**
 * How many crash points run, drawn at random (seeded) from all of them (over 200): a sample by
 * default, so the test suite stays within minutes on two cores; POSTFLIGHT_CRASH_SAMPLE=all runs
 * every one, and POSTFLIGHT_CRASH_SIGKILLS=24 that many as a real SIGKILL.
 */
const SAMPLE = countFromEnv('POSTFLIGHT_CRASH_SAMPLE', 40);
const SIGKILLS = countFromEnv('POSTFLIGHT_CRASH_SIGKILLS', 6);

function countFromEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  if (v === 'all') return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(v)) throw new Error(`${name} must be a whole number or 'all', not '${v}'`);
  return Number(v);
}

interface Expected {
  snapshot: string;
  statements: number;
  calls: number;
  rows: Record<string, string[]>;
  actions: Record<string, string[]>;
  effects: string[];
}

type Point = { minute: number; kind: 'statement' | 'call'; n: number; when: 'before' | 'after' };

// A fresh clone has no .postflight/ yet.
mkdirSync(join(ROOT, '.postflight'), { recursive: true });
const dir = mkdtempSync(join(ROOT, '.postflight/tick-crash-'));
const expected = new Map<number, Expected>();
const points: Point[] = [];
let total = 0;

beforeAll(async () => {
  const template = await ensureWorldTemplate(join(ROOT, '.postflight/crash-worlds'), CRASH_SPEC);
  const wh = await DuckDbWarehouse.openCopyInMemory(template);
  const counters = new Map<number, KillSwitch>();
  const startEffects = new Map<number, number>();
  const last = Math.max(...CRASH_MINUTES) + AFTER + 1;
  const rowsAt = new Map<number, Record<string, string[]>>();
  await replayTicks(
    wh,
    0,
    last,
    (m) => {
      if (!CRASH_MINUTES.includes(m)) return null;
      const sw = new KillSwitch();
      counters.set(m, sw);
      return sw;
    },
    async (m, effects) => {
      if (CRASH_MINUTES.includes(m + 1)) {
        await wh.saveTo(join(dir, `before-${m + 1}.duckdb`));
        startEffects.set(m + 1, effects.length);
      }
      if (CRASH_MINUTES.includes(m - AFTER)) rowsAt.set(m - AFTER, await keptRows(wh));
      const c = m - AFTER - 1;
      if (!CRASH_MINUTES.includes(c)) return;
      const sw = counters.get(c)!;
      expected.set(c, {
        snapshot: c === 0 ? template : join(dir, `before-${c}.duckdb`),
        statements: sw.statements,
        calls: sw.calls,
        rows: rowsAt.get(c)!,
        actions: await actions(wh),
        effects: effects.slice(startEffects.get(c) ?? 0),
      });
    },
  );
  await wh.close();
  for (const [minute, e] of expected) {
    for (const when of ['before', 'after'] as const) {
      for (let n = 1; n <= e.statements; n++) points.push({ minute, kind: 'statement', n, when });
      for (let n = 1; n <= e.calls; n++) points.push({ minute, kind: 'call', n, when });
    }
  }
  total = points.length;
  // A seeded shuffle: the same sample every run, spread over every tick and step.
  const order = points.map((p, i) => ({ p, r: uniform(26, 'crash', i) })).sort((a, b) => a.r - b.r);
  points.splice(0, points.length, ...order.slice(0, Math.min(SAMPLE, points.length)).map((o) => o.p));
  console.info(
    `crash points: ${total} in all, ${points.length} run, ${Math.min(SIGKILLS, points.length)} of them also as SIGKILL`,
  );
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `effects`: the changes to jobs and pipelines seen in this process, where it saw them all. */
async function expectAsUninterrupted(wh: DuckDbWarehouse, p: Point, effects: readonly string[] | null): Promise<void> {
  const e = expected.get(p.minute)!;
  const label = `killed ${p.when} ${p.kind} ${p.n} of minute ${p.minute}`;
  expect({ label, duplicates: await duplicateKeys(wh) }).toEqual({ label, duplicates: {} });
  expect({ label, lost: missing(e.rows, await keptRows(wh)) }).toEqual({ label, lost: {} });
  expect({ label, actions: await actions(wh) }).toEqual({ label, actions: e.actions });
  if (effects) expect({ label, effects }).toEqual({ label, effects: e.effects });
  expect({ label, audit: (await verifyAuditLog(wh)).findings }).toEqual({ label, audit: [] });
}

describe('a tick killed anywhere leaves the next ticks to finish its work, once', () => {
  it('has crash points in every step of a tick, a rollback among them', () => {
    expect(total).toBeGreaterThanOrEqual(200);
    const failing = expected.get(41)!;
    expect(failing.effects.length).toBeGreaterThan(0);
    expect(failing.actions.rollbacks!.some((r) => r.includes('SUCCEEDED'))).toBe(true);
  });

  it(
    'survives a kill before and after every statement and API call',
    async () => {
      let died = 0;
      for (const p of points) {
        const e = expected.get(p.minute)!;
        const wh = await DuckDbWarehouse.openCopyInMemory(e.snapshot);
        const sw = new KillSwitch(p.kind === 'statement' ? p.n : null, p.kind === 'call' ? p.n : null, p.when);
        const out = await replayTicks(wh, p.minute, p.minute + AFTER + 1, (m) => (m === p.minute ? sw : null));
        if (out.killed.length) died++;
        await expectAsUninterrupted(wh, p, out.effects);
        await wh.close();
      }
      expect(died).toBe(points.length);
      // Each point is a copy of the world and three ticks: seconds on a loaded two-core machine.
    },
    20_000 * Math.min(SAMPLE, 300),
  );

  it(
    'survives a SIGKILL of the verifier process, its file reopened from the write-ahead log',
    async () => {
      const child = join(dir, 'crash-child.mjs');
      await build({
        entryPoints: [join(ROOT, 'test/support/crash-child.ts')],
        outfile: child,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        external: ['@duckdb/node-api', '@duckdb/node-bindings*', '*.node'],
        logLevel: 'warning',
      });
      // Spread over the crash points: every k-th one, so each tick and step has some.
      const step = Math.max(1, Math.floor(points.length / SIGKILLS));
      const chosen = points.filter((_, i) => i % step === 0).slice(0, SIGKILLS);
      mkdirSync(join(dir, 'killed'), { recursive: true });
      for (const [i, p] of chosen.entries()) {
        const file = join(dir, 'killed', `${i}.duckdb`);
        copyFileSync(expected.get(p.minute)!.snapshot, file);
        const run = spawnSync(process.execPath, [child, file, String(p.minute), String(p.minute)], {
          env: { ...process.env, POSTFLIGHT_TEST_KILL: `${p.minute}:${p.kind}:${p.n}:${p.when}` },
          encoding: 'utf8',
          timeout: 120_000,
        });
        expect({ i, signal: run.signal, out: run.stdout, err: run.stderr.slice(-2000) }).toMatchObject({
          i,
          signal: 'SIGKILL',
        });
        // A new process opens the file: DuckDB replays its write-ahead log.
        const wh = await DuckDbWarehouse.open(file);
        await replayTicks(wh, p.minute + 1, p.minute + AFTER + 1, () => null);
        await expectAsUninterrupted(wh, p, null);
        await wh.close();
      }
      expect(chosen.length).toBe(Math.min(SIGKILLS, points.length));
    },
    30_000 * Math.min(SIGKILLS, 300),
  );
});
