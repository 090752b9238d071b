// Scores the stated-SLA episodes apart from the others, so the statistical figures keep their
// meaning: releases whose runs break a limit their settings state (a job's or task's timeout, a
// RUN_DURATION_SECONDS health rule) must be rolled back at the first run that breaks it, and
// releases that keep such a limit near their slowest run must never be failed for it (they may
// still be failed for something else, as any healthy release may: counted apart).

import type { ScoredEpisode } from './score.js';

export interface StatedSlaFigures {
  readonly breach_episodes: number;
  readonly rolled_back: number;
  /** Rolled back once at most one post-deploy run had been seen: the breach's own. */
  readonly rolled_back_at_first_run: number;
  readonly recall: number | null;
  readonly recall_first_run: number | null;
  /** Breaches whose rollback the duration check's hard SLA took part in (the rest: run health alone). */
  readonly failed_by_duration: number;
  readonly by_effect: Record<string, { episodes: number; rolled_back: number; at_first_run: number }>;
  readonly kept_episodes: number;
  /** Releases that keep their stated limit and were rolled back all the same, for any reason. */
  readonly kept_rolled_back: number;
  /** Of those, the ones the duration check took part in: what a stated limit kept must never do. */
  readonly kept_failed_by_duration: number;
  readonly kept_healthy: number;
}

const rate = (k: number, n: number) => (n > 0 ? Number((k / n).toFixed(4)) : null);

export function scoreStatedSla(episodes: readonly ScoredEpisode[]): StatedSlaFigures {
  const breach = episodes.filter((e) => e.label === 'bad');
  const kept = episodes.filter((e) => e.label === 'healthy');
  const caught = breach.filter((e) => e.outcome.rolledBack);
  const first = caught.filter((e) => (e.outcome.delayRuns ?? Infinity) <= 1);
  const byEffect: StatedSlaFigures['by_effect'] = {};
  for (const e of breach) {
    const key = e.effect ?? 'unknown';
    const at = byEffect[key] ?? { episodes: 0, rolled_back: 0, at_first_run: 0 };
    byEffect[key] = at;
    at.episodes++;
    if (e.outcome.rolledBack) at.rolled_back++;
    if (e.outcome.rolledBack && (e.outcome.delayRuns ?? Infinity) <= 1) at.at_first_run++;
  }
  return {
    breach_episodes: breach.length,
    rolled_back: caught.length,
    rolled_back_at_first_run: first.length,
    recall: rate(caught.length, breach.length),
    recall_first_run: rate(first.length, breach.length),
    failed_by_duration: caught.filter((e) => e.outcome.failedChecks.includes('duration')).length,
    by_effect: byEffect,
    kept_episodes: kept.length,
    kept_rolled_back: kept.filter((e) => e.outcome.rolledBack).length,
    kept_failed_by_duration: kept.filter((e) => e.outcome.rolledBack && e.outcome.failedChecks.includes('duration'))
      .length,
    kept_healthy: kept.filter((e) => e.outcome.state === 'HEALTHY').length,
  };
}
