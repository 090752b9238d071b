// Which tables a failed deployment's runs wrote, and what putting each back would cost: a pure
// function from Delta commits and lineage to a restore plan. Restoring a table rolls back every
// commit after the chosen version, so a table another writer wrote since is never restored here.

export interface RestoreDeployment {
  readonly deploymentId: string;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly finishedMs: number;
  /** When the version stopped running (its rollback, or the next deployment); null: it still runs. */
  readonly endMs: number | null;
  readonly endReason: 'rolled back' | 'superseded' | null;
  readonly jobIds: readonly string[];
  readonly pipelineIds: readonly string[];
}

export interface TableCommit {
  readonly table: string;
  readonly version: number;
  readonly commitMs: number;
  readonly operation: string;
  readonly rowsWritten: number | null;
  readonly jobId: string | null;
}

/** Lineage events of one entity from `source` to `target` (either may be absent), first to last. */
export interface LineageEvent {
  readonly source: string | null;
  readonly target: string | null;
  readonly entityType: string;
  readonly entityId: string;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly events: number;
}

export interface PlanInput {
  readonly deployment: RestoreDeployment;
  /** Every known commit of the tables concerned, from the commit cache and DESCRIBE HISTORY. */
  readonly commits: readonly TableCommit[];
  readonly lineage: readonly LineageEvent[];
}

export interface SafeRestore {
  readonly table: string;
  readonly toVersion: number;
  readonly badVersions: readonly number[];
  /** The table's newest version when planned: apply refuses a table that has moved on since. */
  readonly latestVersion: number;
  readonly statement: string;
}

export type UnsafeKind = 'restored' | 'other_writers' | 'rewritten' | 'created' | 'pipeline' | 'no_history';

export interface WriterCommits {
  readonly writer: string;
  readonly commits: number;
  readonly rows: number | null;
}

export interface UnsafeTable {
  readonly table: string;
  readonly kind: UnsafeKind;
  readonly reason: string;
  readonly writers: readonly WriterCommits[];
}

export interface Rerun {
  readonly table: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly reads: number;
  readonly sources: readonly string[];
}

export interface RestorePlan {
  readonly deploymentId: string;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly windowStartMs: number;
  readonly windowEndMs: number | null;
  readonly endReason: 'rolled back' | 'superseded' | null;
  readonly restores: readonly SafeRestore[];
  readonly unsafe: readonly UnsafeTable[];
  readonly rerun: readonly Rerun[];
}

/** Operations that replace a table's whole content: after one, the bad rows are gone already. */
const FULL_REPLACE = new Set([
  'CREATE OR REPLACE TABLE AS SELECT',
  'REPLACE TABLE AS SELECT',
  'CREATE TABLE AS SELECT',
]);

