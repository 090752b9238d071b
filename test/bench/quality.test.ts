import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNab } from '../../src/bench/quality/nab-data.js';
import { type QualityOptions, runQuality } from '../../src/bench/quality/quality.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';

const base: QualityOptions = {
  seed: 11,
  healthy: 30,
  bad: 20,
  upstream: 4,
  pipelines: 30,
  nab: null,
  nabStrideHours: 7,
  nabMinHistoryDays: 7,
  policy: DEFAULT_POLICY,
};

/** A NAB-shaped copy with one flat hourly-volume series and its (empty) labels. */
function flatNab(dir: string, days: number, value: number): void {
  mkdirSync(join(dir, 'data', 'realKnownCause'), { recursive: true });
  mkdirSync(join(dir, 'labels'), { recursive: true });
  const lines = ['timestamp,value'];
  const t0 = Date.UTC(2014, 6, 1);
  for (let t = t0; t < t0 + days * 86_400_000; t += 1_800_000)
    lines.push(`${new Date(t).toISOString().slice(0, 19).replace('T', ' ')},${value}`);
  writeFileSync(join(dir, 'data', 'realKnownCause', 'nyc_taxi.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'labels', 'combined_windows.json'), JSON.stringify({ 'realKnownCause/nyc_taxi.csv': [] }));
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('quality benchmark', () => {
  // A small replay of the benchmark itself, beside the rest of the suite on two cores: its time limit
  // is the harness's, not a speed target (speed is measured by `npm run bench`).
  it('reports every figure, catches every hard failure and does not roll back a flat healthy series', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nab-'));
    dirs.push(dir);
    flatNab(dir, 40, 5000);
    const report = await runQuality({ ...base, nab: readNab(dir) });

    expect(report.healthy_episodes).toBe(30);
    expect(report.bad_episodes).toBe(20);
    expect(report.upstream_episodes).toBe(4);
    for (const key of [
      'frr_per_1000',
      'frr_upper_95_per_1000',
      'recall_hard',
      'delay_runs_p50',
      'delay_runs_p90',
      'inconclusive_rate',
    ] as const) {
      expect(report[key], key).not.toBeNull();
    }
    expect(Object.keys(report.recall)).toEqual(
      expect.arrayContaining(['volume_x0.5', 'volume_x2', 'zero_rows', 'failing_runs', 'duration_x2', 'stale_output']),
    );
    expect(report.recall_within_target['volume_x0.5']?.within_runs).toBe(3);
    // The gate's ceiling is reported for every volume target and never sits below the recall it bounds.
    expect(Object.keys(report.recall_ceiling_within_target).sort()).toEqual([
      'volume_x0.5',
      'volume_x0.8',
      'volume_x1.2',
      'volume_x2',
    ]);
    for (const [effect, c] of Object.entries(report.recall_ceiling_within_target)) {
      expect(c.ceiling, effect).toBeGreaterThanOrEqual(report.recall_within_target[effect]!.recall);
    }
    // Failed runs and zero rows are deterministic rules: every one must end in a rollback.
    expect(report.recall_hard).toBe(1);
    expect(report.frr_upper_95_per_1000!).toBeGreaterThan(report.frr_per_1000!);
    expect(report.params.policy).toEqual(DEFAULT_POLICY);

    const nab = report.nab!;
    expect(nab.healthy_episodes).toBeGreaterThan(20);
    expect(nab.false_rollbacks).toBe(0);
    expect(nab.recall.zero_rows).toBe(1);
    expect(nab.series.nyc_taxi?.split).toBe('report');
    expect(nab.missing_series.length).toBeGreaterThan(0);
    expect(report.targets['nab.frr_per_1000']?.met).toBe(true);
  }, 240_000);

  it('gives the same report for the same seed', async () => {
    const a = await runQuality({ ...base, healthy: 12, bad: 10, upstream: 0 });
    const b = await runQuality({ ...base, healthy: 12, bad: 10, upstream: 0 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    // Two replays of the benchmark's world: about 20 s on a quiet machine, past a minute on a busy one.
  }, 240_000);

  it('refuses a NAB folder without labels, naming the flag and the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nab-'));
    dirs.push(dir);
    expect(() => readNab(dir)).toThrow(
      /--nab .*combined_windows\.json not found; point --nab at a copy of the NAB repository/,
    );
  });
});
