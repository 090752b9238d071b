// Judges one deployment: every check on every subject it touched, then the control group,
// dry-run and expected-change annotations. Pure: evidence and policy in, results out.

import type { CheckResult, RunRecord, TableWrite } from '../types.js';
import { checkBacklog } from './backlog.js';
import { inBaseline } from './baseline-window.js';
import { checkConfig } from './config-change.js';
import { applyControlGroup, peerMoves, sourceMoves } from './control-group.js';
import { checkCost } from './cost.js';
import { costEvidence } from './cost-evidence.js';
import { checkDuration } from './duration.js';
import { type DeploymentEvidence, postRuns, postWindow, preRuns, type SubjectEvidence } from './evidence.js';
import { checkExpectations } from './expectations.js';
import { checkFreshness } from './freshness.js';
import { checkMonitors } from './monitors.js';
import type { Policy } from './policy.js';
import { measurementError } from './result.js';
import { checkRowCount } from './row-count.js';
import { checkRunHealth } from './run-health.js';
import { resolveSlas, slaBreach, slaCrossingMs } from './sla.js';
import { medianGapMs } from './slots.js';

const DAY = 86_400_000;

function nextRunEstimate(runs: readonly RunRecord[], nowMs: number): number | null {
  const starts = runs.map((r) => r.startMs).sort((a, b) => a - b);
  const gap = medianGapMs(starts.slice(-30));
  if (gap === null || gap <= 0) return null;
  let next = starts[starts.length - 1]! + gap;
  while (next < nowMs) next += gap;
  return next;
}

interface Split {
  readonly fromMs: number;
  readonly toMs: number;
  readonly postIds: ReadonlySet<string>;
  readonly straddling: ReadonlySet<string>;
  readonly done: number;
}

/**
 * Expectations and backlog of one subject. Evidence with a run id follows its run (a run that
 * straddles the deploy counts on neither side); evidence of unknown runs follows its timestamp.
 */
function judgeStreams(
  s: SubjectEvidence,
  split: Split,
  errors: DeploymentEvidence['errors'],
  policy: Policy,
  nowMs: number,
): CheckResult[] {
  const { fromMs, toMs, postIds, straddling, done } = split;
  const key = `${s.subject.type}:${s.subject.id}`;
  const known = new Set(s.runs.map((r) => r.runId));
  const sinceMs = fromMs - policy.baselineDays * DAY;
  const side = (runId: string | null, t: number): 'pre' | 'post' | null => {
    if (runId !== null && straddling.has(runId)) return null;
    if (runId !== null && postIds.has(runId)) return 'post';
    if (runId !== null && known.has(runId)) return t < fromMs && t >= sinceMs ? 'pre' : null;
    return t < fromMs ? (t >= sinceMs ? 'pre' : null) : t < toMs ? 'post' : null;
  };
  const out: CheckResult[] = [];
  const expError = errors.find((e) => e.kind === 'expectations');
  if (expError) out.push(measurementError('expectations', key, done, policy.critical.expectations, expError));
  else {
    const exp = checkExpectations(
      s.subject,
      s.expectations.filter((e) => side(e.runId, e.timestampMs) === 'pre'),
      s.expectations.filter((e) => side(e.runId, e.timestampMs) === 'post'),
      policy,
      nowMs,
    );
    if (exp) out.push(exp);
  }
  const backlogError = errors.find((e) => e.kind === 'backlog');
  if (backlogError) out.push(measurementError('backlog', key, done, policy.critical.backlog, backlogError));
  else {
    const bl = checkBacklog(
      s.subject,
      s.backlog.filter((b) => side(b.runId, b.timestampMs) === 'pre'),
      s.backlog.filter((b) => side(b.runId, b.timestampMs) === 'post'),
      fromMs,
      policy,
      nowMs,
    );
    if (bl) out.push(bl);
  }
  return out;
}

