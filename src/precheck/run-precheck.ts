// `postflight precheck` through the ports: the current columns of the tables the deploy declares a
// schema for, and the live settings the plan does not carry, then every check at once.

import type { BundleConfig, BundlePlan } from '../ci/bundle-outputs.js';
import { bundleResources } from '../ci/bundle-outputs.js';
import { liveSettings } from '../rollback/strategies/strategy.js';
import type { StrategyName } from '../rollback/types.js';
import { idRows } from '../warehouse/id-rows.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';
import type { Finding } from './finding.js';
import { checkPolicy, type PrecheckPolicy, resolvedBundle } from './policy-rules.js';
import { type PlannedResource, previewRollback, type RollbackPreview } from './rollback-preview.js';
import { compareSchemas, schemaChanges, type TableSpec } from './schema-compat.js';

export interface PrecheckInput {
  readonly config: BundleConfig;
  readonly plan: BundlePlan | null;
  /** Tables with the schema the deploy declares for them (dbt model contracts). */
  readonly declared: readonly TableSpec[];
  readonly policy: PrecheckPolicy;
  readonly strategy: StrategyName;
  readonly nowMs: number;
}

export interface PrecheckResult {
  readonly bundle: string;
  readonly target: string;
  readonly findings: readonly Finding[];
  readonly rollback: RollbackPreview;
  /** Tables declared and compared, and those not in Unity Catalog yet (created by the deploy). */
  readonly tablesCompared: number;
  readonly tablesNew: readonly string[];
}

type Settings = Readonly<Record<string, unknown>>;
/** Fields of a resolved resource that say where it is deployed, not how it is configured. */
const NOT_SETTINGS = new Set(['id', 'url', 'modified_status', 'permissions', 'lifecycle']);

function settingsOf(v: unknown): Settings | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  return Object.fromEntries(Object.entries(v as Settings).filter(([k]) => !NOT_SETTINGS.has(k)));
}

/** The connection is needed only for what the inputs do not hold; `null` when none was given. */
export interface PrecheckPorts {
  readonly wh: Warehouse;
  readonly ws: Workspace;
}

export async function runPrecheck(input: PrecheckInput, ports: PrecheckPorts | null): Promise<PrecheckResult> {
  const { config, plan } = input;
  const version = config.bundle.git?.commit ?? '';
  const findings: Finding[] = checkPolicy(resolvedBundle(config as Settings), input.policy, {
    version,
    strategy: input.strategy,
  });

  const current = new Map<string, TableSpec>();
  if (input.declared.length && ports) {
    const rows = await ports.wh.query('precheck/columns', {}, idRows(input.declared.map((t) => t.table)));
    for (const r of rows) {
      const table = String(r.table_name);
      const spec = current.get(table) ?? { table, columns: [] };
      current.set(table, {
        table,
        columns: [
          ...spec.columns,
          { name: String(r.column_name), type: String(r.full_data_type), nullable: r.is_nullable !== 'NO' },
        ],
      });
    }
  }
  const changed: string[] = [];
  for (const next of input.declared) {
    const now = current.get(next.table);
    if (!now) continue;
    findings.push(...compareSchemas(now, next));
    if (schemaChanges(now, next)) changed.push(next.table);
  }

  const planned: PlannedResource[] = [];
  const groups = { job: 'jobs', pipeline: 'pipelines' } as const;
  for (const r of bundleResources(config, null, plan)) {
    const entry = plan?.plan[`resources.${groups[r.type]}.${r.key}`] as Settings | undefined;
    const next =
      settingsOf((entry?.new_state as Settings | undefined)?.value) ??
      settingsOf(config.resources?.[groups[r.type]]?.[r.key]);
    let cur = settingsOf(entry?.remote_state);
    if (!cur && r.id !== null && r.action !== 'create' && ports)
      cur = await liveSettings(ports.ws, { type: r.type, id: r.id });
    planned.push({ ...r, next, current: cur });
  }
  const liveVersion = await liveVersionOf(ports, config, planned);
  const rollback = previewRollback({
    resources: planned,
    schemaChangedTables: changed,
    strategy: input.strategy,
    liveVersion,
    nowMs: input.nowMs,
  });
  findings.push(...rollback.findings);
  return {
    bundle: config.bundle.name,
    target: config.bundle.target,
    findings,
    rollback,
    tablesCompared: input.declared.filter((t) => current.has(t.table)).length,
    tablesNew: input.declared.filter((t) => !current.has(t.table)).map((t) => t.table),
  };
}

/** The version a rollback would go back to: the newest one deployed to this target. */
async function liveVersionOf(ports: PrecheckPorts | null, config: BundleConfig, planned: readonly PlannedResource[]) {
  // Rollback reasons name the version by its first 12 characters.
  if (!ports) return 'live version';
  const ids = planned.flatMap((r) => (r.id === null ? [] : [r.id]));
  const rows = await ports.wh.query(
    'record/previous',
    { bundle: config.bundle.name, target: config.bundle.target, deployment_id: '' },
    idRows(ids),
  );
  const v = rows.find((r) => r.kind === 'previous')?.version;
  return typeof v === 'string' ? v : 'live version';
}
