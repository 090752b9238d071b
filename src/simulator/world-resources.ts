// The control plane's resources as the world keeps them: the versions first deployed, and the
// deploys the plan makes later, recorded the way CI records them with `postflight record`.

import { codeAttributes, contentHash, fingerprintOf } from '../ci/code-fingerprint.js';
import { foldRecords } from '../ci/fold-records.js';
import { recordDeployments } from '../ci/record.js';
import { type Stage, type StageRecord, type StageStatus, stageRecord } from '../ci/stage-record.js';
import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import type { SqlValue } from '../warehouse/port.js';
import type { SimPipeline, WorldSpec } from './catalog.js';
import { BUNDLE_DEPLOY_AGENT, type ControlAuditRow, writeControlAudit } from './control-audit.js';
import { dbtTestRows } from './elementary.js';
import type { DeployPlan, PlannedDeploy } from './plan.js';
import { RESOURCE_COLUMNS, rowBatch, writeElementary, writeScdRows } from './row-batches.js';
import { jobSettings, pipelineSpec } from './settings.js';
import { statedSlaOf, withStatedSla } from './stated-sla.js';

const DAY = 86_400_000;

export async function writeInitialResources(
  wh: DuckDbWarehouse,
  spec: WorldSpec,
  catalog: readonly SimPipeline[],
  plan: DeployPlan,
  atMs: number,
): Promise<void> {
  const s = wh.session;
  for (const p of catalog) {
    const version = plan.initialVersions.get(p.bundle)!;
    const settings = p.resourceType === 'job' ? jobSettings(p, version) : pipelineSpec(p, version);
    await s.run('INSERT INTO sim_world.api_resources VALUES ($id, $type, $bundle, $version, $settings, $at, $at)', {
      id: p.id,
      type: p.resourceType,
      bundle: p.bundle,
      version,
      settings: JSON.stringify(settings),
      at: atMs,
    });
  }
  await writeScdRows(
    wh,
    catalog.map((p) => ({ p, changeMs: atMs - 30 * DAY })),
  );
  await writeElementary(
    wh,
    'dbt_tests',
    catalog.filter((p) => p.kind === 'dbt').flatMap((p) => dbtTestRows(spec.seed, p, atMs)),
  );
  // Every version the plan will deploy, with its behaviour: one batch rather than a statement each.
  const versions: Array<Array<string | number | null>> = [
    ...catalog.map((p) => [p.bundle, plan.initialVersions.get(p.bundle)!, null, 1]),
    ...plan.deploys.map((d) => [d.bundle, d.version, d.behaviour.kind, d.behaviour.factor]),
  ];
  await s.append('sim_world.versions', ['STRING', 'STRING', 'STRING', 'DOUBLE'], versions);
  for (const i of plan.incidents) {
    await s.run('INSERT INTO sim_world.incidents VALUES ($source, $from, $to, $factor, $dep)', {
      source: i.source,
      from: i.fromMs,
      to: i.toMs,
      factor: i.factor,
      dep: i.deploymentId,
    });
  }
}

