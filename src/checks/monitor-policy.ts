// Which of Databricks' own monitors a bundle's deployments are judged by, beside postflight's own
// statistics: data quality monitoring's freshness and completeness results, and Lakehouse
// Monitoring drift metrics tables. Off unless the policy file turns them on.

/** Drift metrics columns of a `<table>_drift_metrics` table that a threshold may name. */
export const DRIFT_METRICS = [
  'count_delta',
  'avg_delta',
  'percent_null_delta',
  'percent_zeros_delta',
  'percent_distinct_delta',
  'js_distance',
  'wasserstein_distance',
  'population_stability_index',
  'tv_distance',
  'l_infinity_distance',
  'ks_pvalue',
  'chi_squared_pvalue',
] as const;

export type DriftMetric = (typeof DRIFT_METRICS)[number];

/** A p-value drifts when it falls below its threshold; every other metric when its size rises above it. */
export const isPValue = (m: DriftMetric): boolean => m === 'ks_pvalue' || m === 'chi_squared_pvalue';

export interface DriftMonitor {
  /** The monitored table, catalog.schema.table. */
  readonly table: string;
  /** Its drift metrics table: `<output schema>.<table>_drift_metrics` unless the monitor names another. */
  readonly metricsTable: string;
  /** How explanations name the monitor. */
  readonly name: string;
  /** CONSECUTIVE compares each window with the one before; BASELINE with the monitor's baseline table. */
  readonly driftType: 'CONSECUTIVE' | 'BASELINE';
  /** Metric -> threshold. */
  readonly metrics: Readonly<Partial<Record<DriftMetric, number>>>;
  /** Columns whose drift counts (`:table` is the whole table); all of them when empty. */
  readonly columns: readonly string[];
}

export interface MonitorsPolicy {
  /** Read `system.data_quality_monitoring.table_results` for the deployments' tables. */
  readonly dataQuality: boolean;
  /** Drift monitors by monitored table. */
  readonly drift: Readonly<Record<string, DriftMonitor>>;
}

export const DEFAULT_MONITORS: MonitorsPolicy = { dataQuality: false, drift: {} };

/** The drift metrics table a monitor with this output schema writes for `table`. */
export function driftMetricsTableOf(outputSchema: string, table: string): string {
  return `${outputSchema}.${table.split('.').pop()}_drift_metrics`;
}
