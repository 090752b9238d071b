import { describe, expect, it } from 'vitest';
import { configEpisodeFigures } from '../../src/bench/quality/config-episodes.js';
import { simCatalog } from '../../src/bench/quality/sim-episodes.js';
import { configTargets } from '../../src/bench/quality/targets.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';

describe('config-change episodes of the quality benchmark', () => {
  const catalog = simCatalog(7, 24);

  it('catches every stopping change at the first tick and fails no healthy deploy', () => {
    const f = configEpisodeFigures(7, catalog, DEFAULT_POLICY);
    const jobs = catalog.filter((p) => p.resourceType === 'job').length;
    expect(jobs).toBeGreaterThan(0);
    expect(jobs).toBeLessThan(catalog.length);
    expect(f.episodes).toBe(catalog.length * 3);
    expect(f.stopping).toBe(catalog.length);
    expect(f.caught_first_tick).toBe(f.stopping);
    expect(f.warn_only).toBe(jobs);
    expect(f.warned_first_tick).toBe(jobs);
    expect(f.healthy).toBe(catalog.length + (catalog.length - jobs));
    expect(f.healthy_failed_by_config).toBe(0);
    expect(Object.values(configTargets(f)).every((t) => t.met)).toBe(true);
  });

  it('reports a miss when the check may not fail a deployment', () => {
    const lenient = { ...DEFAULT_POLICY, critical: { ...DEFAULT_POLICY.critical, config: false } };
    const f = configEpisodeFigures(7, catalog, lenient);
    expect(f.caught_first_tick).toBe(0);
    expect(configTargets(f)['config.caught_first_tick_rate']?.met).toBe(false);
  });
});
