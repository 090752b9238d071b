// The limits a simulated release states in its Jobs 2.2 settings (a job's or a task's
// timeout_seconds, or a RUN_DURATION_SECONDS health rule), and what they do to its runs. A release
// either keeps its limit (stated a little above the slowest run its noise and season give) or
// cannot keep it (stated below the fastest): a timeout then has Databricks cancel every run at the
// limit (TIMED_OUT), a health rule lets the run go on past it. Multi-task jobs state the limit on
// their last task, single-task jobs on the job. Pure: the pipeline and the rule fix the limit.

import type { SimPipeline } from './catalog.js';
import { uniform } from './random.js';

/** A release's behaviour as the plan holds it (plan.ts): a stated limit it cannot keep rides in it. */
interface Behaviour {
  readonly kind: string | null;
  readonly factor: number;
}

export type SlaRule = 'timeout' | 'health';

export interface SimStatedSla {
  readonly rule: SlaRule;
  /** The task that states it, or null for the job itself. */
  readonly taskKey: string | null;
  readonly seconds: number;
}

/** The behaviours of releases whose runs cannot keep the limit their settings state. */
export const SLA_BREACH_KINDS = ['sla_timeout', 'sla_overrun'] as const;
export type SlaBreachKind = (typeof SLA_BREACH_KINDS)[number];

/** durationFactor's range (seasonality.ts): the quietest and the busiest slot of the week. */
const SLOWEST_SLOT = 1.24;
const FASTEST_SLOT = 0.74;
/** How many of its noise's sigmas the limit a release keeps stands above its slowest slot. */
const KEPT_SIGMAS = 5;

const scopeOf = (p: SimPipeline): string | null => (p.tasks.length > 1 ? p.tasks[p.tasks.length - 1]! : null);

/** The share of a run's duration the limit's scope takes: its last task takes a task's share. */
const share = (p: SimPipeline, taskKey: string | null) => (taskKey === null ? 1 : 1 / p.tasks.length);

/** A limit the runs of `p` keep: above the slowest run of the week, five sigmas up. */
export function keptSla(p: SimPipeline, rule: SlaRule): SimStatedSla {
  const taskKey = scopeOf(p);
  const s = p.baseDurationS * SLOWEST_SLOT * Math.exp(KEPT_SIGMAS * p.durationSigma) * share(p, taskKey);
  return { rule, taskKey, seconds: Math.ceil(s) };
}

/** A limit no run of `p` keeps: four fifths of the fastest run of the week, five sigmas down. */
export function brokenSla(p: SimPipeline, rule: SlaRule): SimStatedSla {
  const taskKey = scopeOf(p);
  const s = p.baseDurationS * FASTEST_SLOT * Math.exp(-KEPT_SIGMAS * p.durationSigma) * share(p, taskKey) * 0.8;
  return { rule, taskKey, seconds: Math.max(1, Math.floor(s)) };
}

/** The behaviour of a release that cannot keep its limit: the limit's seconds ride as the factor. */
export function breachBehaviour(p: SimPipeline, rule: SlaRule): { kind: SlaBreachKind; factor: number } {
  return { kind: rule === 'timeout' ? 'sla_timeout' : 'sla_overrun', factor: brokenSla(p, rule).seconds };
}

export function isSlaBreach(kind: string | null): kind is SlaBreachKind {
  return kind === 'sla_timeout' || kind === 'sla_overrun';
}

/**
 * Where Databricks cancels a run of a release that cannot keep its timeout: the run's length then
 * (its last task's timeout cuts the run short there), the length it would have had, and whether
 * the job's own timeout did it (the run TIMED_OUT) or its task's (the task TIMED_OUT, the run
 * FAILED); null when the release states no timeout or its run ends first.
 */
