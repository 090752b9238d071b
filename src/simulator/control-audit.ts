// What the workspace's audit log records of the simulated control plane: a row per accepted
// change to a job or pipeline (a bundle deploy's reset or edit, a rollback's, a hand edit in the
// UI), visible an hour late like the real system table.

import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import type { RowBatch } from '../warehouse/port.js';
import { hexId } from './random.js';
import { LATENCY_MS, rowBatch } from './row-batches.js';

/** The Databricks CLI's user agent on `bundle deploy` (the part the audit log's user_agent keeps). */
export const BUNDLE_DEPLOY_AGENT =
  'cli/0.250.0 databricks-sdk-go/0.63.0 go/1.24.2 os/linux cmd/bundle_deploy auth/oauth-m2m';
export const BROWSER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/605.1.15';

export interface ControlAuditRow {
  readonly atMs: number;
  readonly email: string;
  readonly userAgent: string;
  readonly resourceType: 'job' | 'pipeline';
  readonly resourceId: string;
  /** jobs: reset (what bundle deploy and a rollback send) or update (a UI edit); pipelines: edit. */
  readonly action: 'reset' | 'update' | 'edit';
  readonly settings: Readonly<Record<string, unknown>>;
}

const COLUMNS: RowBatch['columns'] = [
  { name: 'event_id', type: 'STRING' },
  { name: 'event_ms', type: 'BIGINT' },
  { name: 'email', type: 'STRING' },
  { name: 'user_agent', type: 'STRING' },
  { name: 'service', type: 'STRING' },
  { name: 'action', type: 'STRING' },
  { name: 'id_key', type: 'STRING' },
  { name: 'resource_id', type: 'STRING' },
  { name: 'settings', type: 'STRING' },
  { name: 'visible_ms', type: 'BIGINT' },
];

/** Whether each world records its control plane's audit log: one built before it did has no table for it. */
const recording = new WeakMap<DuckDbWarehouse, boolean>();

async function recordsAudit(wh: DuckDbWarehouse): Promise<boolean> {
  let known = recording.get(wh);
  if (known === undefined) {
    const [r] = await wh.session.all(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'sim_world' AND table_name = 'system_access__audit'",
    );
    known = Number(r?.n ?? 0) > 0;
    recording.set(wh, known);
  }
  return known;
}

export async function writeControlAudit(wh: DuckDbWarehouse, rows: readonly ControlAuditRow[]): Promise<void> {
  // A world without the table still takes deploys and rollbacks; it just keeps no audit log of them.
  if (rows.length === 0 || !(await recordsAudit(wh))) return;
  const batch = rowBatch(
    COLUMNS,
    rows.map((r) => {
      const job = r.resourceType === 'job';
      return [
        hexId(32, 'audit', r.resourceId, r.action, r.atMs, r.email),
        r.atMs,
        r.email,
        r.userAgent,
        job ? 'jobs' : 'deltaPipelines',
        r.action,
        job ? 'job_id' : 'pipeline_id',
        r.resourceId,
        JSON.stringify(r.settings),
        r.atMs + LATENCY_MS.lineage,
      ];
    }),
  );
  // A jobs/update carries the changed fields as new_settings, a jobs/reset the whole settings;
  // a pipeline edit carries the spec's fields as parameters of their own: spec stands for them.
  await wh.session.run(
    `INSERT INTO sim_world.system_access__audit BY NAME
     SELECT '1001' AS account_id, '4242' AS workspace_id, '2.0' AS version,
       timestamp_millis(r.event_ms) AS event_time, CAST(timestamp_millis(r.event_ms) AS DATE) AS event_date,
       '10.0.0.1' AS source_ip_address, r.user_agent AS user_agent,
       struct_pack(email := r.email, subject_name := r.email) AS user_identity,
       r.service AS service_name, r.action AS action_name, r.event_id AS request_id,
       map([r.id_key, CASE WHEN r.service = 'jobs' THEN 'new_settings' ELSE 'spec' END], [r.resource_id, r.settings]) AS request_params,
       struct_pack(status_code := 200, error_message := CAST(NULL AS VARCHAR), result := CAST(NULL AS VARCHAR)) AS response,
       'WORKSPACE_LEVEL' AS audit_level, r.event_id AS event_id,
       struct_pack(run_by := r.email, run_as := r.email, acting_resource := CAST(NULL AS VARCHAR),
         run_by_display_name := CAST(NULL AS VARCHAR), run_as_display_name := CAST(NULL AS VARCHAR)) AS identity_metadata,
       timestamp_millis(r.visible_ms) AS _visible_at
     FROM (${batch.select}) r`,
    batch.params,
  );
}
