// What a job's settings (Jobs API 2.2 JobSettings) or a pipeline's spec (Pipelines API
// PipelineSpec) say about how production work is started and watched, read the same way from a
// `postflight record` snapshot and from a row of system.lakeflow.jobs / pipelines. Pure.

import type { ResourceType } from '../types.js';

/** Where a side of the comparison came from: the snapshot holds every field, a system-table row a few. */
export type SettingsSource = 'snapshot' | 'lakeflow_row';

export interface SettingsRecord {
  readonly source: SettingsSource;
  /** JobSettings or PipelineSpec JSON; for a system-table row, its columns in that shape (systemRowSettings). */
  readonly settings: unknown;
}

/** A job's or pipeline's settings just before and just after a deployment, where known. */
export interface SettingsChange {
  readonly type: ResourceType;
  readonly id: string;
  readonly before: SettingsRecord | null;
  readonly after: SettingsRecord | null;
}

export type StarterKind =
  | 'schedule'
  | 'file arrival trigger'
  | 'table update trigger'
  | 'periodic trigger'
  | 'model trigger'
  | 'SQL condition trigger'
  | 'continuous run';

/** One way the job gets started on its own, and whether it is switched on. */
export interface Starter {
  readonly kind: StarterKind;
  readonly active: boolean;
}

