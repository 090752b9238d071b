import { describe, expect, it } from 'vitest';
import { BURN_FAIL_RATE, BURN_RISES_AFTER_MS, burnFails } from '../../src/simulator/burn-behaviour.js';
import { firstSlotAfter, slotStartMs } from '../../src/simulator/catalog.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { simulateRun } from '../../src/simulator/runs.js';
import { buildWorldModel } from '../../src/simulator/world-step.js';

const DAY = 86_400_000;

describe('the burn-driven episode of the simulated world', () => {
  const spec = defaultSpec();
  const model = buildWorldModel(spec);
  const burns = model.plan.deploys.filter((d) => d.behaviour.kind === 'burn_rate');

  it('is one labelled bad deploy of something that runs every 30 minutes or more often, in the replay', () => {
    expect(burns).toHaveLength(1);
    const d = burns[0]!;
    const p = model.catalog[d.pipelineIndex]!;
    expect(d.label).toBe('bad');
    expect(p.cadenceMin).toBeLessThanOrEqual(30);
    expect(d.atMs).toBeGreaterThanOrEqual(spec.startMs);
    expect(d.atMs).toBeLessThan(spec.startMs + DAY);
    expect(d.behaviour.factor).toBe(d.atMs + BURN_RISES_AFTER_MS);
  });

  it('fails twice in a row an hour or more before its bundle is deployed again and before the replay ends', () => {
    const d = burns[0]!;
    const p = model.catalog[d.pipelineIndex]!;
    const next = model.plan.deploys.find((o) => o.bundle === d.bundle && o.atMs > d.atMs)?.atMs ?? spec.startMs + DAY;
    let previous = false;
    let pairEnd: number | null = null;
    for (let s = firstSlotAfter(p, d.atMs); pairEnd === null && slotStartMs(p, s) < next; s++) {
      const run = simulateRun(spec.seed, p, s, slotStartMs(p, s), d.behaviour, []);
      const failed = !run.succeeded && run.terminationType !== 'CLOUD_FAILURE';
      if (failed && previous) pairEnd = run.endMs;
      previous = failed;
    }
    expect(pairEnd).not.toBeNull();
    expect(pairEnd!).toBeLessThan(Math.min(next, spec.startMs + DAY) - 3_600_000);
  });

  it('fails no run before the rise and about one in five after it', () => {
    const d = burns[0]!;
    const p = model.catalog[d.pipelineIndex]!;
    const before: boolean[] = [];
    const after: boolean[] = [];
    // Over a long stretch, so the rate after the rise is measured on hundreds of runs.
    for (let s = firstSlotAfter(p, d.atMs); slotStartMs(p, s) < d.atMs + 10 * DAY; s++) {
      const start = slotStartMs(p, s);
      const run = simulateRun(spec.seed, p, s, start, d.behaviour, []);
      const userFailure = !run.succeeded && run.terminationType !== 'CLOUD_FAILURE';
      (start < d.behaviour.factor ? before : after).push(userFailure);
    }
    expect(before.length).toBeGreaterThanOrEqual(12);
    expect(before.filter(Boolean)).toHaveLength(0);
    const rate = after.filter(Boolean).length / after.length;
    expect(rate).toBeGreaterThan(BURN_FAIL_RATE - 0.05);
    expect(rate).toBeLessThan(BURN_FAIL_RATE + 0.05);
  });

  it('rises at its instant and not before', () => {
    expect(burnFails(1000, 999, 0)).toBe(false);
    expect(burnFails(1000, 1000, BURN_FAIL_RATE - 1e-9)).toBe(true);
    expect(burnFails(1000, 5000, BURN_FAIL_RATE)).toBe(false);
  });
});
