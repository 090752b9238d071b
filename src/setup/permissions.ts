// What each identity needs outside Unity Catalog, as Permissions API requests: the SQL warehouse
// for those that run statements, and the watched jobs and pipelines at the level of the REST calls
// made as that identity. PATCH adds to an object's access list; PUT would replace it.

import { IDENTITIES, type Identities, type Identity } from './grants.js';
import { aclKey, type Principal } from './principals.js';

export type ObjectLevel = 'CAN_VIEW' | 'CAN_MANAGE';

/**
 * Per identity: the deployer reads live job and pipeline settings (record, precheck) and the
 * verifier lists runs and reads settings (jobs/runs/list shows only runs of jobs it can view);
 * the rollback identity resets jobs (jobs/reset) and edits pipelines (PUT pipelines/{id}), which
 * take CAN_MANAGE, and runs no SQL, so it needs no warehouse.
 */
export const WORKSPACE_NEEDS: Readonly<
  Record<Identity, { readonly warehouse: boolean; readonly jobs: ObjectLevel; readonly pipelines: ObjectLevel }>
> = {
  deployer: { warehouse: true, jobs: 'CAN_VIEW', pipelines: 'CAN_VIEW' },
  verifier: { warehouse: true, jobs: 'CAN_VIEW', pipelines: 'CAN_VIEW' },
  rollback: { warehouse: false, jobs: 'CAN_MANAGE', pipelines: 'CAN_MANAGE' },
};

/**
 * The deployer deploys the watched bundles, so it manages their jobs and pipelines already; a
 * PATCH naming it at CAN_VIEW would lower that level, so none is printed for it.
 */
export const HELD_BY_DEPLOYING: readonly Identity[] = ['deployer'];

export type AclEntry = { readonly permission_level: string } & Partial<
  Record<'service_principal_name' | 'user_name' | 'group_name', string>
>;

export interface PermissionRequest {
  /** What the request is for, e.g. 'the SQL warehouse', 'every watched job'. */
  readonly target: string;
  readonly method: 'PATCH';
  readonly path: string;
  readonly body: { readonly access_control_list: readonly AclEntry[] };
}

export interface PermissionPlan {
  readonly requests: readonly PermissionRequest[];
  /**
   * The same for a watched bundle's own databricks.yml: its top-level `permissions` apply to all
   * its jobs and pipelines, and a deploy resets their access lists to what the bundle declares, so
   * a bundle that declares permissions must list these too.
   */
  readonly bundlePermissions: ReadonlyArray<Record<string, string>>;
}

export function permissionPlan(
  who: Identities,
  opts: { readonly warehouseId?: string; readonly pipelineIds?: readonly string[] },
): PermissionPlan {
  const warehouse = entries(who, (id) => (WORKSPACE_NEEDS[id].warehouse ? 'CAN_USE' : null));
  const jobs = entries(who, (id) => (HELD_BY_DEPLOYING.includes(id) ? null : WORKSPACE_NEEDS[id].jobs));
  const pipelines = entries(who, (id) => (HELD_BY_DEPLOYING.includes(id) ? null : WORKSPACE_NEEDS[id].pipelines));
  const requests: PermissionRequest[] = [];
  const add = (target: string, path: string, acl: AclEntry[]) => {
    if (acl.length) requests.push({ target, method: 'PATCH', path, body: { access_control_list: acl } });
  };
  add('the SQL warehouse', `/api/2.0/permissions/warehouses/${opts.warehouseId ?? '<warehouse-id>'}`, warehouse);
  add('every watched job', '/api/2.0/permissions/jobs/<job-id>', jobs);
  const ids = opts.pipelineIds?.length ? [...opts.pipelineIds].sort() : ['<pipeline-id>'];
  for (const id of ids)
    add(
      id.startsWith('<') ? 'every watched pipeline' : `pipeline ${id}`,
      `/api/2.0/permissions/pipelines/${id}`,
      pipelines,
    );
  const bundlePermissions = jobs.map((e) => {
    const { permission_level, ...principal } = e;
    return { level: permission_level, ...principal } as Record<string, string>;
  });
  return { requests, bundlePermissions };
}

const RANK: Record<string, number> = { CAN_VIEW: 1, CAN_USE: 1, CAN_MANAGE: 3 };

/** One entry per principal, at the highest level any of its identities needs. */
function entries(who: Identities, level: (id: Identity) => string | null): AclEntry[] {
  const by = new Map<string, { p: Principal; level: string }>();
  for (const id of IDENTITIES) {
    const p = who[id];
    const l = level(id);
    if (p === undefined || l === null) continue;
    const key = `${p.kind}:${p.name.toLowerCase()}`;
    const prev = by.get(key);
    if (!prev || RANK[l]! > RANK[prev.level]!) by.set(key, { p, level: l });
  }
  return [...by.values()].map(({ p, level: l }) => ({ [aclKey(p)]: p.name, permission_level: l }) as AclEntry);
}

/** A request as a Databricks CLI command line (principals are validated: no quote can appear). */
export function cliCommand(r: PermissionRequest): string {
  return `databricks api patch ${r.path} --json '${JSON.stringify(r.body)}'`;
}
