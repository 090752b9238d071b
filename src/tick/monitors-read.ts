// Databricks' own monitors, read for the tables of the deployments whose policy asks for them:
// data quality monitoring's results in one statement for all the tables, and each drift metrics
// table a policy names in one statement of its own (a table per monitor, as DESCRIBE HISTORY is
// per table). They are never required: a source that is missing or not granted is reported once
// as a warning, left unread for a while, and read again later; it is never a measurement error.

import type { DriftMonitor } from '../checks/monitor-policy.js';
import { DRIFT_METRICS } from '../checks/monitor-policy.js';
import type { DriftObservation, MonitorEvidence, QualityResult } from '../checks/monitors.js';
import type { Policy } from '../checks/policy.js';
import { driftRowReason, qualityRowReason } from '../evidence/validate-context.js';
import { malformedRow } from '../evidence/validate-values.js';
import type { MeasurementError } from '../types.js';
import { indexedRows } from '../warehouse/id-rows.js';
import type { Warehouse } from '../warehouse/port.js';
import type { LineageIndex } from './lineage.js';
import type { ActiveDeployment } from './open.js';

const HOUR = 3_600_000;
/** How far before the first deploy the monitors' rows are read: the last verdict before it. */
export const MONITOR_LOOKBACK_MS = 72 * HOUR;
/** How long a source found missing or not granted is left unread before it is tried again. */
export const UNAVAILABLE_RETRY_MS = 6 * HOUR;
/** The watermark that remembers since when a source was unavailable (0 once it is read again). */
export const unavailableMark = (source: string) => `monitors_unavailable:${source}`;
export const QUALITY_SOURCE = 'system.data_quality_monitoring.table_results';

/** What a source's error says: missing or not granted (no use asking every tick), or anything else. */
const UNAVAILABLE =
  /not found|does not exist|TABLE_OR_VIEW_NOT_FOUND|SCHEMA_NOT_FOUND|CATALOG_NOT_FOUND|PERMISSION_DENIED|INSUFFICIENT_PERMISSIONS|not authori[sz]ed|Catalog Error/i;

export interface MonitorsWanted {
  /** Tables whose data quality monitoring results are read. */
  readonly quality: readonly string[];
  /** Drift monitors whose metrics tables are read. */
  readonly drift: readonly DriftMonitor[];
}

export interface MonitorsRead {
  readonly evidence: MonitorEvidence;
  readonly newMarks: Record<string, number>;
  /** For the log: a source found unavailable for the first time, or failing otherwise. */
  readonly warnings: string[];
  /**
   * Rows that break their source's schema, as errors of the table they are about: a source that
   * cannot be read is a warning, but one that answers with junk spoils that table's monitors check.
   */
  readonly errors: MeasurementError[];
}

/** Which monitors the deployments' own policies read, for the tables each deployment writes. */
export function monitorsWanted(
  active: readonly ActiveDeployment[],
  lineage: LineageIndex,
  policyFor: (bundle: string) => Policy,
): MonitorsWanted {
  const quality = new Set<string>();
  const drift = new Map<string, DriftMonitor>();
  for (const { deployment } of active) {
    const policy = policyFor(deployment.bundle);
    for (const t of deployment.resources.flatMap((r) => [...(lineage.targets.get(r.id) ?? [])])) {
      if (policy.monitors.dataQuality) quality.add(t);
      const d = policy.monitors.drift[t];
      if (d) drift.set(`${d.metricsTable}\u0000${d.driftType}\u0000${t}`, d);
    }
  }
  return { quality: [...quality].sort(), drift: [...drift.values()] };
}

export async function readMonitors(
  wh: Warehouse,
  wanted: MonitorsWanted,
  sinceMs: number,
  marks: ReadonlyMap<string, number>,
  nowMs: number,
): Promise<MonitorsRead> {
  const out: MonitorsRead = { evidence: { quality: [], drift: [] }, newMarks: {}, warnings: [], errors: [] };
  const quality: QualityResult[] = [];
  const drift: DriftObservation[] = [];
  const guarded = async (source: string, read: () => Promise<void>) => {
    const since = marks.get(unavailableMark(source)) ?? 0;
    if (since > 0 && nowMs - since < UNAVAILABLE_RETRY_MS) return;
    try {
      await read();
      if (since > 0) out.newMarks[unavailableMark(source)] = 0;
    } catch (e) {
      const message = (e as Error).message;
      if (!UNAVAILABLE.test(message)) {
        out.warnings.push(`${source} could not be read this tick: ${message}`);
        return;
      }
      out.newMarks[unavailableMark(source)] = nowMs;
      if (since === 0)
        out.warnings.push(
          `${source} is missing or not granted to the verifier, so deployments are judged without it; read again every ${UNAVAILABLE_RETRY_MS / HOUR} h (${message})`,
        );
    }
  };
  const reads: Promise<void>[] = [];
  if (wanted.quality.length)
    reads.push(
      guarded(QUALITY_SOURCE, async () => {
        const rows = await wh.query('tick/monitor_results', { since_ms: sinceMs }, indexedRows(wanted.quality, 'name'));
        for (const r of rows) {
          const table = wanted.quality[Number(r.idx)]!;
          const reason = qualityRowReason(r);
          if (reason !== null) {
            const key = `${table} at ${String(r.event_ms)}`;
            out.errors.push(malformedRow('monitors', `table:${table}`, QUALITY_SOURCE, key, reason));
            continue;
          }
          quality.push({
            table,
            eventMs: Number(r.event_ms),
            status: text(r.status),
            freshness: text(r.freshness_status),
            completeness: text(r.completeness_status),
          });
        }
      }),
    );
  // One statement per drift metrics table, whatever number of monitored tables name it.
  const byTable = new Map<string, DriftMonitor[]>();
  for (const m of wanted.drift)
    byTable.set(`${m.metricsTable}\u0000${m.driftType}`, [
      ...(byTable.get(`${m.metricsTable}\u0000${m.driftType}`) ?? []),
      m,
    ]);
  for (const monitors of byTable.values()) {
    const { metricsTable, driftType } = monitors[0]!;
    reads.push(
      guarded(metricsTable, async () => {
        const rows = await wh.query('tick/drift_metrics', {
          metrics_table: metricsTable,
          drift_type: driftType,
          since_ms: sinceMs,
        });
        for (const m of monitors)
          for (const r of rows) {
            const reason = driftRowReason(r, DRIFT_METRICS);
            if (reason !== null) {
              const key = `${String(r.column_name ?? ':table')} window ${String(r.window_start_ms)}`;
              out.errors.push(malformedRow('monitors', `table:${m.table}`, metricsTable, key, reason));
              continue;
            }
            drift.push({
              table: m.table,
              windowStartMs: Number(r.window_start_ms),
              windowEndMs: Number(r.window_end_ms),
              column: String(r.column_name ?? ':table'),
              values: Object.fromEntries(DRIFT_METRICS.map((k) => [k, numeric(r[k])])),
            });
          }
      }),
    );
  }
  await Promise.all(reads);
  return { ...out, evidence: { quality, drift } };
}

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
const numeric = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));
