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

  it('judges pipeline updates as well as job runs, and reports each apart', () => {
    const figures = costEpisodeFigures(7, simCatalog(7, 12), DEFAULT_POLICY);
    const { job, pipeline } = figures.by_kind;
    expect(pipeline.regressions).toBeGreaterThan(5);
    expect(job.regressions).toBeGreaterThan(5);
    expect(job.regressions + pipeline.regressions).toBe(figures.regressions);
    expect(job.healthy + pipeline.healthy).toBe(figures.healthy);
    for (const k of [job, pipeline]) {
      expect(k.cost_recall!).toBeGreaterThanOrEqual(0.9);
      expect(k.named).toBe(k.caught);
      expect(k.cost_false_fails).toBe(0);
    }
  });
});
