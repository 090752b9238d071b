import { describe, expect, it } from 'vitest';
import { burnEpisodeFigures } from '../../src/bench/quality/burn-episodes.js';
import { simCatalog } from '../../src/bench/quality/sim-episodes.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';

describe('burn-driven episodes of the quality benchmark', () => {
  it('catches them through the live watch once verification is over, and says how late', () => {
    const catalog = simCatalog(7, 24);
    const f = burnEpisodeFigures(7, catalog, DEFAULT_POLICY, { episodes: 8, candidateHours: 24 });
    expect(f.episodes).toBe(8);
    expect(f.caught_by_budget + f.caught_by_check).toBe(f.caught);
    expect(f.caught + f.missed).toBe(8);
    expect(f.caught_by_budget).toBeGreaterThan(0);
    expect(f.recall).toBeCloseTo(f.caught / 8, 12);
    // No catch before the failure rate rises: nothing fails before it.
    expect(f.delay_min_p50).toBeGreaterThanOrEqual(0);
    expect(f.delay_min_max).toBeGreaterThanOrEqual(f.delay_min_p50!);
  });

  it('finds nothing when the policy does not roll back on burn', () => {
    const catalog = simCatalog(7, 24);
    const slos = {
      periodDays: 28,
      sparseBelowPerHour: 12,
      defaults: {
        runSuccess: { target: 0.95, rollbackOnBurn: { fast: false, slow: false, sparse: false } },
        freshness: {
          target: 0.99,
          maxAgeMinutes: null,
          cadenceMultiple: 2,
          rollbackOnBurn: { fast: false, slow: false, sparse: false },
        },
        expectations: { target: 0.99, rollbackOnBurn: { fast: false, slow: false, sparse: false } },
      },
      overrides: [],
    };
    const f = burnEpisodeFigures(7, catalog, DEFAULT_POLICY, { episodes: 8, candidateHours: 24, slos });
    expect(f.caught_by_budget).toBe(0);
  });
});
