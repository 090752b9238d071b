// The tick's error-budget step: for every job and pipeline under verification, its SLOs over the
// period from the evidence the tick already gathered (runs, table writes, expectations), burn
// rates and alerts, attributed to the deployments live when the budget burned. One statement
// reads the deployments and tags (issued beside the evidence reads), one MERGE writes the rows.

import { assessDiscrete, assessFreshness, type BudgetAssessment } from '../budget/assess.js';
import type { BurnTrigger } from '../budget/burn-rollback.js';
import {
  countEvents,
  countMinutes,
  type DiscreteEvent,
  expectationEvents,
  runEvents,
  staleness,
  type Timeline,
} from '../budget/events.js';
import { type SloPolicy, slosFor } from '../budget/slo-policy.js';
import type { DeploymentEvidence } from '../checks/evidence.js';
import type { Logger } from '../log.js';
import type { ExpectationRecord, RunRecord, Subject, TableWrite } from '../types.js';
import type { Row, RowBatch, Warehouse } from '../warehouse/port.js';
import { type BurnProbe, burnTriggers } from './burn-triggers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface BudgetDeps {
  readonly wh: Warehouse;
  readonly slos: SloPolicy;
  readonly log?: Logger;
}

export interface BudgetTickSummary {
  readonly rows: number;
  readonly exhausted: number;
  readonly pages: number;
  /** Live deployments whose budget burn is a reason to roll them back. */
  readonly burns: readonly BurnTrigger[];
  readonly errors: readonly string[];
}

interface SubjectData {
  subject: Subject;
  bundle: string;
  target: string;
  runs: Map<string, RunRecord>;
  writes: Map<string, TableWrite>;
  expectations: Map<string, ExpectationRecord>;
}

/**
 * What the budgets need besides the evidence, for the bundles about to be judged: it depends on
 * nothing the judging finds, so a tick issues it alongside the evidence reads.
 */
export function readBudgetContext(deps: BudgetDeps, bundles: readonly string[], nowMs: number): Promise<Row[]> {
  const periodMs = deps.slos.periodDays * DAY;
  return deps.wh.query(
    'budget/context',
    { since_ms: nowMs - 2 * periodMs, now_ms: nowMs },
    { columns: [{ name: 'bundle', type: 'STRING' }], rows: bundles.map((b) => [b]) },
  );
}

export async function runBudgetStep(
  deps: BudgetDeps,
  evidence: readonly DeploymentEvidence[],
  nowMs: number,
  context?: Promise<Row[]>,
): Promise<BudgetTickSummary> {
  try {
    return await updateBudgets(deps, evidence, nowMs, context);
  } catch (e) {
    deps.log?.error({ err: (e as Error).message }, 'error budget step failed');
    return { rows: 0, exhausted: 0, pages: 0, burns: [], errors: [(e as Error).message] };
  }
}

/** `context`, when given, is readBudgetContext's answer for (at least) the evidence's bundles. */
export async function updateBudgets(
  deps: BudgetDeps,
  evidence: readonly DeploymentEvidence[],
  nowMs: number,
  context?: Promise<Row[]>,
): Promise<BudgetTickSummary> {
  const subjects = collect(evidence);
  if (subjects.size === 0) return { rows: 0, exhausted: 0, pages: 0, burns: [], errors: [] };
  const periodMs = deps.slos.periodDays * DAY;
  const ctx = await (context ??
    readBudgetContext(deps, [...new Set([...subjects.values()].map((s) => s.bundle))], nowMs));
  const timelines = new Map<string, Array<{ deploymentId: string; fromMs: number; resources: string }>>();
  const tags = new Map<string, { atMs: number; tags: Record<string, string> }>();
  for (const r of ctx) {
    const key = `${String(r.bundle)}\u0000${String(r.target)}`;
    if (r.kind === 'deployment') {
      (timelines.get(key) ?? timelines.set(key, []).get(key)!).push({
        deploymentId: String(r.deployment_id),
        fromMs: Number(r.finished_ms),
        resources: String(r.resources ?? '[]'),
      });
    } else if (r.tags) {
      const prev = tags.get(String(r.resource_id));
      if (!prev || prev.atMs < Number(r.finished_ms))
        tags.set(String(r.resource_id), { atMs: Number(r.finished_ms), tags: parseTags(r.tags) });
    }
  }
  const rows: BudgetAssessment[] = [];
  const probes: BurnProbe[] = [];
  const meta = new Map<string, { bundle: string; target: string }>();
  for (const s of subjects.values()) {
    const subjectKey = `${s.subject.type}:${s.subject.id}`;
    meta.set(subjectKey, { bundle: s.bundle, target: s.target });
    // Only deployments that touched this subject count as live for it.
    const touching = (timelines.get(`${s.bundle}\u0000${s.target}`) ?? [])
      .filter((t) => t.resources.includes(`"${s.subject.id}"`) && t.fromMs <= nowMs)
      .sort((a, b) => a.fromMs - b.fromMs);
    const timeline: Timeline = touching.map(({ deploymentId, fromMs }) => ({ deploymentId, fromMs }));
    const probe = (
      a: BudgetAssessment | null,
      count: BurnProbe['count'],
      events: readonly DiscreteEvent[] | null,
      policy: BurnProbe['policy'],
      lagMs = 0,
    ) => {
      const live = touching[touching.length - 1];
      if (a)
        probes.push({
          assessment: a,
          count,
          events,
          live: live ? { ...live, fromMs: live.fromMs + lagMs } : null,
          target: s.target,
          subjectId: s.subject.id,
          policy,
        });
    };
    const slos = slosFor(deps.slos, {
      id: s.subject.id,
      name: s.subject.name,
      bundle: s.bundle,
      tags: tags.get(s.subject.id)?.tags ?? {},
    });
    const common = { subject: subjectKey, nowMs, periodMs, sparseBelowPerHour: deps.slos.sparseBelowPerHour };
    const runEv = runEvents([...s.runs.values()], timeline);
    const runsA = assessDiscrete({ ...common, slo: 'run_success', target: slos.runSuccess.target, events: runEv });
    if (runsA) rows.push(runsA);
    probe(runsA, ownCount(runEv), runEv, slos.runSuccess.rollbackOnBurn);
    const expEv = expectationEvents([...s.expectations.values()], timeline);
    const expA = assessDiscrete({ ...common, slo: 'expectations', target: slos.expectations.target, events: expEv });
    if (expA) rows.push(expA);
    probe(expA, ownCount(expEv), expEv, slos.expectations.rollbackOnBurn);
    const byTable = new Map<string, number[]>();
    for (const w of s.writes.values())
      if (w.rows !== null) (byTable.get(w.table) ?? byTable.set(w.table, []).get(w.table)!).push(w.timestampMs);
    const stale = staleness(
      byTable,
      {
        maxAgeMs: slos.freshness.maxAgeMinutes === null ? null : slos.freshness.maxAgeMinutes * 60_000,
        cadenceMultiple: slos.freshness.cadenceMultiple,
      },
      timeline,
      nowMs - periodMs,
      nowMs,
    );
    if (stale) {
      const f = assessFreshness({
        subject: subjectKey,
        target: slos.freshness.target,
        staleness: stale,
        nowMs,
        periodMs,
      });
      if (f) rows.push(f);
      // A table goes stale only its max age after the write that should have followed: for that
      // long after a deploy, staleness is the previous version's doing, not the live one's.
      const lag = Math.max(0, ...Object.values(stale.maxAgeMsByTable));
      probe(f, (from, to) => countMinutes(stale, from, to), null, slos.freshness.rollbackOnBurn, lag);
    }
  }
  if (rows.length) await deps.wh.execute('budget/merge_error_budgets', {}, budgetRows(rows, meta, nowMs));
  return {
    rows: rows.length,
    exhausted: rows.filter((r) => r.exhausted).length,
    pages: rows.filter((r) => r.alert === 'page').length,
    burns: burnTriggers(probes, nowMs),
    errors: [],
  };
}

