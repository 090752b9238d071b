// The numbers behind a check split at the deploy and drawn on one scale; the watch status as a
// terminal block and as a line.

import { describe, expect, it } from 'vitest';
import { durationSeries, gapSeries, outcomeSeries, rowsSeries, seriesFor } from '../../src/explain/series.js';
import { drawBars, drawSeries, sparkline } from '../../src/explain/sparkline.js';
import type { RunRecord, TableWrite } from '../../src/types.js';
import { CHANGES_SHOWN, frameLine, renderFrame, type WatchFrame, withChanges } from '../../src/watch/status.js';

const H = 3_600_000;
const DEPLOY = Date.UTC(2026, 10, 4, 12, 0); // a Wednesday
const DAY = 24 * H;

function run(startMs: number, minutes: number, result: RunRecord['result'] = 'SUCCESS'): RunRecord {
  return {
    subjectId: 'j1',
    runId: String(startMs),
    startMs,
    endMs: startMs + minutes * 60_000,
    result,
    rawResult: null,
    cause: 'unknown',
    failedTasks: [],
    plane: 'fast',
  };
}

const write = (timestampMs: number, rows: number | null): TableWrite => ({
  table: 't',
  subjectId: 'j1',
  runId: null,
  timestampMs,
  rows,
  plane: 'fast',
});

describe('series split at the deploy', () => {
  it('takes same-slot runs before the deploy for a level, and the runs after up to the look', () => {
    // Hourly runs for 14 days: 10 minutes at 12:00, 2 minutes at other hours.
    const runs: RunRecord[] = [];
    for (let t = DEPLOY - 14 * DAY; t < DEPLOY; t += H) runs.push(run(t, new Date(t).getUTCHours() === 12 ? 10 : 2));
    runs.push(run(DEPLOY + 5 * 60_000, 30), run(DEPLOY + H, 31), run(DEPLOY + 3 * H, 32));
    const s = durationSeries(runs, { deployedMs: DEPLOY, endMs: DEPLOY + 2 * H });
    expect(s.beforeFrom).toBe('same slot');
    expect(s.before.length).toBeGreaterThanOrEqual(7);
    expect(new Set(s.before)).toEqual(new Set([10]));
    expect(s.after).toEqual([30, 31]);
  });

  it('leaves out runs that neither succeeded nor timed out from durations, and counts them as outcomes', () => {
    const runs = [
      run(DEPLOY - 2 * H, 5),
      run(DEPLOY - H, 6, 'FAILED'),
      run(DEPLOY + H, 7, 'TIMED_OUT'),
      run(DEPLOY + 2 * H, 1, 'FAILED'),
    ];
    const w = { deployedMs: DEPLOY, endMs: DEPLOY + 3 * H };
    expect(durationSeries(runs, w)).toMatchObject({ before: [5], after: [7], beforeFrom: 'newest' });
    expect(outcomeSeries(runs, w)).toMatchObject({ before: [0, 1], after: [1, 1], kind: 'outcome' });
  });

  it('draws rows written and the minutes between writes for a table', () => {
    const writes = [write(DEPLOY - 2 * H, 100), write(DEPLOY - H, null), write(DEPLOY + H, 5)];
    const w = { deployedMs: DEPLOY, endMs: DEPLOY + 3 * H };
    expect(rowsSeries(writes, w)).toMatchObject({ before: [100], after: [5] });
    expect(gapSeries(writes, w)).toMatchObject({ before: [60], after: [120] });
  });

  it('has no series for checks whose evidence is not one', () => {
    const w = { deployedMs: DEPLOY, endMs: DEPLOY };
    expect(seriesFor('config', 'job:j1', new Map(), new Map(), w)).toBeNull();
    expect(seriesFor('duration', 'job:j1', new Map([['j1', [run(DEPLOY - H, 3)]]]), new Map(), w)?.before).toEqual([3]);
    expect(
      seriesFor('row_count', 'table:a.b.c', new Map(), new Map([['a.b.c', [write(DEPLOY + 1, 9)]]]), {
        ...w,
        endMs: DEPLOY + 1,
      })?.after,
    ).toEqual([9]);
  });
});

