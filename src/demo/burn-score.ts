// The burn-driven episodes of a replay: releases whose runs pass while verified, then fail one in
// five. Caught by the error budget when the deployment failed for its burn (the verdict's or the
// rollback's reason names the error budget), not by a check.

import { BURN_REASON } from '../tick/burn-verdicts.js';
import { FAILING_VERDICTS } from '../types.js';

/** What a replayed deployment's row says about a burn-driven episode. */
interface BurnRow {
  readonly kind: string | null;
  /** For burn_rate, the instant the failure rate rises. */
  readonly factor: number | null;
  readonly state: string | null;
  readonly rollback_state: string | null;
  readonly reason?: string | null;
  readonly rollback_reason?: string | null;
  readonly rollback_requested_ms?: number | null;
}

export interface BurnScore {
  readonly episodes: number;
  /** Failed (or rolled back) for their budget's burn. */
  readonly caught_by_budget: number;
  /** Failed by a check instead (the rate rose while the deployment was still verified). */
  readonly caught_by_check: number;
  readonly rolled_back: number;
  /** Minutes from the rise of the failure rate to the rollback's request, per episode rolled back. */
  readonly rollback_after_rise_min: readonly number[];
  /** Why: the first burn-driven episode's rollback reason. */
  readonly reason: string | null;
}

export function scoreBurn(rows: readonly BurnRow[]): BurnScore {
  const burn = rows.filter((r) => r.kind === 'burn_rate');
  const byBudget = (r: BurnRow) => [r.reason, r.rollback_reason].some((x) => (x ?? '').startsWith(`${BURN_REASON}:`));
  const failed = burn.filter((r) => FAILING_VERDICTS.has(r.state ?? ''));
  const rolled = burn.filter((r) => r.rollback_state === 'SUCCEEDED');
  return {
    episodes: burn.length,
    caught_by_budget: failed.filter(byBudget).length,
    caught_by_check: failed.filter((r) => !byBudget(r)).length,
    rolled_back: rolled.length,
    // The factor of a burn-driven release is the instant its failure rate rises.
    rollback_after_rise_min: rolled
      .filter((r) => r.rollback_requested_ms != null && r.factor != null)
      .map((r) => Math.round((Number(r.rollback_requested_ms) - Number(r.factor)) / 60_000)),
    reason: burn.find(byBudget)?.rollback_reason ?? burn.find(byBudget)?.reason ?? null,
  };
}
