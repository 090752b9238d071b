// The config check's evidence: each due deployment's jobs and pipelines with their settings
// before and after it, one statement for all of them (sql/tick/settings.sql). A snapshot is
// preferred to a system-table row of the same side: it holds every field, and it is there at once.

import type { SettingsChange, SettingsRecord } from '../checks/config-facts.js';
import { systemJobSettings } from '../checks/config-facts.js';
import { settingsRowReason } from '../evidence/validate-context.js';
import { malformedRow } from '../evidence/validate-values.js';
import type { MeasurementError } from '../types.js';
import type { Row, RowBatch, Warehouse } from '../warehouse/port.js';
import type { ActiveDeployment } from './open.js';

export const SETTINGS_PAIR_COLUMNS: RowBatch['columns'] = [
  { name: 'idx', type: 'BIGINT' },
  { name: 'deployment_id', type: 'STRING' },
  { name: 'resource_type', type: 'STRING' },
  { name: 'resource_id', type: 'STRING' },
  { name: 'started_ms', type: 'BIGINT' },
  { name: 'finished_ms', type: 'BIGINT' },
];

function parsed(text: unknown): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text);
  } catch {
    // Kept as text: the check reports settings that are not a JSON object as unmeasured.
    return text;
  }
}

function healthRules(text: unknown): Array<{ metric: string; operator: string; value: number }> {
  const rules = parsed(text);
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((r) =>
    r && typeof r.metric === 'string' && r.value !== null && r.value !== undefined
      ? [{ metric: r.metric, operator: String(r.operator ?? 'GREATER_THAN'), value: Number(r.value) }]
      : [],
  );
}

const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : v === true);

/** A row of sql/tick/settings.sql as one side of a comparison. */
export function recordOf(type: string, r: Row): SettingsRecord {
  if (r.source === 'snapshot') return { source: 'snapshot', settings: parsed(r.settings) };
  if (type === 'pipeline') {
    const settings: Record<string, unknown> = { name: r.name ?? null };
    if (r.development !== null && r.development !== undefined) settings.development = r.development === true;
    if (r.continuous !== null && r.continuous !== undefined) settings.continuous = r.continuous === true;
    return { source: 'lakeflow_row', settings };
  }
  return {
    source: 'lakeflow_row',
    settings: systemJobSettings({
      name: (r.name as string | null) ?? null,
      paused: bool(r.paused),
      timeoutSeconds: r.timeout_seconds === null || r.timeout_seconds === undefined ? null : Number(r.timeout_seconds),
      scheduleCron: (r.schedule_cron as string | null) ?? null,
      fileArrival: r.file_arrival === true,
      tableUpdate: r.table_update === true,
      periodic: r.periodic === true,
      continuousEnabled: bool(r.continuous_enabled),
      healthRules: healthRules(r.health_rules),
    }),
  };
}

/**
 * Each deployment's settings changes by deployment id, for its jobs and pipelines. A row that
 * breaks its schema goes to `onMalformed` and is no side of a comparison: the resource's config
 * check is then unmeasured, never judged against a side that is not there.
 */
export async function readSettings(
  wh: Warehouse,
  active: readonly ActiveDeployment[],
  onMalformed?: (e: MeasurementError) => void,
): Promise<Map<string, SettingsChange[]>> {
  const pairs = active.flatMap((a) => a.deployment.resources.map((ref) => ({ d: a.deployment, ref })));
  const out = new Map<string, SettingsChange[]>();
  if (pairs.length === 0) return out;
  const rows = await wh.query(
    'tick/settings',
    {},
    {
      columns: SETTINGS_PAIR_COLUMNS,
      rows: pairs.map(({ d, ref }, i) => [i, d.deploymentId, ref.type, ref.id, d.startedMs, d.finishedMs]),
    },
  );
  const sides = new Map<string, SettingsRecord>();
  for (const r of rows) {
    const pair = pairs[Number(r.idx)];
    if (!pair) continue;
    const reason = settingsRowReason(r);
    if (reason !== null) {
      const source = r.source === 'snapshot' ? 'resource_snapshots' : `system.lakeflow.${pair.ref.type}s`;
      const key = `${pair.ref.type} ${pair.ref.id} ${String(r.side)} deployment ${pair.d.deploymentId}`;
      onMalformed?.(malformedRow('config', `${pair.ref.type}:${pair.ref.id}`, source, key, reason));
      continue;
    }
    const key = `${r.idx}|${r.side}`;
    if (sides.get(key)?.source === 'snapshot') continue;
    sides.set(key, recordOf(pair.ref.type, r));
  }
  pairs.forEach(({ d, ref }, i) => {
    const list = out.get(d.deploymentId) ?? [];
    list.push({
      type: ref.type,
      id: ref.id,
      before: sides.get(`${i}|before`) ?? null,
      after: sides.get(`${i}|after`) ?? null,
    });
    out.set(d.deploymentId, list);
  });
  return out;
}