describe('drawing', () => {
  it('scales both sides on one scale, lowest to highest glyph', () => {
    expect(sparkline([0, 50, 100], 0, 100, 'unicode')).toBe('▁▅█');
    expect(sparkline([0, 100], 0, 100, 'ascii')).toBe('_@');
    expect(sparkline([7, 7], 7, 7, 'ascii')).toBe('==');
  });

  it('shows a level that dropped after the deploy as a step, with the medians', () => {
    const text = drawSeries(
      { unit: 'rows written', before: [100, 110, 90], after: [0, 5], kind: 'level', beforeFrom: 'same slot' },
      'unicode',
    )!;
    expect(text.startsWith('▇█▇ ┃ ▁▁')).toBe(true);
    expect(text).toContain('median 100 over 3 same-slot before, 2.50 after (2)');
  });

  it('marks failed runs and says none yet when nothing came after the deploy', () => {
    const text = drawSeries(
      { unit: 'failed runs', before: [0, 0, 1], after: [], kind: 'outcome', beforeFrom: 'newest' },
      'ascii',
    )!;
    expect(text).toMatch(/^\.\.X \| \(none yet\)/);
    expect(drawSeries({ unit: 'x', before: [], after: [], kind: 'level', beforeFrom: 'newest' }, 'ascii')).toBeNull();
  });

  it('draws a single number against its baseline as two bars', () => {
    expect(drawBars(10, 5, 'ascii', 10)).toBe('baseline ########## 10\nobserved #####      5');
  });
});

describe('the watch status', () => {
  const frame: WatchFrame = {
    tick: 3,
    of: 60,
    nowMs: DEPLOY,
    speed: 60,
    underVerification: 2,
    verdicts: { VERIFYING: 1, FAILED: 1 },
    open: [
      { deploymentId: 'dep-1', bundle: 'sales', version: 'abcdef1234567', state: 'VERIFYING', finishedMs: DEPLOY - H },
    ],
    changes: [{ atMs: DEPLOY, deploymentId: 'dep-2', from: 'VERIFYING', to: 'FAILED' }],
    rollbacks: [
      {
        rollbackId: 'rb-1',
        deploymentId: 'dep-2',
        bundle: 'fin',
        state: 'EXECUTING',
        safety: 'SAFE',
        requestedMs: DEPLOY,
      },
    ],
    tickMs: 1500,
    budgetMs: 1000,
    behindMs: 700,
    errors: 0,
  };

  it('keeps the newest verdict changes first, a few', () => {
    const summary = (at: number) =>
      ({ nowMs: at, changed: [{ deploymentId: `d${at}`, from: null, to: 'VERIFYING' }] }) as never;
    let seen = withChanges([], summary(1));
    for (let i = 2; i <= 20; i++) seen = withChanges(seen, summary(i));
    expect(seen.length).toBe(CHANGES_SHOWN);
    expect(seen[0]!.deploymentId).toBe('d20');
  });

  it('shows what is verified, what changed, the rollbacks and a verifier that falls behind', () => {
    const block = renderFrame(frame);
    expect(block).toContain('tick 3 of 60');
    expect(block).toContain('UNDER VERIFICATION: 2 (FAILED 1, VERIFYING 1)');
    expect(block).toContain('dep-2  VERIFYING -> FAILED');
    expect(block).toContain('rb-1');
    expect(block).toContain('tick took 1.5 s of 1.0 s (over budget');
    expect(block).toContain('0.7 s behind schedule');
    const line = frameLine(frame, frame.changes);
    expect(line.split('\n').length).toBe(2);
    expect(line).toContain('1 verdict change(s): dep-2 VERIFYING->FAILED; 1 rollback(s) in flight');
  });
});
