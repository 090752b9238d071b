// Reads a deployment's story from the ops tables through the warehouse port: the statements of
// sql/explain/, and for the numbers behind each check the tick's own reads of the run and commit
// caches (tick/runs, tick/table_writes) and of lineage (tick/lineage), so the series drawn are the
// evidence the tick judged. Reads only: nothing is written, no table history is fetched.

import { baselineHorizons } from '../checks/baseline-window.js';
import { DEFAULT_POLICY } from '../checks/policy.js';
import { LINEAGE_LOOKBACK_MS, readLineageRows } from '../tick/lineage.js';
import { readRuns } from '../tick/runs.js';
import { readTableWrites } from '../tick/table-history.js';
import type { RunRecord, TableWrite } from '../types.js';
import type { Row, Warehouse } from '../warehouse/port.js';
import { numberOrNull as num, textOrNull as str } from '../warehouse/row-values.js';
import { type DeploymentRef, refParams } from './deployment-ref.js';
import { seriesFor } from './series.js';
import { controlGroupOf, rollbackOf, writtenRows, writtenTables } from './story-parts.js';
import type { Story, StoryCheck, StoryDeployment, StoryVerdict } from './story-types.js';

function jsonArray<T>(text: unknown): T[] {
  if (typeof text !== 'string' || text === '') return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

function deploymentOf(r: Row): StoryDeployment {
  return {
    deploymentId: String(r.deployment_id),
    bundle: String(r.bundle),
    target: String(r.target),
    version: String(r.version),
    previousVersion: str(r.previous_version),
    actor: str(r.actor),
    status: str(r.status),
    startedMs: num(r.started_ms),
    finishedMs: num(r.finished_ms),
    resources: jsonArray<{ type: string; id: string; key: string }>(r.resources).map((x) => ({
      type: String(x.type),
      id: String(x.id),
      key: String(x.key),
    })),
    expectedChanges: jsonArray<string>(r.expected_changes).map(String),
  };
}

function verdictOf(r: Row): StoryVerdict | null {
  if (r.state === null || r.state === undefined) return null;
  return {
    state: String(r.state),
    reason: str(r.reason),
    isFinal: r.is_final === true,
    postRuns: num(r.post_runs),
    sinceMs: num(r.since_ms),
    untilMs: num(r.until_ms),
    firstVerdictMs: num(r.first_verdict_ms),
    updatedMs: num(r.updated_ms),
    pageReason: str(r.page_reason),
  };
}

function checkOf(r: Row): Omit<StoryCheck, 'series'> {
  return {
    check: String(r.check_name),
    subject: String(r.subject),
    status: String(r.status),
    critical: r.critical === true,
    look: Number(r.look),
    looks: Number(r.looks),
    explanation: str(r.explanation),
    suppressedBy: str(r.suppressed_by),
    plane: str(r.plane),
    evaluatedMs: num(r.evaluated_ms),
    numbers: {
      observed: num(r.observed),
      baselineN: num(r.baseline_n),
      baselineCenter: num(r.baseline_center),
      baselineSpread: num(r.baseline_spread),
      threshold: num(r.threshold),
      statistic: num(r.statistic),
      pValue: num(r.p_value),
      effect: num(r.effect),
      postN: num(r.post_n),
      evidenceAgeS: num(r.evidence_age_s),
    },
  };
}

function groupBy<T>(items: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) (out.get(key(x)) ?? out.set(key(x), []).get(key(x))!).push(x);
  return out;
}

/** The story of the deployment `ref` names, or null when the ops tables hold none. */
export async function readStory(wh: Warehouse, ref: DeploymentRef, nowMs: number): Promise<Story | null> {
  const [found] = await wh.query('explain/deployment', refParams(ref));
  if (!found) return null;
  const deployment = deploymentOf(found);
  const verdict = verdictOf(found);
  const id = { deployment_id: deployment.deploymentId };
  const deployedMs = deployment.finishedMs ?? deployment.startedMs ?? nowMs;
  const ids = [...new Set(deployment.resources.map((r) => r.id))];
  const [checkRows, rollbackRows, stageRows, lineageRows] = await Promise.all([
    wh.query('explain/checks', id),
    wh.query('explain/rollbacks', id),
    wh.query('explain/stages', id),
    readLineageRows(wh, ids, deployedMs - LINEAGE_LOOKBACK_MS),
  ]);
  const checks = checkRows.map(checkOf);
  const tables = [...new Set(checks.filter((c) => c.subject.startsWith('table:')).map((c) => c.subject.slice(6)))];
  const horizon = baselineHorizons(deployedMs, DEFAULT_POLICY);
  const written = writtenTables(lineageRows, ids, tables);
  const [runs, writes, downstream] = await Promise.all([
    readRuns(wh, ids, horizon),
    // Every table is read from the commit cache only: explaining fetches no table history.
    readTableWrites(wh, new Map(tables.map((t) => [t, t])), new Map(), horizon, nowMs, {
      cachedOnly: new Set(tables),
    }),
    written.length
      ? wh.query('explain/downstream', { since_ms: deployedMs - LINEAGE_LOOKBACK_MS }, writtenRows(written))
      : Promise.resolve([]),
  ]);
  const runsBySubject = groupBy<RunRecord>(runs, (r) => r.subjectId);
  const writesByTable = groupBy<TableWrite>(writes.writes, (w) => w.table);
  const reads = [
    ...new Set(lineageRows.filter((r) => ids.includes(String(r.entity_id)) && r.source).map((r) => String(r.source))),
  ].sort();
  return {
    deployment,
    verdict,
    // Each check is drawn with the evidence there was when it was last judged.
    checks: checks.map((c) => ({
      ...c,
      series: seriesFor(c.check, c.subject, runsBySubject, writesByTable, {
        deployedMs,
        endMs: c.evaluatedMs ?? nowMs,
      }),
    })),
    controlGroup: controlGroupOf(lineageRows, ids, checks),
    rollback: rollbackOf(rollbackRows, verdict, str(found.quarantine_reason)),
    blastRadius: {
      reads,
      writes: written,
      downstream: downstream.map((r) => ({
        hop: Number(r.hop),
        entityType: str(r.entity_type),
        entityId: str(r.entity_id),
        source: str(r.source),
        target: str(r.target),
      })),
    },
    ci: {
      runUrl: str(found.ci_run_url),
      traceId: str(found.trace_id),
      stages: stageRows.map((r) => ({
        stage: String(r.stage),
        attempt: Number(r.attempt),
        status: str(r.status),
        startedMs: num(r.started_ms),
        finishedMs: num(r.finished_ms),
        spanId: str(r.span_id),
      })),
    },
    readAtMs: nowMs,
  };
}
