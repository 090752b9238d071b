// Rows that say what a deployment's evidence means rather than what happened: table lineage
// (system.access.table_lineage), the limits jobs state (system.lakeflow.jobs and job_tasks, or a
// deployment's snapshot), the settings before and after a deploy, and Databricks' own monitors.
// A row that breaks its documented schema spoils the check it feeds, as an ERROR naming the row:
// read as it is, a negative timeout would be an SLA every run breaks, an empty table name a table
// never written. Pure: a row in, a reason (or null when the row is fine) out.

import {
  checkAmount,
  checkId,
  checkState,
  checkTime,
  firstReason,
  MAX_DURATION_MS,
  type Reason,
} from './validate-values.js';

/** Unity Catalog's full name, catalog.schema.table: three parts, none empty (names hold no dots). */
const FULL_NAME = /^[^.\s][^.]*\.[^.\s][^.]*\.[^.\s][^.]*$/;

const tableName = (field: string, v: unknown): Reason =>
  v === null || v === undefined || (typeof v === 'string' && FULL_NAME.test(v.trim()))
    ? null
    : `${field} '${String(v).slice(0, 60)}' is not a table's full name (catalog.schema.table)`;

/**
 * Why a row of tick/lineage cannot be lineage, or null. Source or target may be NULL (a read or a
 * write alone, or a path rather than a table, as the table documents); a name that is there must be one.
 */
export function lineageRowReason(r: Readonly<Record<string, unknown>>): Reason {
  return firstReason(
    checkId('entity_id', r.entity_id),
    checkState('entity_type', r.entity_type, new Set(['JOB', 'PIPELINE'])),
    tableName('source_table_full_name', r.source),
    tableName('target_table_full_name', r.target),
  );
}

/** A stated limit longer than any run may last is junk, as is a negative or fractional one. */
const MAX_LIMIT_SECONDS = MAX_DURATION_MS / 1000;

function limitSeconds(field: string, v: unknown): Reason {
  const r = checkAmount(field, v, MAX_LIMIT_SECONDS);
  if (r !== null) return r;
  return v === null || v === undefined || Number.isInteger(Number(v))
    ? null
    : `${field} ${String(v)} is not whole seconds`;
}

/** The health rules of a job or task as JSON text (or the parsed array of a snapshot); NULL is none. */
export function healthRulesReason(field: string, v: unknown): Reason {
  if (v === null || v === undefined) return null;
  let rules: unknown = v;
  if (typeof v === 'string') {
    try {
      rules = JSON.parse(v);
    } catch {
      return `${field} is not JSON`;
    }
  }
  if (rules === null) return null;
  if (!Array.isArray(rules)) return `${field} is not a list of rules`;
  for (const [i, rule] of rules.entries()) {
    if (rule === null || typeof rule !== 'object') return `${field}[${i}] is not a rule`;
    const { metric, value } = rule as Record<string, unknown>;
    if (typeof metric !== 'string' || metric.trim() === '') return `${field}[${i}].metric is ${String(metric)}`;
    const bad = limitSeconds(`${field}[${i}].value`, value ?? null);
    if (bad !== null || value === null || value === undefined) return bad ?? `${field}[${i}].value is missing`;
  }
  return null;
}

/** Why a row of tick/stated_slas cannot state a job's limits, or null. */
export function statedRowReason(r: Readonly<Record<string, unknown>>): Reason {
  if (r.kind === 'snapshot') return snapshotReason(r.settings);
  if (r.kind !== 'job' && r.kind !== 'task')
    return `kind '${String(r.kind).slice(0, 20)}' is not job, task or snapshot`;
  return firstReason(
    r.kind === 'task' ? checkId('task_key', r.task_key) : null,
    limitSeconds('timeout_seconds', r.timeout_seconds),
    healthRulesReason('health_rules', r.health_rules),
  );
}

