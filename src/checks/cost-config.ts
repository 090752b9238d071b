// The compute a job's settings (Jobs API 2.2) or a pipeline's spec size, compared across a
// deployment: what goes with a rise in DBUs per run or update (a larger node type, more workers,
// a wider autoscale range, Photon, classic compute in place of serverless) or in its price (a
// pipeline's edition). Pure.

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
  /** Photon as a job cluster's runtime_engine says it; null when unsaid. */
  readonly photon: boolean | null;
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
    photon: c.runtime_engine === 'PHOTON' ? true : c.runtime_engine === 'STANDARD' ? false : null,
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

/** A cluster in a few words: "4 × i3.2xlarge", "autoscale 2–8 × i3.xlarge". */
function described(c: ClusterSize): string {
  const nodes = c.workers !== null ? `${c.workers + 1} ×` : c.autoscale ? `autoscale ${c.autoscale} ×` : '';
  return `${nodes} ${c.nodeType ?? 'default node type'}`.trim();
}

const onOff = (v: boolean) => (v ? 'on' : 'off');

/** A pipeline's settings beside its clusters that move what an update costs: Photon, edition, channel. */
function pipelineChanges(before: unknown, after: unknown): string[] {
  const b = obj(before);
  const a = obj(after);
  if (!b || !a) return [];
  const out: string[] = [];
  // The Pipelines API leaves photon false and edition ADVANCED when a spec does not say.
  const photon = (s: Obj) => (typeof s.photon === 'boolean' ? s.photon : false);
  if (photon(b) !== photon(a)) out.push(`Photon ${onOff(photon(a))}`);
  const edition = (s: Obj) => (str(s.edition) ?? 'ADVANCED').toUpperCase();
  if (edition(b) !== edition(a)) out.push(`edition ${edition(b)} → ${edition(a)}`);
  const channel = (s: Obj) => (str(s.channel) ?? 'CURRENT').toUpperCase();
  if (channel(b) !== channel(a)) out.push(`channel ${channel(b)} → ${channel(a)}`);
  return out;
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
  const named = Math.max(before.size, after.size) > 1;
  if (wasServerless === true && isServerless === false) {
    // What it moved onto is what it now pays for.
    const onto = [...after].map(([where, a]) => `${named ? `${where}: ` : ''}${described(a)}`);
    out.push(`serverless → classic compute${onto.length ? ` (${onto.join(', ')})` : ''}`);
  }
  if (wasServerless === false && isServerless === true) out.push('classic compute → serverless');
  if (change.type === 'pipeline') out.push(...pipelineChanges(change.before.settings, change.after.settings));
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
    // A fixed size traded for a range, or back, is a size change too.
    if (b.workers !== null && a.workers === null && a.autoscale !== null)
      out.push(`${lead}workers ${b.workers} → autoscale ${a.autoscale}`);
    if (b.autoscale !== null && a.autoscale === null && a.workers !== null)
      out.push(`${lead}autoscale ${b.autoscale} → workers ${a.workers}`);
    if (b.photon !== null && a.photon !== null && b.photon !== a.photon) out.push(`${lead}Photon ${onOff(a.photon)}`);
  }
  return out;
}
