// The SLAs a workspace already states for a job, read from its Jobs 2.2 settings (a deployment's
// snapshot) or from the system tables' copy of them: the job's and each task's `timeout_seconds`
// (0 means none) and their `health.rules` entries on RUN_DURATION_SECONDS (op GREATER_THAN, value
// seconds). Pipelines state no run timeout, so they have none. Pure: settings in, limits out.

/** One limit a job or task states, with the words that say where it came from. */
export interface StatedLimit {
  readonly seconds: number;
  /** "the job's timeout_seconds", "task ingest's RUN_DURATION_SECONDS health rule". */
  readonly source: string;
}

export interface StatedSlas {
  /** The job's own limits on a run, tightest first. */
  readonly job: readonly StatedLimit[];
  /** Each task's limits on its task run, tightest first, by task key. */
  readonly tasks: ReadonlyMap<string, readonly StatedLimit[]>;
  /** Where the settings were read: the deployment's snapshot or the system tables. */
  readonly from: 'snapshot' | 'system tables';
}

/** A health rule as the Jobs API writes it (`op`) or as system.lakeflow.jobs holds it (`operator`). */
interface HealthRule {
  readonly metric?: unknown;
  readonly op?: unknown;
  readonly operator?: unknown;
  readonly value?: unknown;
}

function seconds(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}

function durationRule(rules: unknown): number | null {
  if (!Array.isArray(rules)) return null;
  // Several rules on the same metric all hold: the tightest is the one a run breaks first.
  const values = (rules as HealthRule[])
    .filter((r) => r && r.metric === 'RUN_DURATION_SECONDS' && (r.op ?? r.operator) === 'GREATER_THAN')
    .map((r) => seconds(r.value))
    .filter((v): v is number => v !== null);
  return values.length ? Math.min(...values) : null;
}

function limits(owner: string, timeout: unknown, rules: unknown): StatedLimit[] {
  const out: StatedLimit[] = [];
  const t = seconds(timeout);
  if (t !== null) out.push({ seconds: t, source: `${owner} timeout_seconds` });
  const h = durationRule(rules);
  if (h !== null) out.push({ seconds: h, source: `${owner} RUN_DURATION_SECONDS health rule` });
  return out.sort((a, b) => a.seconds - b.seconds);
}

const record = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The limits Jobs 2.2 settings state (`jobs/get`'s `settings`, or a bundle's resource as deployed). */
export function slasFromJobSettings(settings: unknown): StatedSlas {
  const s = record(settings);
  const tasks = new Map<string, StatedLimit[]>();
  for (const t of Array.isArray(s.tasks) ? s.tasks : []) {
    const task = record(t);
    if (typeof task.task_key !== 'string') continue;
    const own = limits(`task ${task.task_key}'s`, task.timeout_seconds, record(task.health).rules);
    if (own.length) tasks.set(task.task_key, own);
  }
  return { job: limits("the job's", s.timeout_seconds, record(s.health).rules), tasks, from: 'snapshot' };
}

/** A job's row of system.lakeflow.jobs and its tasks' rows of system.lakeflow.job_tasks, health rules as JSON. */
export interface SystemSlaRows {
  readonly job: { readonly timeoutSeconds: unknown; readonly healthRules: unknown } | null;
  readonly tasks: ReadonlyArray<{
    readonly taskKey: string;
    readonly timeoutSeconds: unknown;
    readonly healthRules: unknown;
  }>;
}

function parsedRules(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return null;
  }
}

/** The limits the system tables hold for a job (their health rules name the comparison `operator`). */
export function slasFromSystemRows(rows: SystemSlaRows): StatedSlas {
  const tasks = new Map<string, StatedLimit[]>();
  for (const t of rows.tasks) {
    const own = limits(`task ${t.taskKey}'s`, t.timeoutSeconds, parsedRules(t.healthRules));
    if (own.length) tasks.set(t.taskKey, own);
  }
  const job = rows.job ? limits("the job's", rows.job.timeoutSeconds, parsedRules(rows.job.healthRules)) : [];
  return { job, tasks, from: 'system tables' };
}

/** Whether the settings state any limit at all. */
export function statesAny(s: StatedSlas | null | undefined): boolean {
  return !!s && (s.job.length > 0 || s.tasks.size > 0);
}