export function restoreStatement(table: string, version: number): string {
  return `RESTORE TABLE ${table
    .split('.')
    .map((p) => `\`${p}\``)
    .join('.')} TO VERSION AS OF ${version}`;
}

export function planRestore(input: PlanInput): RestorePlan {
  const d = input.deployment;
  const inWindow = (ms: number) => ms > d.finishedMs && (d.endMs === null || ms < d.endMs);
  const jobs = new Set(d.jobIds);
  const ours = new Set([...d.jobIds, ...d.pipelineIds]);
  const isBad = (c: TableCommit) => c.jobId !== null && jobs.has(c.jobId) && inWindow(c.commitMs);
  const byTable = groupBy(input.commits, (c) => c.table);
  const restores: SafeRestore[] = [];
  const unsafe: UnsafeTable[] = [];
  const firstBadMs = new Map<string, number>();

  for (const [table, all] of [...byTable].sort(([a], [b]) => cmp(a, b))) {
    const commits = [...all].sort((a, b) => a.version - b.version);
    const bad = commits.filter(isBad);
    if (bad.length === 0) continue;
    const first = bad[0]!;
    firstBadMs.set(table, first.commitMs);
    const later = commits.filter((c) => c.version > first.version && !isBad(c));
    const before = commits.filter((c) => c.version < first.version);
    const latest = commits[commits.length - 1]!.version;
    const replace = later.find((c) => FULL_REPLACE.has(c.operation));
    const restored = later.findLast((c) => c.operation === 'RESTORE');
    if (restored) {
      unsafe.push({
        table,
        kind: 'restored',
        reason: `restored since, at version ${restored.version}: the bad version's commits are undone already${restored.version === latest ? '' : `, and ${latest - restored.version} later version(s) written after it`}`,
        writers: writers(
          later.filter((c) => c.version > restored.version),
          jobs,
          d,
        ),
      });
    } else if (replace) {
      unsafe.push({
        table,
        kind: 'rewritten',
        reason: `${writerOf(replace, jobs, d)} replaced the whole table at version ${replace.version} (${replace.operation}): the bad version's rows are gone, and restoring would lose the rows written since`,
        writers: writers(later, jobs, d),
      });
    } else if (later.length > 0) {
      const ws = writers(later, jobs, d);
      unsafe.push({
        table,
        kind: 'other_writers',
        reason: `written since the bad version by ${ws.map((w) => `${w.writer} (${w.commits} commit${w.commits === 1 ? '' : 's'})`).join(', ')}: restoring would lose their rows`,
        writers: ws,
      });
    } else if (first.version === 0) {
      unsafe.push({
        table,
        kind: 'created',
        reason:
          'the bad version created the table (version 0): there is no earlier version to restore; drop it by hand if it should not exist',
        writers: [],
      });
    } else {
      const toVersion = before.length > 0 ? before[before.length - 1]!.version : first.version - 1;
      restores.push({
        table,
        toVersion,
        badVersions: bad.map((c) => c.version),
        latestVersion: latest,
        statement: restoreStatement(table, toVersion),
      });
    }
  }

  // Tables lineage says the version wrote, whose Delta history does not name its commits.
  const lineageWrites = new Map<string, LineageEvent>();
  for (const e of input.lineage)
    if (e.target && ours.has(e.entityId) && inWindow(e.firstMs) && !firstBadMs.has(e.target)) {
      const seen = lineageWrites.get(e.target);
      if (!seen || e.firstMs < seen.firstMs) lineageWrites.set(e.target, e);
    }
  for (const [table, e] of [...lineageWrites].sort(([a], [b]) => cmp(a, b))) {
    firstBadMs.set(table, e.firstMs);
    const pipeline = d.pipelineIds.includes(e.entityId);
    unsafe.push({
      table,
      kind: pipeline ? 'pipeline' : 'no_history',
      reason: pipeline
        ? `written by pipeline ${e.entityId}, whose Delta commits name no job: find its commits with DESCRIBE HISTORY and restore by hand`
        : `lineage shows job ${e.entityId} writing it, but no Delta commit of the job is known: check DESCRIBE HISTORY by hand`,
      writers: [],
    });
  }

  return {
    deploymentId: d.deploymentId,
    bundle: d.bundle,
    target: d.target,
    version: d.version,
    windowStartMs: d.finishedMs,
    windowEndMs: d.endMs,
    endReason: d.endReason,
    restores,
    unsafe,
    rerun: downstream(input.lineage, firstBadMs, ours),
  };
}

/** Who read the bad tables after the bad version first wrote them, and wrote something from them. */
function downstream(lineage: readonly LineageEvent[], firstBadMs: Map<string, number>, ours: Set<string>): Rerun[] {
  const out = new Map<
    string,
    { table: string; entityType: string; entityId: string; reads: number; sources: Set<string> }
  >();
  for (const e of lineage) {
    if (!e.source || !e.target || ours.has(e.entityId)) continue;
    const since = firstBadMs.get(e.source);
    if (since === undefined || e.lastMs < since || e.target === e.source) continue;
    const key = `${e.target}\u0000${e.entityType}\u0000${e.entityId}`;
    const r = out.get(key) ?? {
      table: e.target,
      entityType: e.entityType,
      entityId: e.entityId,
      reads: 0,
      sources: new Set(),
    };
    r.reads += e.events;
    r.sources.add(e.source);
    out.set(key, r);
  }
  return [...out.values()]
    .map((r) => ({ ...r, sources: [...r.sources].sort(cmp) }))
    .sort((a, b) => cmp(a.table, b.table) || cmp(a.entityId, b.entityId));
}

function writerOf(c: TableCommit, jobs: Set<string>, d: RestoreDeployment): string {
  if (c.jobId === null) return 'commits with no job (ingestion, streaming or a user)';
  if (jobs.has(c.jobId))
    return `job ${c.jobId} ${c.commitMs <= d.finishedMs ? 'before the deploy' : `after the version was ${d.endReason ?? 'replaced'}`}`;
  return `job ${c.jobId}`;
}

function writers(commits: readonly TableCommit[], jobs: Set<string>, d: RestoreDeployment): WriterCommits[] {
  const by = new Map<string, { commits: number; rows: number | null }>();
  for (const c of commits) {
    const label = writerOf(c, jobs, d);
    const prev = by.get(label) ?? { commits: 0, rows: 0 };
    by.set(label, {
      commits: prev.commits + 1,
      rows: prev.rows === null || c.rowsWritten === null ? null : prev.rows + c.rowsWritten,
    });
  }
  return [...by].map(([writer, v]) => ({ writer, ...v })).sort((a, b) => cmp(a.writer, b.writer));
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
