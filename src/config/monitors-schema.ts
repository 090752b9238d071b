// The policy file's `checks.monitors` section: which of Databricks' own monitors are read as
// evidence, and what a drift monitor's thresholds are. Resolved into the check policy here too.

import { z } from 'zod';
import {
  DRIFT_METRICS,
  type DriftMonitor,
  driftMetricsTableOf,
  type MonitorsPolicy,
} from '../checks/monitor-policy.js';

const PART = '[A-Za-z_][A-Za-z0-9_]*';
const tableName = z
  .string()
  .regex(new RegExp(`^${PART}(\\.${PART}){1,2}$`), 'must be schema.table or catalog.schema.table');
const schemaName = z.string().regex(new RegExp(`^${PART}(\\.${PART})?$`), 'must be catalog.schema or schema');

const metrics = z
  .strictObject(
    Object.fromEntries(DRIFT_METRICS.map((m) => [m, z.number().min(0)])) as Record<
      (typeof DRIFT_METRICS)[number],
      z.ZodNumber
    >,
  )
  .partial()
  .refine((m) => Object.keys(m).length > 0, {
    message: 'names no metric; give at least one, e.g. {"population_stability_index": 0.2}',
  });

const driftMonitor = z
  .strictObject({
    /** The monitor's drift metrics table, as its configuration names it (drift_metrics_table_name). */
    metricsTable: tableName,
    /** Or the monitor's output schema, where the table is `<table>_drift_metrics`. */
    outputSchema: schemaName,
    /** The monitor's name in explanations; the metrics table's by default. */
    monitor: z.string().min(1),
    driftType: z.enum(['CONSECUTIVE', 'BASELINE']),
    metrics,
    columns: z.array(z.string().min(1)),
  })
  .partial({ metricsTable: true, outputSchema: true, monitor: true, driftType: true, columns: true })
  .refine((d) => d.metricsTable !== undefined || d.outputSchema !== undefined, {
    message: 'names no drift metrics table; give "metricsTable" or the monitor\'s "outputSchema"',
    when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
  });

export const monitorsSchema = z
  .strictObject({
    critical: z.boolean(),
    dryRun: z.boolean(),
    /** Read data quality monitoring's results (system.data_quality_monitoring.table_results). */
    dataQualityMonitoring: z.boolean(),
    /** Monitored table (catalog.schema.table) -> its Lakehouse Monitoring drift monitor. */
    drift: z.record(tableName, driftMonitor),
  })
  .partial();

export type MonitorsLayer = z.infer<typeof monitorsSchema>;

/** A layer's monitors over the policy's: drift monitors are merged table by table. */
export function applyMonitorsLayer(p: MonitorsPolicy, layer: MonitorsLayer | undefined): MonitorsPolicy {
  if (!layer) return p;
  const drift: Record<string, DriftMonitor> = { ...p.drift };
  for (const [table, d] of Object.entries(layer.drift ?? {})) {
    const metricsTable = d.metricsTable ?? driftMetricsTableOf(d.outputSchema!, table);
    drift[table] = {
      table,
      metricsTable,
      name: d.monitor ?? metricsTable,
      driftType: d.driftType ?? 'CONSECUTIVE',
      metrics: d.metrics,
      columns: d.columns ?? [],
    };
  }
  return { dataQuality: layer.dataQualityMonitoring ?? p.dataQuality, drift };
}
