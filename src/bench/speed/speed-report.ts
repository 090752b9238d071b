// What `bench speed` prints: one JSON object, its fields named for the figures they hold.

import type { RttFigures } from './at-rtt.js';
import type { CacheEquivalence } from './cache-equivalence.js';

/**
 * The figures at workspace latency (at-rtt.ts): each statement 150 ms, each REST call 100 ms, the
 * tick wired as the job wires it. round_trips_critical_path is the 90th percentile, over the ticks
 * measured, of the longest chain of round trips each sent only after the one before came back.
 */
export interface SpeedReport extends RttFigures {
  readonly pipelines: number;
  readonly days: number;
  readonly deploys_per_day: number;
  readonly active_deployments_p50: number;
  readonly tick_ms_p50: number;
  readonly tick_ms_p90: number;
  readonly statements_per_tick: number;
  readonly statements_per_tick_max: number;
  readonly history_reads_per_tick: number;
  readonly history_reads_per_new_run: number;
  readonly rest_calls_per_tick: number;
  /** Peak resident memory of a `postflight tick` process, the way the job runs the verifier: one process a minute. */
  readonly rss_mb_peak: number;
  readonly rss_mb_p50: number;
  readonly job_runs: number;
  /** The tick inside such a process: cold JIT and cold warehouse cache. */
  readonly tick_ms_p50_job_run: number;
  /** The whole process: start, open, tick, close. */
  readonly job_run_ms_p50: number;
  readonly job_run_ms_max: number;
  /** One long-lived process that both advances the simulated platform and ticks (the tick_ms figures' loop). */
  readonly rss_mb_peak_with_simulator: number;
  /** A verifier's first tick with no caches, which reads the whole baseline of every table once. */
  readonly rss_mb_peak_cold_start: number;
  readonly tick_ms_p50_30d: number;
  readonly tick_ms_ratio_90d_vs_30d: number;
  readonly statements_at_10_100_300_active: number[];
  readonly active_at_statement_points: number[];
  readonly judged_at_statement_points: number[];
  readonly first_verdict_s_p50: number;
  readonly first_verdict_s_max: number;
  readonly naive_vs_setbased_ratio: number;
  readonly naive_statements: number;
  readonly setbased_statements: number;
  readonly cache: CacheEquivalence;
  readonly cores: number;
}
