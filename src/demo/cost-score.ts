// The replay's cost-regression episodes scored: failed by the cost check once their runs were
// billed, with the cluster change that goes with the rise named; and no other deployment that is
// not labelled bad failed by it.

export interface CostRow {
  readonly label: string;
  readonly kind: string | null;
  /** Worst result of its cost check: FAIL (unsuppressed), WARN, PASS; null while never decided. */
  readonly cost_status?: string | null;
  /** The first failing cost result's explanation. */
  readonly cost_explanation?: string | null;
}

export interface CostScore {
  readonly episodes: number;
  readonly caught: number;
  /** Caught with the configuration change named ("node type i3.xlarge → i3.4xlarge in this deployment"). */
  readonly named: number;
  /** The first caught episode's explanation. */
  readonly explanation: string | null;
  /** Other deployments not labelled bad whose cost check failed. */
  readonly others_failed: number;
}

export function scoreCost(rows: readonly CostRow[]): CostScore {
  const episodes = rows.filter((r) => r.kind === 'cost_regression');
  const caught = episodes.filter((r) => r.cost_status === 'FAIL');
  const named = caught.filter((r) => / in this deployment; /.test(r.cost_explanation ?? ''));
  return {
    episodes: episodes.length,
    caught: caught.length,
    named: named.length,
    explanation: caught[0]?.cost_explanation ?? null,
    others_failed: rows.filter((r) => r.kind !== 'cost_regression' && r.label !== 'bad' && r.cost_status === 'FAIL')
      .length,
  };
}
