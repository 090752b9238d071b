// The control group's reads, made only for deployments whose own evidence fails a volume check:
// peers' pipeline evidence is in hand already; job peers cost one history read per table, so they
// wait for a reason. Only a failure can roll back; a warning is re-judged with its peers once it
// becomes one.

import type { Horizon } from '../checks/baseline-window.js';
import type { DeploymentEvidence } from '../checks/evidence.js';
import type { TableWrite } from '../types.js';
import type { Warehouse } from '../warehouse/port.js';
import { groupBy } from './evidence-assembly.js';
import type { EvidenceTables } from './evidence-tables.js';
import { readTableWrites } from './table-history.js';

/** Writes by table of the named deployments' peers and upstream tables, with the judged ones' own. */
export async function readControlGroup(
  wh: Warehouse,
  input: { readonly finishedSince: ReadonlySet<string>; readonly nowMs: number },
  t: EvidenceTables,
  evidence: readonly DeploymentEvidence[],
  anomalous: ReadonlySet<string>,
  since: Horizon,
  ownWrites: readonly TableWrite[],
): Promise<Map<string, TableWrite[]>> {
  const { nowMs, finishedSince } = input;
  const wanted = new Set(
    evidence
      .filter((ev) => anomalous.has(ev.deployment.deploymentId))
      .flatMap((ev) => ev.subjects.flatMap((s) => s.subject.sourceTables)),
  );
  const { lineage, jobTables, pipelineTables } = t;
  const peerJobTables = new Map<string, string>();
  for (const p of t.peerIds) {
    if (lineage.types.get(p) !== 'job' || ![...(lineage.sources.get(p) ?? [])].some((s) => wanted.has(s))) continue;
    for (const table of lineage.targets.get(p) ?? []) if (!jobTables.has(table)) peerJobTables.set(table, p);
  }
  // Peers' runs are not read: a peer that finished a run since the last tick is read again.
  const peerFresh = new Map(
    [...peerJobTables].filter(([, p]) => finishedSince.has(p)).map(([table]) => [table, nowMs]),
  );
  const peerPipelineTables = new Map<string, string>();
  for (const [id, ts] of t.pipelineTargets) {
    for (const table of ts) if (!t.watched.has(id)) peerPipelineTables.set(table, id);
  }
  // The upstream tables themselves: their history says at once whether the incident is theirs.
  // No run says when they were written, so they are read again when their cadence says a commit
  // is due. Like the peers' reads, they are best effort: a source that is a view has no history.
  const upstreamTables = new Map(
    [...wanted].filter((x) => !jobTables.has(x) && !pipelineTables.has(x)).map((x) => [x, `table:${x}`]),
  );
  const peerHist = await readTableWrites(
    wh,
    new Map([...peerJobTables, ...peerPipelineTables, ...upstreamTables]),
    peerFresh,
    since,
    nowMs,
    { cachedOnly: new Set(peerPipelineTables.keys()), dueByCadence: new Set(upstreamTables.keys()) },
  );
  return groupBy([...ownWrites, ...peerHist.writes], (w) => w.table);
}
