// Job and pipeline settings over time, as the replay world's control plane answers jobs/get and
// pipelines/get at its clock. Where a deployment's settings snapshot exists (what `postflight
// record` kept: the full Jobs API settings) it holds from the deploy on; before the first one,
// and for resources never snapshotted, the settings are rebuilt from the rows of
// system.lakeflow.jobs, job_tasks and pipelines (which change table rows carry: schedule and
// pause, timeouts, health rules, tags, tasks; not the tasks' code). Pure.

import type { Row } from '../warehouse/port.js';

export interface SettingsVersion {
  readonly resourceId: string;
  readonly resourceType: 'job' | 'pipeline';
  readonly bundle: string | null;
  readonly version: string | null;
  /** JSON text; null from a deletion on. */
  readonly settings: string | null;
  readonly fromMs: number;
  readonly source: 'system' | 'snapshot';
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** Drops null fields, so a rebuilt setting says only what the row said. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

function healthOf(rules: unknown): Record<string, unknown> | null {
  return Array.isArray(rules) && rules.length ? { rules } : null;
}

/** The Jobs API 2.2 settings a system.lakeflow.jobs row (and its tasks as of then) describe. */
export function jobSettingsOf(job: Row, tasks: readonly Row[]): Record<string, unknown> {
  const trigger = obj(job.trigger);
  const pause = job.paused === true ? 'PAUSED' : 'UNPAUSED';
  const schedule = obj(trigger?.schedule);
  const continuous = obj(trigger?.continuous);
  const others = trigger
    ? compact({
        file_arrival: obj(trigger.file_arrival),
        periodic: obj(trigger.periodic),
        table_update: obj(trigger.table_update),
      })
    : {};
  return compact({
    name: job.name ?? null,
    tags: obj(job.tags),
    schedule: schedule?.quartz_cron_expression ? { ...compact(schedule), pause_status: pause } : null,
    continuous: continuous
      ? { pause_status: continuous.enabled === false || job.paused === true ? 'PAUSED' : 'UNPAUSED' }
      : null,
    trigger: Object.keys(others).length ? { ...others, pause_status: pause } : null,
    timeout_seconds: num(job.timeout_seconds),
    health: healthOf(job.health_rules),
    deployment: obj(job.deployment),
    tasks: tasks.length
      ? tasks.map((t) =>
          compact({
            task_key: t.task_key,
            depends_on: Array.isArray(t.depends_on_keys) ? t.depends_on_keys.map((k) => ({ task_key: k })) : null,
            timeout_seconds: num(t.timeout_seconds),
            health: healthOf(t.health_rules),
          }),
        )
      : null,
  });
}

/** The pipeline spec a system.lakeflow.pipelines row describes. */
export function pipelineSpecOf(p: Row): Record<string, unknown> {
  return compact({
    name: p.name ?? null,
    ...compact(obj(p.settings) ?? {}),
    configuration: obj(p.configuration),
    tags: obj(p.tags),
  });
}

/** Latest row per key at or before `atMs` among rows carrying `change_time` (epoch ms). */
function tasksAt(tasks: readonly Row[], atMs: number): Row[] {
  const latest = new Map<string, Row>();
  for (const t of tasks) {
    const at = Number(t.change_time);
    const key = String(t.task_key);
    if (at > atMs) continue;
    const had = latest.get(key);
    if (!had || Number(had.change_time) <= at) latest.set(key, t);
  }
  return [...latest.values()]
    .filter((t) => t.delete_time === null || t.delete_time === undefined || Number(t.delete_time) > atMs)
    .sort((a, b) => String(a.task_key).localeCompare(String(b.task_key)));
}

export interface SettingsSources {
  /** system.lakeflow.jobs rows (timestamps as epoch ms). */
  readonly jobs: readonly Row[];
  readonly jobTasks: readonly Row[];
  readonly pipelines: readonly Row[];
  /** Snapshots with their deployment: resource_type, resource_id, settings, bundle, version, finished_ms. */
  readonly snapshots: readonly Row[];
}

export function settingsHistory(src: SettingsSources): SettingsVersion[] {
  const out: SettingsVersion[] = [];
  const firstSnapshot = new Map<string, number>();
  for (const s of src.snapshots) {
    const key = `${s.resource_type}:${s.resource_id}`;
    const at = Number(s.finished_ms);
    firstSnapshot.set(key, Math.min(firstSnapshot.get(key) ?? Infinity, at));
    out.push({
      resourceId: String(s.resource_id),
      resourceType: s.resource_type === 'pipeline' ? 'pipeline' : 'job',
      bundle: (s.bundle as string | null) ?? null,
      version: (s.version as string | null) ?? null,
      settings: String(s.settings),
      fromMs: at,
      source: 'snapshot',
    });
  }
  const before = (type: string, id: string, at: number) => at < (firstSnapshot.get(`${type}:${id}`) ?? Infinity);
  const tasksByJob = new Map<string, Row[]>();
  for (const t of src.jobTasks) tasksByJob.set(String(t.job_id), [...(tasksByJob.get(String(t.job_id)) ?? []), t]);
  const fromSystem = (type: 'job' | 'pipeline', id: string, row: Row, settings: Record<string, unknown>) => {
    const at = Number(row.change_time);
    if (before(type, id, at))
      out.push({
        resourceId: id,
        resourceType: type,
        bundle: null,
        version: null,
        settings: JSON.stringify(settings),
        fromMs: at,
        source: 'system',
      });
    const deleted = num(row.delete_time);
    if (deleted !== null && before(type, id, deleted))
      out.push({
        resourceId: id,
        resourceType: type,
        bundle: null,
        version: null,
        settings: null,
        fromMs: deleted,
        source: 'system',
      });
  };
  for (const j of src.jobs) {
    const id = String(j.job_id);
    fromSystem('job', id, j, jobSettingsOf(j, tasksAt(tasksByJob.get(id) ?? [], Number(j.change_time))));
  }
  for (const p of src.pipelines) fromSystem('pipeline', String(p.pipeline_id), p, pipelineSpecOf(p));
  return out.sort((a, b) => a.fromMs - b.fromMs || a.resourceId.localeCompare(b.resourceId));
}