export function judgeDeployment(ev: DeploymentEvidence, policy: Policy, nowMs: number): CheckResult[] {
  const { fromMs, toMs } = postWindow(ev, nowMs);
  const results: CheckResult[] = [];
  for (const s of ev.subjects) {
    const post = postRuns(s.runs, fromMs, toMs);
    const done = post.filter((r) => r.result !== 'RUNNING').length;
    const subjectErrors = ev.errors.filter(
      (e) =>
        e.subject === `${s.subject.type}:${s.subject.id}` ||
        s.subject.targetTables.some((t) => e.subject === `table:${t}`),
    );
    const key = `${s.subject.type}:${s.subject.id}`;
    const runsError = subjectErrors.find((e) => e.kind === 'runs');
    const postIds = new Set(post.map((r) => r.runId));
    const straddling = new Set(
      s.runs.filter((r) => r.startMs < fromMs && (r.endMs === null || r.endMs > fromMs)).map((r) => r.runId),
    );
    const settings = ev.settings?.find((c) => c.type === s.subject.type && c.id === s.subject.id);
    const costError = subjectErrors.find((e) => e.kind === 'cost');
    const baselineRuns = preRuns(s.runs, fromMs).filter((r) => inBaseline(r.startMs, fromMs, policy));
    // A malformed row of the limits the job states: its runs are judged, their length is not.
    const slaError = subjectErrors.find((e) => e.kind === 'sla');
    if (runsError) {
      results.push(measurementError('run_health', key, done, policy.critical.run_health, runsError));
      results.push(measurementError('duration', key, done, policy.critical.duration, runsError));
      if (s.cost) results.push(measurementError('cost', key, done, policy.critical.cost, runsError));
    } else {
      results.push(checkRunHealth(s.subject, post, policy, nowMs, nextRunEstimate(s.runs, nowMs)));
      if (slaError) results.push(measurementError('duration', key, done, policy.critical.duration, slaError));
      else {
        const resourceKey =
          ev.deployment.resources.find((r) => r.type === s.subject.type && r.id === s.subject.id)?.key ?? null;
        const slas = resolveSlas(policy, s.subject, resourceKey, s.stated);
        const duration =
          slaBreach(s.subject, post, slas, policy, nowMs) ??
          checkDuration(s.subject, baselineRuns, post, policy, nowMs, slas.run?.seconds ?? null);
        const crossing = duration.status === 'FAIL' ? null : slaCrossingMs(post, slas, nowMs);
        results.push(
          crossing !== null && crossing < (duration.recheckAtMs ?? Infinity)
            ? { ...duration, recheckAtMs: crossing }
            : duration,
        );
      }
      const cost = costError
        ? measurementError('cost', key, done, policy.critical.cost, costError)
        : s.cost && checkCost(costEvidence(s, s.cost, baselineRuns, post, settings), policy, nowMs);
      if (cost) results.push(cost);
    }
    results.push(...judgeStreams(s, { fromMs, toMs, postIds, straddling, done }, subjectErrors, policy, nowMs));
    const configError = subjectErrors.find((e) => e.kind === 'config');
    const config = configError
      ? measurementError('config', key, 0, policy.critical.config, configError)
      : settings &&
        checkConfig(settings, s.subject.name, policy, fromMs, ev.deployment.expectedChanges.includes('config'));
    if (config) results.push(config);
    // A malformed lineage row of the subject: which tables it writes is not known for sure.
    const lineageError = subjectErrors.find((e) => e.kind === 'lineage' && e.subject === key);
    if (lineageError) {
      results.push(measurementError('row_count', key, done, policy.critical.row_count, lineageError));
      results.push(measurementError('freshness', key, done, policy.critical.freshness, lineageError));
    }
    for (const table of s.subject.targetTables) {
      const writesError = subjectErrors.find((e) => e.subject === `table:${table}` && e.kind !== 'monitors');
      const monitorsError = subjectErrors.find((e) => e.subject === `table:${table}` && e.kind === 'monitors');
      if (monitorsError)
        results.push(measurementError('monitors', `table:${table}`, done, policy.critical.monitors, monitorsError));
      if (writesError) {
        results.push(measurementError('row_count', `table:${table}`, done, policy.critical.row_count, writesError));
        results.push(measurementError('freshness', `table:${table}`, done, policy.critical.freshness, writesError));
        continue;
      }
      const writes = s.writes.filter((w) => w.table === table);
      const isPost = (w: TableWrite) =>
        w.runId !== null ? postIds.has(w.runId) : w.timestampMs >= fromMs && w.timestampMs < toMs;
      const baseline = writes.filter(
        (w) => inBaseline(w.timestampMs, fromMs, policy) && !(w.runId !== null && straddling.has(w.runId)),
      );
      const postWrites = writes.filter(isPost).sort((a, b) => a.timestampMs - b.timestampMs);
      results.push(
        checkRowCount(table, baseline, postWrites, policy, nowMs, ev.deployment.expectedChanges.includes('row_count')),
      );
      results.push(
        checkFreshness(
          table,
          writes.filter((w) => w.timestampMs < toMs || toMs === nowMs),
          fromMs,
          policy,
          toMs,
          done,
        ),
      );
      const monitors = monitorsError ? null : checkMonitors(table, ev.monitors, fromMs, toMs, policy, nowMs, done);
      if (monitors) results.push(monitors);
    }
  }
  const sourcesOf = new Map<string, readonly string[]>(
    ev.subjects.flatMap((s) =>
      s.subject.targetTables.map((t): [string, readonly string[]] => [`table:${t}`, s.subject.sourceTables]),
    ),
  );
  return results.map((r) => {
    // Peers are compared over the same period as the evidence that raised the concern.
    const concern = r.check === 'row_count' && (r.status === 'FAIL' || r.status === 'WARN');
    const sources = sourcesOf.get(r.subject) ?? [];
    const concernMs = Math.min(toMs, r.decidedAtMs ?? toMs);
    const direction = (r.effect ?? 1) < 1 ? 'down' : 'up';
    const moves = concern ? peerMoves(ev.peers, fromMs, concernMs, toMs, direction, policy) : [];
    const upstream =
      concern && ev.upstreamWrites
        ? sourceMoves(ev.upstreamWrites, sources, fromMs, concernMs, toMs, direction, policy)
        : [];
    let out = applyControlGroup(r, moves, policy, sources, nowMs, upstream);
    if (policy.dryRun[out.check] && !out.suppressedBy && (out.status === 'FAIL' || out.status === 'WARN'))
      out = { ...out, suppressedBy: 'dry-run' };
    if (ev.deployment.expectedChanges.includes(out.check) && !out.suppressedBy && out.status === 'FAIL')
      out = { ...out, suppressedBy: 'expected change' };
    return out;
  });
}
