// Which changes to jobs and pipelines no recorded deployment and no rollback of postflight's
// explains (SOX): pure, from the changes the control plane's sources show and what CI and the
// rollback ledger recorded around them, to the changes left unexplained.

export type ChangeSource =
  | 'system.access.audit'
  | 'system.lakeflow.jobs'
  | 'system.lakeflow.pipelines'
  | 'jobs/list'
  | 'pipelines';

export interface ControlPlaneChange {
  /** The source and its own id of the change: the same change seen again has the same id. */
  readonly changeId: string;
  readonly source: ChangeSource;
  readonly resourceType: 'job' | 'pipeline';
  readonly resourceId: string;
  readonly changedMs: number;
  readonly changedBy: string | null;
  /** `service.action` as the audit log names it, or `jobs.changed` and the like from the history tables. */
  readonly action: string;
  readonly userAgent: string | null;
  /** What the source says changed: request parameter names, settings hashes. */
  readonly detail: Readonly<Record<string, unknown>>;
  /** The bundle and target that last deployed the resource, and its key there; null: never deployed through CI. */
  readonly owner: { readonly bundle: string; readonly target: string; readonly key: string | null } | null;
  /** Recorded as untracked by an earlier sweep. */
  readonly recorded: boolean;
}

export interface ChangeExplanation {
  readonly kind: 'deployment' | 'rollback';
  readonly id: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly resourceIds: ReadonlySet<string>;
}

export interface UntrackedChange {
  readonly changeId: string;
  readonly source: ChangeSource;
  readonly resourceType: 'job' | 'pipeline';
  readonly resourceId: string;
  readonly resourceName: string | null;
  readonly bundle: string | null;
  readonly target: string | null;
  readonly production: boolean;
  readonly changedMs: number;
  readonly changedBy: string | null;
  readonly action: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface ExplainPolicy {
  /** Targets whose resources are production: an untracked change to one pages. */
  readonly productionTargets: readonly string[];
  /** How long before a deployment's or rollback's recorded start a change it made may be logged. */
  readonly beforeMs: number;
  /** How long after its recorded end (CI records the deploy once the CLI has returned). */
  readonly afterMs: number;
}

export const DEFAULT_EXPLAIN_POLICY: ExplainPolicy = {
  productionTargets: ['prod'],
  beforeMs: 5 * 60_000,
  afterMs: 10 * 60_000,
};

/**
 * A history table's row and an audit log entry for the same resource this close together are one
 * change seen twice: the history tables stamp the change time, the audit log the request time.
 */
const SAME_CHANGE_MS = 5 * 60_000;

/** The changes nothing recorded explains, each once, in the order they happened. */
export function unexplainedChanges(
  changes: readonly ControlPlaneChange[],
  explanations: readonly ChangeExplanation[],
  policy: ExplainPolicy = DEFAULT_EXPLAIN_POLICY,
): UntrackedChange[] {
  const byResource = new Map<string, ChangeExplanation[]>();
  for (const e of explanations) {
    for (const id of e.resourceIds) byResource.set(id, [...(byResource.get(id) ?? []), e]);
  }
  const explained = (c: ControlPlaneChange) =>
    (byResource.get(c.resourceId) ?? []).some(
      (e) => c.changedMs >= e.fromMs - policy.beforeMs && c.changedMs <= e.toMs + policy.afterMs,
    );
  const audited = changes.filter((c) => c.source === 'system.access.audit');
  const seenInAudit = (c: ControlPlaneChange) =>
    c.source !== 'system.access.audit' &&
    c.source !== 'jobs/list' &&
    audited.some((a) => a.resourceId === c.resourceId && Math.abs(a.changedMs - c.changedMs) <= SAME_CHANGE_MS);
  // A live-settings drift of a resource whose unexplained change the slow plane shows already is
  // that change: the slow plane's record says who made it.
  const slowUnexplained = new Set(
    changes.filter((c) => c.source !== 'jobs/list' && !explained(c) && !seenInAudit(c)).map((c) => c.resourceId),
  );
  const out = new Map<string, UntrackedChange>();
  for (const c of changes) {
    if (out.has(c.changeId) || explained(c) || seenInAudit(c)) continue;
    if (c.source === 'jobs/list' && slowUnexplained.has(c.resourceId)) continue;
    out.set(c.changeId, {
      changeId: c.changeId,
      source: c.source,
      resourceType: c.resourceType,
      resourceId: c.resourceId,
      resourceName: c.owner?.key ?? null,
      bundle: c.owner?.bundle ?? null,
      target: c.owner?.target ?? null,
      production: c.owner !== null && policy.productionTargets.includes(c.owner.target),
      changedMs: c.changedMs,
      changedBy: c.changedBy,
      action: c.action,
      detail: c.userAgent ? { ...c.detail, user_agent: c.userAgent } : c.detail,
    });
  }
  return [...out.values()].sort((a, b) => a.changedMs - b.changedMs || (a.changeId < b.changeId ? -1 : 1));
}

/**
 * What a change's request says changed, without its values: the parameter names, and for a
 * settings update or reset the top-level settings it carried (values may hold secrets).
 */
export function requestDetail(requestParams: Readonly<Record<string, string>> | null): Record<string, unknown> {
  if (!requestParams) return {};
  const params = Object.keys(requestParams).sort();
  const settings = ['new_settings', 'fields_to_remove', 'spec']
    .map((k) => requestParams[k])
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => {
      try {
        const parsed = JSON.parse(v) as unknown;
        if (Array.isArray(parsed)) return parsed.map(String);
        return parsed && typeof parsed === 'object' ? Object.keys(parsed) : [];
      } catch {
        return [];
      }
    });
  return settings.length ? { params, settings: [...new Set(settings)].sort() } : { params };
}