/** A deployment's snapshot of a job's settings: a JSON object whose stated limits are well-formed. */
function snapshotReason(settings: unknown): Reason {
  let s: unknown = settings;
  if (typeof settings === 'string') {
    try {
      s = JSON.parse(settings);
    } catch {
      return 'settings is not JSON';
    }
  }
  if (s === null || typeof s !== 'object' || Array.isArray(s)) return 'settings is not a JSON object';
  const job = s as Record<string, unknown>;
  const health = (h: unknown) => (h !== null && typeof h === 'object' ? (h as Record<string, unknown>).rules : null);
  const tasks = Array.isArray(job.tasks) ? (job.tasks as unknown[]) : [];
  return firstReason(
    limitSeconds('settings.timeout_seconds', job.timeout_seconds),
    healthRulesReason('settings.health.rules', health(job.health)),
    ...tasks.map((t, i) => {
      const task = t !== null && typeof t === 'object' ? (t as Record<string, unknown>) : {};
      return firstReason(
        limitSeconds(`settings.tasks[${i}].timeout_seconds`, task.timeout_seconds),
        healthRulesReason(`settings.tasks[${i}].health.rules`, health(task.health)),
      );
    }),
  );
}

const optionalBool = (field: string, v: unknown): Reason =>
  v === null || v === undefined || typeof v === 'boolean'
    ? null
    : `${field} is ${String(v).slice(0, 20)}, not true or false`;
const optionalText = (field: string, v: unknown): Reason =>
  v === null || v === undefined || typeof v === 'string' ? null : `${field} is not text`;

/**
 * Why a row of tick/settings cannot be one side of a settings comparison, or null. A snapshot's
 * text that is no JSON object is left to the config check, which reports it as unmeasured.
 */
export function settingsRowReason(r: Readonly<Record<string, unknown>>): Reason {
  const side = checkState('side', r.side, new Set(['BEFORE', 'AFTER']));
  if (side !== null) return side;
  if (r.source === 'snapshot') return r.settings === null || r.settings === undefined ? 'settings is NULL' : null;
  if (r.source !== 'lakeflow_row') return `source '${String(r.source).slice(0, 20)}' is not snapshot or lakeflow_row`;
  return firstReason(
    optionalText('name', r.name),
    optionalBool('paused', r.paused),
    limitSeconds('timeout_seconds', r.timeout_seconds),
    optionalText('schedule_cron', r.schedule_cron),
    optionalBool('continuous_enabled', r.continuous_enabled),
    optionalBool('development', r.development),
    optionalBool('continuous', r.continuous),
    healthRulesReason('health_rules', r.health_rules),
  );
}

/** Statuses of data quality monitoring's results table, as documented. */
const QUALITY_STATES = new Set(['HEALTHY', 'UNHEALTHY', 'UNKNOWN']);

/** Why a row of tick/monitor_results cannot be a quality result, or null. */
export function qualityRowReason(r: Readonly<Record<string, unknown>>): Reason {
  return firstReason(
    checkTime('event_time', r.event_ms),
    checkState('status', r.status, QUALITY_STATES),
    checkState('freshness.status', r.freshness_status, QUALITY_STATES, true),
    checkState('completeness.status', r.completeness_status, QUALITY_STATES, true),
  );
}

/** Drift statistics that are distances (never negative) and p-values (0 to 1); deltas may be either sign. */
const DISTANCES = [
  'js_distance',
  'wasserstein_distance',
  'population_stability_index',
  'tv_distance',
  'l_infinity_distance',
];
const P_VALUES = ['ks_pvalue', 'chi_squared_pvalue'];

/** Why a row of tick/drift_metrics cannot be a drift observation, or null. */
export function driftRowReason(r: Readonly<Record<string, unknown>>, metrics: readonly string[]): Reason {
  const start = checkTime('window.start', r.window_start_ms);
  const end = checkTime('window.end', r.window_end_ms);
  if (start !== null || end !== null) return start ?? end;
  if (Number(r.window_end_ms) < Number(r.window_start_ms)) return 'window.end is before window.start';
  for (const m of metrics) {
    const v = r[m];
    if (v === null || v === undefined || v === '') continue;
    const n = Number(v);
    if (typeof v === 'boolean' || !Number.isFinite(n)) return `${m} is ${String(v).slice(0, 20)}, not a number`;
    if (DISTANCES.includes(m) && n < 0) return `${m} ${n} is negative, and a distance is not`;
    if (P_VALUES.includes(m) && (n < 0 || n > 1)) return `${m} ${n} is not a p-value (0 to 1)`;
  }
  return null;
}