export function timedOutAt(
  p: SimPipeline,
  b: Behaviour,
  durationMs: number,
): { runMs: number; fullMs: number; job: boolean } | null {
  if (b.kind !== 'sla_timeout') return null;
  const taskKey = scopeOf(p);
  const limitMs = b.factor * 1000;
  // The last task starts once the others are done, with a task's share of the run before it.
  const startsAtMs = taskKey === null ? 0 : Math.floor(durationMs / p.tasks.length) * (p.tasks.length - 1);
  const runMs = startsAtMs + limitMs;
  return runMs < durationMs ? { runMs, fullMs: durationMs, job: taskKey === null } : null;
}

/** The limit a deploy's settings state: the one it cannot keep, or the one it keeps, or none. */
export function statedSlaOf(
  p: SimPipeline,
  d: { readonly behaviour: Behaviour; readonly statedSla?: SimStatedSla },
): SimStatedSla | null {
  if (isSlaBreach(d.behaviour.kind)) {
    const rule: SlaRule = d.behaviour.kind === 'sla_timeout' ? 'timeout' : 'health';
    return { rule, taskKey: scopeOf(p), seconds: d.behaviour.factor };
  }
  return d.statedSla ?? null;
}

/** Jobs 2.2 settings with the limit stated where the Jobs API takes it. */
export function withStatedSla(settings: Record<string, unknown>, sla: SimStatedSla | null): Record<string, unknown> {
  if (!sla) return settings;
  const limit =
    sla.rule === 'timeout'
      ? { timeout_seconds: sla.seconds }
      : { health: { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: sla.seconds }] } };
  if (sla.taskKey === null) return { ...settings, ...limit };
  const tasks = (settings.tasks as Array<Record<string, unknown>>).map((t) =>
    t.task_key === sla.taskKey ? { ...t, ...limit } : t,
  );
  return { ...settings, tasks };
}

/** What the plan knows of a deploy (plan.ts's PlannedDeploy). */
interface Deploy {
  readonly deploymentId: string;
  readonly pipelineIndex: number;
  readonly atMs: number;
  readonly label: string;
  readonly behaviour: Behaviour;
  readonly expectedChanges?: readonly string[];
  readonly statedSla?: SimStatedSla;
}

const ORDER: ReadonlyArray<{ readonly breach: boolean; readonly rule: SlaRule }> = [
  { breach: true, rule: 'timeout' },
  { breach: false, rule: 'health' },
  { breach: true, rule: 'health' },
  { breach: false, rule: 'timeout' },
];

/**
 * The plan with some healthy replayed job deploys stating a limit in their settings, kept or not:
 * the first eligible ones (jobs run at least hourly, so the replay judges them within the day) take
 * each kind in turn, so a short replay shows them all, then a tenth of the rest, half of those
 * breaking it. Made once the rest of the plan is (config episodes included), from a stream of its
 * own, so every other deploy keeps its draw and its outcome.
 */
export function withStatedSlaEpisodes<D extends Deploy>(
  deploys: readonly D[],
  catalog: readonly SimPipeline[],
  replayFromMs: number,
  seed: number,
): D[] {
  let eligible = 0;
  return deploys.map((d) => {
    const p = catalog[d.pipelineIndex]!;
    const open =
      d.atMs >= replayFromMs &&
      d.label === 'healthy' &&
      d.behaviour.kind === null &&
      !d.expectedChanges?.length &&
      p.resourceType === 'job' &&
      p.cadenceMin <= 60;
    if (!open) return d;
    const u = uniform(seed, 'stated-sla', d.deploymentId);
    const drawn =
      eligible < ORDER.length
        ? ORDER[eligible]!
        : u < 0.1
          ? {
              breach: u < 0.05,
              rule: (uniform(seed, 'stated-sla-rule', d.deploymentId) < 0.5 ? 'timeout' : 'health') as SlaRule,
            }
          : null;
    eligible++;
    if (!drawn) return d;
    return drawn.breach
      ? { ...d, behaviour: breachBehaviour(p, drawn.rule), label: 'bad' }
      : { ...d, statedSla: keptSla(p, drawn.rule) };
  });
}
