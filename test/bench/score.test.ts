import { describe, expect, it } from 'vitest';
import type { EpisodeOutcome } from '../../src/bench/quality/replay.js';
import { type ScoredEpisode, scoreEpisodes } from '../../src/bench/quality/score.js';

const outcome = (over: Partial<EpisodeOutcome>): EpisodeOutcome => ({
  state: 'INCONCLUSIVE',
  rolledBack: false,
  delayRuns: null,
  postRuns: 5,
  failedChecks: [],
  hardRule: false,
  eligible: true,
  eligibleChecks: over.eligible === false ? [] : ['row_count'],
  reason: '',
  undecidedBy: null,
  looks: 5,
  ...over,
});
const episode = (index: number, over: Partial<EpisodeOutcome>, effect = 'volume_x2'): ScoredEpisode => ({
  index,
  label: 'bad',
  effect,
  group: 'g',
  outcome: outcome(over),
});

describe('quality scoring', () => {
  it('reports recall among the episodes a rollback was possible for beside recall over all', () => {
    const f = scoreEpisodes([
      episode(0, { rolledBack: true, state: 'FAILED', delayRuns: 2, failedChecks: ['row_count'] }),
      episode(1, {}),
      // Too small a baseline to roll back on: the check could at most warn.
      episode(2, { eligible: false, state: 'DEGRADED' }),
      episode(3, { eligible: false }),
      episode(
        4,
        {
          eligible: false,
          rolledBack: true,
          state: 'FAILED',
          delayRuns: 1,
          hardRule: true,
          failedChecks: ['row_count'],
        },
        'zero_rows',
      ),
    ]);
    expect(f.recall.volume_x2).toBe(0.25);
    expect(f.recall_eligible.volume_x2).toBe(0.5);
    expect(f.bad_by_effect.volume_x2).toEqual({ episodes: 4, rolled_back: 1, healthy_verdicts: 0, eligible: 2 });
    // No episode of an effect was eligible: there is no such recall to report, not a zero.
    expect(f.recall_eligible.zero_rows).toBeNull();
    expect(f.recall.zero_rows).toBe(1);
  });

  it('counts a volume regression as one a rollback was possible for only by the volume check, a duration one by the duration check', () => {
    const byDuration = { eligible: true, eligibleChecks: ['duration'] as const };
    const f = scoreEpisodes([
      episode(0, byDuration),
      episode(1, { rolledBack: true, state: 'FAILED', delayRuns: 1 }),
      episode(2, byDuration, 'duration_x2'),
      episode(3, { eligibleChecks: ['row_count'] }, 'duration_x2'),
    ]);
    expect(f.bad_by_effect.volume_x2?.eligible).toBe(1);
    expect(f.recall_eligible.volume_x2).toBe(1);
    expect(f.bad_by_effect.duration_x2?.eligible).toBe(1);
  });

  it('sets the oracle beside each recall: within the target where there is one, over the watch otherwise', () => {
    const caught = { rolledBack: true, state: 'FAILED' as const };
    const f = scoreEpisodes([
      { ...episode(0, { ...caught, delayRuns: 4 }, 'volume_x0.8'), oracle: { window: true, withinTarget: true } },
      { ...episode(1, { ...caught, delayRuns: 7 }, 'volume_x0.8'), oracle: { window: true, withinTarget: true } },
      { ...episode(2, {}, 'volume_x0.8'), oracle: { window: true, withinTarget: false } },
      { ...episode(3, {}, 'volume_x0.8'), oracle: { window: false, withinTarget: false } },
      { ...episode(4, { ...caught, delayRuns: 9 }, 'duration_x1.5'), oracle: { window: true } },
      { ...episode(5, {}, 'duration_x1.5'), oracle: { window: true } },
      // No oracle for an effect without a known level: nothing to report.
      episode(6, { ...caught, delayRuns: 1 }, 'zero_rows'),
    ]);
    expect(f.oracle_power_within_target['volume_x0.8']).toEqual({ within_runs: 5, power: 0.5 });
    expect(f.oracle_power['volume_x0.8']).toBe(0.75);
    // One of four caught within 5 runs, where the oracle caught two.
    expect(f.recall_over_oracle['volume_x0.8']).toBe(0.5);
    expect(f.oracle_power['duration_x1.5']).toBe(1);
    expect(f.recall_over_oracle['duration_x1.5']).toBe(0.5);
    expect(f.recall_over_oracle.zero_rows).toBeUndefined();
    expect(f.oracle_power.zero_rows).toBeUndefined();
    expect(f.oracle_frr_per_1000).toBeNull();
    // On healthy deployments the oracle's catches are false rollbacks even it would make.
    const healthy = (index: number, window: boolean): ScoredEpisode => ({
      ...episode(index, { state: 'HEALTHY' }),
      label: 'healthy',
      effect: null,
      oracle: { window },
    });
    expect(
      scoreEpisodes([healthy(0, true), healthy(1, false), healthy(2, false), healthy(3, false)]).oracle_frr_per_1000,
    ).toBe(250);
  });

  it('bounds the recall within a volume target by the episodes that met the gate or were caught in time', () => {
    const gated = (index: number, met: boolean, over: Partial<EpisodeOutcome> = {}): ScoredEpisode => ({
      ...episode(index, over, 'volume_x0.8'),
      gateMetWithinTarget: met,
    });
    const f = scoreEpisodes([
      gated(0, true, { rolledBack: true, state: 'FAILED', delayRuns: 3 }),
      gated(1, true),
      gated(2, false),
      // Caught within the runs by another route: counted, so the bound is never below the recall.
      gated(3, false, { rolledBack: true, state: 'FAILED', delayRuns: 2 }),
      // Caught, but only after the target's 5 runs.
      gated(4, false, { rolledBack: true, state: 'FAILED', delayRuns: 7 }),
    ]);
    expect(f.recall_within_target['volume_x0.8']).toEqual({ within_runs: 5, recall: 0.4 });
    expect(f.recall_ceiling_within_target['volume_x0.8']).toEqual({ within_runs: 5, ceiling: 0.6 });
    expect(f.recall_ceiling_within_target.volume_x2).toBeUndefined();
  });
});
