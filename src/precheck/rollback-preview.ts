// Rollback safety in advance: if this version fails verification after it deploys, could it be
// rolled back without a human? The planned change is classified exactly as the rollback planner
// would classify it then (src/rollback/classify.ts), with the version live now as the target: a
// pipeline the deploy creates would be deleted with its tables, a moved pipeline would move its
// tables back, a table whose schema the deploy changes would meet the old code. Pure.

import { type BundleResource, planChanges } from '../ci/bundle-outputs.js';
import { classifyRollback } from '../rollback/classify.js';
import type { SchemaChange, SettingsSnapshot, StrategyName } from '../rollback/types.js';
import type { ResourceRef } from '../types.js';
import type { Finding } from './finding.js';

export interface PlannedResource extends BundleResource {
  /** The settings this deploy leaves, when the plan says (direct engine: new_state). */
  readonly next: Readonly<Record<string, unknown>> | null;
  /** The settings live now (direct engine: remote_state; else read from the workspace). */
  readonly current: Readonly<Record<string, unknown>> | null;
}

export interface RollbackPreview {
  readonly safety: 'SAFE' | 'NEEDS_HUMAN' | 'UNSAFE';
  readonly reasons: readonly string[];
  readonly findings: readonly Finding[];
}

export function previewRollback(input: {
  readonly resources: readonly PlannedResource[];
  /** Tables whose schema the deploy changes (from the schema check). */
  readonly schemaChangedTables: readonly string[];
  readonly strategy: StrategyName;
  readonly liveVersion: string;
  readonly nowMs: number;
}): RollbackPreview {
  const ref = (r: PlannedResource, id: string): ResourceRef => ({ type: r.type, id, key: r.key });
  const created = (r: PlannedResource) => r.action === 'create' || r.action === 'recreate';
  // A resource the deploy does not create exists now, with an id the plan may not spell out.
  const liveId = (r: PlannedResource) => r.id ?? `existing:${r.key}`;
  const after = input.resources.filter((r) => r.action !== 'delete');
  const before = input.resources.filter((r) => r.action !== 'create');
  const idAfter = (r: PlannedResource) => (created(r) ? `new:${r.key}` : liveId(r));
  const unknown = input.resources.filter((r) => r.action === null && r.id === null);
  const failedSettings: SettingsSnapshot[] = after.flatMap((r) => {
    const settings = r.next ?? (planChanges(r) ? null : r.current);
    return settings ? [{ deploymentId: 'planned', type: r.type, id: idAfter(r), key: r.key, settings }] : [];
  });
  const targetSettings: SettingsSnapshot[] = before.flatMap((r) =>
    r.current ? [{ deploymentId: 'live', type: r.type, id: liveId(r), key: r.key, settings: r.current }] : [],
  );
  const schemaChanges: SchemaChange[] = input.schemaChangedTables.map((table) => ({
    table,
    operation: 'a schema change this deploy makes',
    atMs: input.nowMs,
    subjectId: null,
  }));
  const c = classifyRollback({
    toVersion: input.liveVersion,
    failedResources: after.map((r) => ref(r, idAfter(r))),
    targetResources: before.map((r) => ref(r, liveId(r))),
    failedSettings,
    targetSettings,
    schemaChanges,
    strategy: input.strategy,
  });
  const guesses: Finding[] = unknown.map((r) => ({
    check: 'rollback',
    severity: 'warning',
    subject: 'rollback later',
    message: `cannot tell whether ${r.type} ${r.key} exists before the deploy; pass --plan (databricks bundle plan -o json) or --summary`,
  }));
  const findings: Finding[] =
    c.safety === 'SAFE'
      ? guesses
      : c.reasons.map((message) => ({
          check: 'rollback' as const,
          severity: 'warning' as const,
          subject: 'rollback later',
          message: `${c.safety === 'UNSAFE' ? 'a rollback of this version would be UNSAFE' : 'a rollback of this version would need a human'}: ${message}`,
        }));
  if (c.safety !== 'SAFE') findings.push(...guesses);
  return { safety: c.safety, reasons: c.reasons, findings };
}