/** Counts without platform failures: they spend the budget but are no deployment's burn. */
function ownCount(events: readonly DiscreteEvent[]): BurnProbe['count'] {
  const own = events.filter((e) => e.deploymentId !== 'platform');
  return (from, to) => countEvents(own, from, to);
}

function collect(evidence: readonly DeploymentEvidence[]): Map<string, SubjectData> {
  const out = new Map<string, SubjectData>();
  for (const ev of evidence) {
    for (const se of ev.subjects) {
      const key = `${se.subject.type}:${se.subject.id}`;
      let d = out.get(key);
      if (!d) {
        d = {
          subject: se.subject,
          bundle: ev.deployment.bundle,
          target: ev.deployment.target,
          runs: new Map(),
          writes: new Map(),
          expectations: new Map(),
        };
        out.set(key, d);
      }
      for (const r of se.runs) d.runs.set(r.runId, r);
      for (const w of se.writes) d.writes.set(`${w.table}\u0000${w.timestampMs}`, w);
      for (const e of se.expectations) d.expectations.set(`${e.runId}\u0000${e.name}`, e);
    }
  }
  return out;
}

function parseTags(v: unknown): Record<string, string> {
  try {
    const o = JSON.parse(String(v)) as unknown;
    if (!o || typeof o !== 'object' || Array.isArray(o)) return {};
    return Object.fromEntries(Object.entries(o as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
  } catch {
    return {};
  }
}

export function budgetRows(
  rows: readonly BudgetAssessment[],
  /** Each subject's bundle and bundle target (dev, staging, prod). */
  owners: ReadonlyMap<string, { readonly bundle: string; readonly target: string }>,
  nowMs: number,
): RowBatch {
  const windowEnd = Math.floor(nowMs / HOUR) * HOUR + HOUR;
  return {
    columns: [
      { name: 'subject', type: 'STRING' },
      { name: 'slo', type: 'STRING' },
      { name: 'window_end', type: 'TIMESTAMP' },
      { name: 'target', type: 'DOUBLE' },
      { name: 'good', type: 'BIGINT' },
      { name: 'total', type: 'BIGINT' },
      { name: 'budget_remaining', type: 'DOUBLE' },
      { name: 'burn_rates', type: 'STRING' },
      { name: 'alert', type: 'STRING' },
      { name: 'deployment_id', type: 'STRING' },
      { name: 'bundle', type: 'STRING' },
      { name: 'bundle_target', type: 'STRING' },
      { name: 'rule', type: 'STRING' },
      { name: 'exhausted', type: 'BOOLEAN' },
      { name: 'burn_by_deployment', type: 'STRING' },
      { name: 'explanation', type: 'STRING' },
      { name: 'evaluated_at', type: 'TIMESTAMP' },
    ],
    rows: rows.map((r) => [
      r.subject,
      r.slo,
      windowEnd,
      r.target,
      Math.round(r.good),
      Math.round(r.total),
      r.budgetRemaining,
      JSON.stringify(r.burnRates),
      r.alert,
      r.deploymentId,
      owners.get(r.subject)?.bundle ?? null,
      owners.get(r.subject)?.target ?? null,
      r.rule,
      r.exhausted,
      JSON.stringify(r.burnByDeployment),
      r.explanation.slice(0, 4000),
      nowMs,
    ]),
  };
}
