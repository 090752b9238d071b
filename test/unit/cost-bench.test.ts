import { describe, expect, it } from 'vitest';
import { costEpisodeFigures } from '../../src/bench/quality/cost-episodes.js';
import { simCatalog } from '../../src/bench/quality/sim-episodes.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';

describe('cost episodes of the quality benchmark', () => {
  it('catches x2 to x4 cost regressions within three billed runs, fails no code-only deploy', () => {
    const figures = costEpisodeFigures(7, simCatalog(7, 12), DEFAULT_POLICY);
    expect(figures.regressions).toBeGreaterThan(10);
    expect(figures.cost_recall!).toBeGreaterThanOrEqual(0.9);
    expect(figures.named).toBe(figures.caught);
    expect(figures.cost_false_fails).toBe(0);
  });
});
