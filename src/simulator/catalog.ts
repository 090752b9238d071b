// The simulated platform: which pipelines exist, what they write and read, how they behave.
// Derived from the seed alone, so every process that opens the world sees the same catalog.

import { hexId, pick, uniform } from './random.js';

export type PipelineKind = 'batch' | 'dbt' | 'dlt';

export interface SimTable {
  readonly name: string;
  readonly baseRows: number;
}

export interface SimPipeline {
  readonly index: number;
  readonly kind: PipelineKind;
  readonly name: string;
  readonly bundle: string;
  readonly resourceType: 'job' | 'pipeline';
  /** job_id for jobs, pipeline_id for DLT pipelines. */
  readonly id: string;
  readonly cadenceMin: number;
  readonly offsetMin: number;
  readonly tasks: readonly string[];
  readonly targets: readonly SimTable[];
  readonly sources: readonly string[];
  readonly baseDurationS: number;
  readonly rowSigma: number;
  readonly durationSigma: number;
  /**
   * Data-quality rules with their baseline failure rate: for DLT expectations the share of records
   * failing, for dbt tests the share of runs in which the test fails (dbt reports pass or fail).
   * A dbt test of severity error fails `dbt build`, and with it the run.
   */
  readonly expectations: ReadonlyArray<{
    readonly name: string;
    readonly failRate: number;
    readonly severity: 'error' | 'warn';
  }>;
  /** Probability that a run fails for infrastructure reasons (retried, then CLOUD_FAILURE). */
  readonly infraFailRate: number;
}

export interface WorldSpec {
  readonly seed: number;
  readonly pipelines: number;
  readonly days: number;
  readonly deploysPerDay: number;
  /** The simulated "now" at which history ends and replay begins (epoch ms, UTC midnight). */
  readonly startMs: number;
  /** Share of replayed deployments that are bad in a labelled way. */
  readonly badShare: number;
  /**
   * Whose cost-regression episodes the replay holds, one each: a job's when unsaid (the demo's
   * figures count that one); `['job', 'pipeline']` adds a pipeline's.
   */
  readonly costEpisodes?: readonly ('job' | 'pipeline')[];
}

const DOMAINS = ['sales', 'finance', 'marketing', 'supply', 'ops', 'risk'];

export function buildCatalog(spec: WorldSpec): SimPipeline[] {
  const sourceCount = Math.max(3, Math.round(spec.pipelines / 5));
  const out: SimPipeline[] = [];
  for (let i = 0; i < spec.pipelines; i++) {
    const r = (k: string) => uniform(spec.seed, 'pipeline', i, k);
    const kindDraw = (i * 0.618034 + r('kind') * 0.05) % 1;
    const kind: PipelineKind = kindDraw < 0.45 ? 'batch' : kindDraw < 0.7 ? 'dbt' : 'dlt';
    const domain = pick(DOMAINS, spec.seed, 'domain', i);
    const name = `${domain}_${kind}_${String(i).padStart(3, '0')}`;
    const cadenceMin =
      kind === 'dlt'
        ? pick([15, 30, 60], spec.seed, 'cad', i)
        : kind === 'dbt'
          ? pick([60, 60, 1440], spec.seed, 'cad', i)
          : pick([60, 60, 60, 240, 1440], spec.seed, 'cad', i);
    const offsetMin = Math.floor(r('offset') * Math.min(cadenceMin, 60));
    const nTargets = r('targets') < 0.35 ? 2 : 1;
    const targets: SimTable[] = [];
    for (let t = 0; t < nTargets; t++) {
      const perHour = Math.exp(Math.log(2e3) + r(`rows${t}`) * Math.log(500));
      targets.push({
        name: `prod.${domain}.${name}_t${t}`,
        baseRows: Math.round((perHour * Math.max(cadenceMin, 15)) / 60),
      });
    }
    const nSources = r('sources') < 0.5 ? 2 : 1;
    const sources: string[] = [];
    for (let s = 0; s < nSources; s++) {
      const src = `prod.raw.source_${Math.floor(uniform(spec.seed, 'src', i, s) * sourceCount)}`;
      if (!sources.includes(src)) sources.push(src);
    }
    const resourceType = kind === 'dlt' ? 'pipeline' : 'job';
    // The dbt model behind the first target, which its tests guard.
    const model = targets[0]!.name.split('.').pop()!;
    out.push({
      index: i,
      kind,
      name,
      bundle: name.replace(/_/g, '-'),
      resourceType,
      id:
        resourceType === 'job'
          ? String(100000 + i * 7919)
          : `${hexId(8, spec.seed, 'pid', i)}-${hexId(4, spec.seed, 'pid2', i)}-4${hexId(3, spec.seed, 'pid3', i)}-a${hexId(3, spec.seed, 'pid4', i)}-${hexId(12, spec.seed, 'pid5', i)}`,
      cadenceMin,
      offsetMin,
      tasks:
        kind === 'batch'
          ? ['ingest', 'transform', 'publish'].slice(0, 1 + Math.floor(r('tasks') * 3))
          : kind === 'dbt'
            ? ['dbt_build']
            : ['pipeline_update'],
      targets,
      sources,
      baseDurationS: kind === 'dlt' ? 60 + r('dur') * 240 : 180 + r('dur') * 1500,
      rowSigma: 0.04 + r('rsig') * 0.08,
      durationSigma: 0.05 + r('dsig') * 0.07,
      expectations:
        kind === 'batch'
          ? []
          : kind === 'dbt'
            ? [
                { name: `not_null_${model}_id`, failRate: 0, severity: 'error' },
                { name: `unique_${model}_key`, failRate: 0, severity: 'error' },
                { name: `accepted_values_${model}_status`, failRate: 0.01 + r('e3') * 0.04, severity: 'warn' },
              ]
            : [
                { name: 'valid_id', failRate: 1e-4 + r('e1') * 5e-4, severity: 'warn' },
                { name: 'valid_amount', failRate: 5e-5 + r('e2') * 2e-4, severity: 'warn' },
              ],
      infraFailRate: 0.002,
    });
  }
  return out;
}

/** Start of the slot-th scheduled run of a pipeline (slots count from the epoch). */
export function slotStartMs(p: SimPipeline, slot: number): number {
  return (slot * p.cadenceMin + p.offsetMin) * 60_000;
}

export function firstSlotAfter(p: SimPipeline, ms: number): number {
  return Math.floor((ms / 60_000 - p.offsetMin) / p.cadenceMin) + 1;
}
