// The pure parts of a tick's time budget: how due deployments are cut into slices, the record of
// what a tick left and its reading back, and the --tick-budget-s flag.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/cli/args.js';
import { tickBudgetMsOf } from '../../src/cli/tick-deps.js';
import { parseUnfinished, slices, startBudget, unfinishedRecord } from '../../src/tick/tick-budget.js';

const due = (id: string, bundle: string) => ({ deployment: { deploymentId: id, bundle } });
const ids = (parts: ReadonlyArray<ReadonlyArray<ReturnType<typeof due>>>) =>
  parts.map((p) => p.map((a) => a.deployment.deploymentId));

describe('slices', () => {
  it('keeps a bundle in one slice, fills slices up to the size, and puts what was left first', () => {
    const all = [due('a1', 'A'), due('b1', 'B'), due('a2', 'A'), due('c1', 'C'), due('c2', 'C'), due('c3', 'C')];
    expect(ids(slices(all, new Set(), 3))).toEqual([
      ['a1', 'a2', 'b1'],
      ['c1', 'c2', 'c3'],
    ]);
    expect(ids(slices(all, new Set(['c2']), 3))).toEqual([
      ['c2', 'c1', 'c3'],
      ['a1', 'a2', 'b1'],
    ]);
    // A bundle bigger than a slice is a slice of its own.
    expect(ids(slices(all, new Set(), 1))).toEqual([['a1', 'a2'], ['b1'], ['c1', 'c2', 'c3']]);
    expect(slices([], new Set(), 5)).toEqual([]);
  });

  it('hands out every due deployment exactly once, bundles whole, the carried ones in the first slices', () => {
    const arb = fc.record({
      bundles: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 40 }),
      carried: fc.array(fc.boolean(), { maxLength: 40 }),
      size: fc.integer({ min: 1, max: 12 }),
    });
    fc.assert(
      fc.property(arb, ({ bundles, carried, size }) => {
        const all = bundles.map((b, i) => due(`d${i}`, `b${b}`));
        const left = new Set(all.filter((_, i) => carried[i]).map((a) => a.deployment.deploymentId));
        const parts = slices(all, left, size);
        const flat = parts.flat();
        expect(flat.map((a) => a.deployment.deploymentId).sort()).toEqual(
          all.map((a) => a.deployment.deploymentId).sort(),
        );
        const sliceOf = new Map<string, number>();
        for (const [i, p] of parts.entries()) {
          expect(p.length).toBeGreaterThan(0);
          for (const a of p) {
            const seen = sliceOf.get(a.deployment.bundle);
            if (seen !== undefined) expect(seen).toBe(i);
            sliceOf.set(a.deployment.bundle, i);
          }
          // Only a bundle of its own makes a slice bigger than the size.
          if (p.length > size) expect(new Set(p.map((a) => a.deployment.bundle)).size).toBe(1);
        }
        // No slice holding only deployments nobody left comes before one holding a carried deployment.
        const carriedAt = parts.map((p) => p.some((a) => left.has(a.deployment.deploymentId)));
        const lastCarried = carriedAt.lastIndexOf(true);
        expect(carriedAt.slice(0, lastCarried + 1).every(Boolean)).toBe(true);
      }),
    );
  });
});

describe('the record of what a tick left', () => {
  it('reads back what was written', () => {
    const record = unfinishedRecord([due('z', 'B'), due('a', 'A')], ['step:untracked']);
    expect(record).toEqual(['deployment:a', 'deployment:z', 'step:untracked']);
    const back = parseUnfinished(JSON.stringify(record));
    expect([...back.deployments]).toEqual(['a', 'z']);
    expect([...back.steps]).toEqual(['step:untracked']);
  });

  it('carries nothing from a row that is empty or not a JSON array of strings', () => {
    for (const text of [null, '', 'deployment:a', '{"a":1}', '[1, null]', '"deployment:a"']) {
      const back = parseUnfinished(text);
      expect(back.deployments.size + back.steps.size, String(text)).toBe(0);
    }
  });
});

describe('the budget', () => {
  it('is left while the time taken is under it', () => {
    let now = 1_000;
    const budget = startBudget(50, 1_000, () => now);
    expect(budget.left()).toBe(true);
    now = 1_049;
    expect(budget.left()).toBe(true);
    now = 1_050;
    expect(budget.left()).toBe(false);
    expect(budget.elapsedMs()).toBe(50);
  });

  it('--tick-budget-s takes whole seconds in decimal digits only', () => {
    expect(tickBudgetMsOf(undefined)).toBe(50_000);
    expect(tickBudgetMsOf('50')).toBe(50_000);
    expect(tickBudgetMsOf('1')).toBe(1_000);
    for (const bad of ['0', '1e3', '0x10', '5.0', ' 5', '-5', '', '3601', '50s']) {
      expect(() => tickBudgetMsOf(bad), bad).toThrow(ConfigError);
      expect(() => tickBudgetMsOf(bad), bad).toThrow(/--tick-budget-s/);
    }
  });
});
