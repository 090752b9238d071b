// The replay's config-change episodes scored: the ones that stop production work failed by the
// config check with the deployment's very first verdict, the notification-only one warned, the
// declared one passed, and no deployment that is not labelled bad failed by a config check.

import { isConfigKind, STOPPING_CONFIG_KINDS } from '../simulator/config-episodes.js';
import { FAILING_VERDICTS } from '../types.js';

export interface ConfigRow {
  readonly deployment_id: string;
  readonly label: string;
  readonly kind: string | null;
  readonly state: string | null;
  readonly first_verdict_ms: number | null;
  readonly first_fail_ms: number | null;
  /** Worst result of the deployment's config check: FAIL (unsuppressed), WARN, PASS; null when never judged. */
  readonly config_status: string | null;
}

export interface ConfigScore {
  readonly episodes: number;
  readonly stopping: number;
  /** Stopping changes failed by the config check with the first verdict, at the first tick after the deploy. */
  readonly stopping_caught_first_tick: number;
  readonly warn_only: number;
  readonly warned: number;
  readonly declared: number;
  readonly declared_passed: number;
  /** Deployments not labelled bad whose config check failed: must be 0. */
  readonly not_bad_failed_by_config: number;
}

export function scoreConfig(rows: readonly ConfigRow[]): ConfigScore {
  const episodes = rows.filter((r) => isConfigKind(r.kind));
  const stopping = episodes.filter((r) => STOPPING_CONFIG_KINDS.includes(r.kind as never));
  const atFirstTick = (r: ConfigRow) =>
    r.config_status === 'FAIL' &&
    FAILING_VERDICTS.has(r.state ?? '') &&
    r.first_fail_ms !== null &&
    r.first_verdict_ms !== null &&
    Number(r.first_fail_ms) <= Number(r.first_verdict_ms);
  const warnOnly = episodes.filter((r) => r.kind === 'notification_removed');
  const declared = episodes.filter((r) => r.kind === 'expected_retarget');
  return {
    episodes: episodes.length,
    stopping: stopping.length,
    stopping_caught_first_tick: stopping.filter(atFirstTick).length,
    warn_only: warnOnly.length,
    warned: warnOnly.filter((r) => r.config_status === 'WARN').length,
    declared: declared.length,
    declared_passed: declared.filter((r) => r.config_status === 'PASS' && !FAILING_VERDICTS.has(r.state ?? '')).length,
    not_bad_failed_by_config: rows.filter((r) => r.label !== 'bad' && r.config_status === 'FAIL').length,
  };
}