export async function applyDeploys(
  wh: DuckDbWarehouse,
  catalog: readonly SimPipeline[],
  deploys: readonly PlannedDeploy[],
): Promise<void> {
  const s = wh.session;
  const records: StageRecord[] = [];
  const labels: Array<Array<string | number | null>> = [];
  const current = new Map<string, readonly SqlValue[]>();
  const audited: ControlAuditRow[] = [];
  for (const d of deploys) {
    const p = catalog[d.pipelineIndex]!;
    const sla = p.resourceType === 'job' ? statedSlaOf(p, d) : null;
    const settings =
      p.resourceType === 'job'
        ? withStatedSla(jobSettings(p, d.version, d.behaviour.kind, d.behaviour.factor), sla)
        : pipelineSpec(p, d.version, d.behaviour.kind, d.behaviour.factor);
    // A resource deployed twice in one step ends up with its later deploy.
    current.set(p.id, [p.id, d.version, JSON.stringify(settings), d.atMs]);
    // The CLI resets the job (or edits the pipeline) half a minute before the deploy stage ends.
    audited.push({
      atMs: d.atMs - 30_000,
      email: 'sp-ci-deployer',
      userAgent: BUNDLE_DEPLOY_AGENT,
      resourceType: p.resourceType,
      resourceId: p.id,
      action: p.resourceType === 'job' ? 'reset' : 'edit',
      settings,
    });
    labels.push([
      d.deploymentId,
      d.bundle,
      d.version,
      d.label,
      // A healthy deploy whose settings state a limit its runs keep is told apart, with the limit.
      d.statedSla ? 'sla_kept' : d.behaviour.kind,
      d.statedSla ? d.statedSla.seconds : d.behaviour.factor,
      d.atMs,
      p.kind,
      p.cadenceMin,
    ]);
    records.push(...simulatedStages(d, p, settings));
  }
  const resources = rowBatch(RESOURCE_COLUMNS, [...current.values()]);
  await s.run(
    `UPDATE sim_world.api_resources AS a SET version = r.version, settings = r.settings, changed_ms = r.at, last_modified = r.at
       FROM (${resources.select}) r WHERE a.resource_id = r.id`,
    resources.params,
  );
  await writeScdRows(
    wh,
    deploys.map((d) => ({ p: catalog[d.pipelineIndex]!, changeMs: d.atMs })),
  );
  await writeControlAudit(wh, audited);
  await s.append(
    'sim_world.labels',
    ['STRING', 'STRING', 'STRING', 'STRING', 'STRING', 'DOUBLE', 'BIGINT', 'STRING', 'BIGINT'],
    labels,
  );
  await recordDeployments(wh, foldRecords(records), deploys[deploys.length - 1]!.atMs);
}

/**
 * The stages CI records for a planned deploy, through `postflight record`'s own code: validate and
 * precheck before the deploy, the deploy (90 s long), and the verification it then waits on.
 */
function simulatedStages(d: PlannedDeploy, p: SimPipeline, settings: Readonly<Record<string, unknown>>): StageRecord[] {
  const ci = {
    provider: 'flags' as const,
    sha: d.version,
    branch: 'main',
    actor: 'sp-ci-deployer',
    runUrl: `https://ci.example.com/${d.bundle}/runs/${d.seq}`,
    runId: null,
    attempt: 1,
    pipelineName: `${d.bundle} deploy`,
  };
  const resource = {
    type: p.resourceType,
    key: p.name,
    id: p.id,
    action: 'update' as const,
    ...(p.resourceType === 'job' ? { dbt: p.kind === 'dbt' } : {}),
  };
  // Every version ships its own code (to its own artifact path, see settings.ts): the deploy's
  // fingerprint differs from the last one's, as CI's record of the synced files would.
  const code = codeAttributes(
    fingerprintOf(
      (p.resourceType === 'job' ? p.tasks.map((t) => `src/${t}.py`) : ['transformations/main.sql']).map((path) => ({
        path,
        sha256: contentHash(`${d.bundle}\u0000${d.version}\u0000${path}`),
      })),
    ),
  );
  const stage = (name: Stage, status: StageStatus, atMs: number) =>
    stageRecord({
      stage: name,
      status,
      nowMs: atMs,
      bundle: d.bundle,
      target: d.target,
      version: d.version,
      previousVersion: d.previousVersion,
      ci,
      resources: [resource],
      deploySeq: d.seq,
      expectedChanges: d.expectedChanges ?? [],
      live: new Map([[p.id, settings]]),
      previousHashes: new Map(),
      attributes: name === 'deploy' && status !== 'STARTED' ? code : {},
      deploymentId: d.deploymentId,
    });
  return [
    stage('validate', 'SUCCEEDED', d.atMs - 150_000),
    stage('precheck', 'SUCCEEDED', d.atMs - 120_000),
    stage('deploy', 'STARTED', d.atMs - 90_000),
    stage('deploy', 'SUCCEEDED', d.atMs),
    stage('verify', 'STARTED', d.atMs),
  ];
}
