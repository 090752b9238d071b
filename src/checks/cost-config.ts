// The compute a job's settings (Jobs API 2.2) or a pipeline's spec size, compared across a
// deployment: what goes with a rise in DBUs per run (a larger node type, more workers, a wider
// autoscale range, classic compute in place of serverless). Pure.

import type { SettingsChange } from './config-facts.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** What one cluster definition says about its size. */
interface ClusterSize {
  readonly nodeType: string | null;
  readonly driverNodeType: string | null;
  readonly workers: number | null;
  readonly autoscale: string | null;
}

function sizeOf(c: Obj): ClusterSize {
  const auto = obj(c.autoscale);
  const min = int(auto?.min_workers);
  const max = int(auto?.max_workers);
  return {
    nodeType: str(c.node_type_id),
    driverNodeType: str(c.driver_node_type_id),
    workers: int(c.num_workers),
    autoscale: auto ? `${min ?? '?'}–${max ?? '?'}` : null,
  };
}

/** Every cluster the settings define, by where: job clusters, task clusters, pipeline clusters. */
function clustersOf(settings: unknown): Map<string, ClusterSize> {
  const s = obj(settings);
  const out = new Map<string, ClusterSize>();
  if (!s) return out;
  for (const c of arr(s.job_clusters)) {
    const cluster = obj(obj(c)?.new_cluster);
    if (cluster) out.set(`job cluster ${String(obj(c)?.job_cluster_key ?? '')}`, sizeOf(cluster));
  }
  for (const t of arr(s.tasks)) {
    const cluster = obj(obj(t)?.new_cluster);
    if (cluster) out.set(`task ${String(obj(t)?.task_key ?? '')}`, sizeOf(cluster));
  }
  for (const c of arr(s.clusters)) {
    const cluster = obj(c);
    if (cluster) out.set(`cluster ${String(cluster.label ?? 'default')}`, sizeOf(cluster));
  }
  return out;
}

/** How a pipeline or job computes: serverless, or on the clusters it defines. */
function serverless(settings: unknown): boolean | null {
  const s = obj(settings);
  if (!s) return null;
  if (typeof s.serverless === 'boolean') return s.serverless;
  return clustersOf(settings).size === 0 ? null : false;
}

/**
 * The changes to compute size a deployment made, in words ("node type i3.xlarge → i3.4xlarge");
 * none when either side is unknown or nothing about size changed. A cluster's name leads only
 * when the resource has more than one.
 */
export function computeChanges(change: SettingsChange | undefined): string[] {
  if (!change?.before || !change.after) return [];
  const before = clustersOf(change.before.settings);
  const after = clustersOf(change.after.settings);
  const out: string[] = [];
  const wasServerless = serverless(change.before.settings);
  const isServerless = serverless(change.after.settings);
  if (wasServerless === true && isServerless === false) out.push('serverless → classic compute');
  if (wasServerless === false && isServerless === true) out.push('classic compute → serverless');
  const named = Math.max(before.size, after.size) > 1;
  for (const [where, a] of after) {
    const b = before.get(where);
    if (!b) {
      if (before.size > 0 || wasServerless === false) out.push(`${where} added`);
      continue;
    }
    const lead = named ? `${where}: ` : '';
    const diff = (what: string, x: string | number | null, y: string | number | null) => {
      if (x !== null && y !== null && x !== y) out.push(`${lead}${what} ${x} → ${y}`);
    };
    diff('node type', b.nodeType, a.nodeType);
    if (b.driverNodeType !== b.nodeType || a.driverNodeType !== a.nodeType)
      diff('driver node type', b.driverNodeType, a.driverNodeType);
    diff('workers', b.workers, a.workers);
    diff('autoscale', b.autoscale, a.autoscale);
  }
  return out;
}