/** What a comparison reads; null where the source does not say (a system-table row has no notifications). */
export interface ConfigFacts {
  readonly name: string | null;
  readonly starters: readonly Starter[] | null;
  /** Jobs API: 0 skips every new run. */
  readonly maxConcurrentRuns: number | null;
  /** Timeout by scope ('job' or 'task <key>'), seconds; 0 is no timeout. */
  readonly timeouts: ReadonlyMap<string, number> | null;
  /** RUN_DURATION_SECONDS and other health rules by `scope|metric`, their threshold. */
  readonly healthRules: ReadonlyMap<string, number> | null;
  /** `scope|event|recipient` of every e-mail, webhook and pipeline notification. */
  readonly notifications: ReadonlySet<string> | null;
  /** notification_settings switches that silence alerts and are on. */
  readonly silenced: ReadonlySet<string> | null;
  readonly development: boolean | null;
  readonly continuousPipeline: boolean | null;
  /** Where a pipeline publishes: catalog.schema, or the legacy target schema. */
  readonly target: string | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null;
const paused = (o: Obj | null): boolean => str(o?.pause_status) === 'PAUSED';

const EMAIL_EVENTS = [
  'on_start',
  'on_success',
  'on_failure',
  'on_duration_warning_threshold_exceeded',
  'on_streaming_backlog_exceeded',
] as const;
const SILENCING = ['no_alert_for_skipped_runs', 'no_alert_for_canceled_runs'] as const;

function jobStarters(s: Obj): Starter[] {
  const out: Starter[] = [];
  const schedule = obj(s.schedule);
  if (schedule) out.push({ kind: 'schedule', active: !paused(schedule) });
  // `trigger` is JobSettings' own field; `triggers` a spelling some exports carry.
  const trigger = obj(s.trigger) ?? obj(s.triggers);
  if (trigger) {
    const on = !paused(trigger);
    if (obj(trigger.file_arrival)) out.push({ kind: 'file arrival trigger', active: on });
    if (obj(trigger.table_update) || obj(trigger.table)) out.push({ kind: 'table update trigger', active: on });
    if (obj(trigger.periodic)) out.push({ kind: 'periodic trigger', active: on });
    if (obj(trigger.model)) out.push({ kind: 'model trigger', active: on });
    if (obj(trigger.sql_condition)) out.push({ kind: 'SQL condition trigger', active: on });
  }
  const continuous = obj(s.continuous);
  if (continuous) out.push({ kind: 'continuous run', active: !paused(continuous) });
  return out;
}

function healthOf(scope: string, health: unknown, into: Map<string, number>): void {
  for (const rule of arr(obj(health)?.rules)) {
    const r = obj(rule);
    const metric = str(r?.metric);
    const value = num(r?.value);
    if (metric !== null && value !== null) into.set(`${scope}|${metric}`, value);
  }
}

function notificationsOf(scope: string, s: Obj, into: Set<string>): void {
  const email = obj(s.email_notifications);
  const hooks = obj(s.webhook_notifications);
  for (const event of EMAIL_EVENTS) {
    for (const to of arr(email?.[event])) if (typeof to === 'string') into.add(`${scope}|${event}|${to}`);
    for (const h of arr(hooks?.[event])) {
      const id = str(obj(h)?.id);
      if (id !== null) into.add(`${scope}|${event}|webhook ${id}`);
    }
  }
}

function jobFacts(s: Obj, full: boolean): ConfigFacts {
  const timeouts = new Map<string, number>([['job', num(s.timeout_seconds) ?? 0]]);
  const healthRules = new Map<string, number>();
  healthOf('job', s.health, healthRules);
  const notifications = new Set<string>();
  notificationsOf('job', s, notifications);
  const silenced = new Set<string>();
  const settings = obj(s.notification_settings);
  for (const flag of SILENCING) if (settings?.[flag] === true) silenced.add(`job|${flag}`);
  // The older place of the same switch.
  if (obj(s.email_notifications)?.no_alert_for_skipped_runs === true) silenced.add('job|no_alert_for_skipped_runs');
  for (const t of arr(s.tasks)) {
    const task = obj(t);
    const key = str(task?.task_key);
    if (!task || key === null) continue;
    const scope = `task ${key}`;
    timeouts.set(scope, num(task.timeout_seconds) ?? 0);
    healthOf(scope, task.health, healthRules);
    notificationsOf(scope, task, notifications);
    const taskSettings = obj(task.notification_settings);
    for (const flag of SILENCING) if (taskSettings?.[flag] === true) silenced.add(`${scope}|${flag}`);
  }
  return {
    name: str(s.name),
    starters: jobStarters(s),
    maxConcurrentRuns: full ? num(s.max_concurrent_runs) : null,
    timeouts,
    healthRules,
    notifications: full ? notifications : null,
    silenced: full ? silenced : null,
    development: null,
    continuousPipeline: null,
    target: null,
  };
}

function pipelineFacts(s: Obj, full: boolean): ConfigFacts {
  const notifications = new Set<string>();
  for (const n of arr(s.notifications)) {
    const alerts = arr(obj(n)?.alerts).filter((a): a is string => typeof a === 'string');
    for (const to of arr(obj(n)?.email_recipients)) {
      if (typeof to === 'string') for (const a of alerts) notifications.add(`pipeline|${a}|${to}`);
    }
  }
  const catalog = str(s.catalog);
  const schema = str(s.schema) ?? str(s.target);
  const development = typeof s.development === 'boolean' ? s.development : null;
  const continuous = typeof s.continuous === 'boolean' ? s.continuous : null;
  return {
    name: str(s.name),
    starters: null,
    maxConcurrentRuns: null,
    timeouts: null,
    healthRules: null,
    notifications: full ? notifications : null,
    silenced: null,
    development,
    continuousPipeline: continuous,
    target: full && schema !== null ? (catalog !== null ? `${catalog}.${schema}` : schema) : null,
  };
}

/** The facts a record holds; a system-table row says nothing of notifications, tasks or targets. */
export function factsOf(type: ResourceType, record: SettingsRecord): ConfigFacts | null {
  const s = obj(record.settings);
  if (!s) return null;
  const full = record.source === 'snapshot';
  return type === 'job' ? jobFacts(s, full) : pipelineFacts(s, full);
}

/** Two sides read from different sources are compared on what both of them say. */
export function commonGround(a: ConfigFacts, b: ConfigFacts, aSource: SettingsSource, bSource: SettingsSource) {
  if (aSource === bSource) return [a, b] as const;
  const narrow = (f: ConfigFacts): ConfigFacts => {
    const jobScope = <V>(m: ReadonlyMap<string, V> | null) =>
      m && new Map([...m].filter(([k]) => k === 'job' || k.startsWith('job|')));
    return {
      ...f,
      maxConcurrentRuns: null,
      notifications: null,
      silenced: null,
      target: null,
      timeouts: jobScope(f.timeouts),
      healthRules: jobScope(f.healthRules),
    };
  };
  return [narrow(a), narrow(b)] as const;
}

export interface SystemJobRow {
  readonly name: string | null;
  readonly paused: boolean | null;
  readonly timeoutSeconds: number | null;
  readonly scheduleCron: string | null;
  readonly fileArrival: boolean;
  readonly tableUpdate: boolean;
  readonly periodic: boolean;
  readonly continuousEnabled: boolean | null;
  /** health_rules: metric, operator, value (the system table's names for the API's metric, op, value). */
  readonly healthRules: ReadonlyArray<{ metric: string; operator: string; value: number }>;
}

/**
 * A system.lakeflow.jobs row in JobSettings' shape. The row has one `paused` for the job's
 * trigger, and a continuous trigger that is not enabled does not run.
 */
export function systemJobSettings(r: SystemJobRow): Obj {
  const pause_status = r.paused === true ? 'PAUSED' : 'UNPAUSED';
  const trigger: Obj = {
    ...(r.fileArrival ? { file_arrival: {} } : {}),
    ...(r.tableUpdate ? { table_update: {} } : {}),
    ...(r.periodic ? { periodic: {} } : {}),
  };
  return {
    name: r.name,
    ...(r.scheduleCron !== null ? { schedule: { quartz_cron_expression: r.scheduleCron, pause_status } } : {}),
    ...(Object.keys(trigger).length ? { trigger: { ...trigger, pause_status } } : {}),
    ...(r.continuousEnabled !== null
      ? { continuous: { pause_status: r.continuousEnabled && r.paused !== true ? 'UNPAUSED' : 'PAUSED' } }
      : {}),
    timeout_seconds: r.timeoutSeconds ?? 0,
    health: { rules: r.healthRules.map((h) => ({ metric: h.metric, op: h.operator, value: h.value })) },
  };
}
