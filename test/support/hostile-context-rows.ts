// Hostile rows of the sources that say what the evidence means rather than what happened: table
// lineage, and the job's row of system.lakeflow.jobs (its stated limits and its settings before
// the deploy). Each is inserted into the small world (see small-world.ts) and names the subject it
// spoils and the key its errors must name. Monitors are off in the default policy the property
// test ticks with; their rows are held to their rules in test/unit/validate-context.test.ts.

import fc from 'fast-check';
import type { HostileRow } from './hostile-rows.js';
import { DEPLOYED, HOUR, JOB, NOW } from './small-world.js';

const ts = (ms: number) => ms * 1000;

const lineage = fc.constantFrom('', 'garbage', 'main..t1', ' . . ').map(
  (target): HostileRow => ({
    source: 'table_lineage',
    variant: `target '${target}'`,
    subject: `job:${JOB}`,
    key: `JOB ${JOB}: main.raw.src -> ${target}`,
    insert: (wh) =>
      wh.session.run(
        `INSERT INTO sim_world.system_access__table_lineage (workspace_id, entity_type, entity_id, source_table_full_name, target_table_full_name, event_time, event_date, _visible_at)
         VALUES ('4242', 'JOB', $job, 'main.raw.src', $target, make_timestamp($at), CAST(make_timestamp($at) AS DATE), make_timestamp($at))`,
        { job: JOB, target, at: ts(NOW - 2 * HOUR) },
      ),
    toString: () => `table_lineage/target '${target}'`,
  }),
);

/** The job's settings as they stood before the deploy, with a timeout no job states. */
const lakeflowJobs = fc.constantFrom(-5, -1, 1e12).map(
  (timeout): HostileRow => ({
    source: 'system.lakeflow.jobs',
    variant: `timeout_seconds ${timeout}`,
    subject: `job:${JOB}`,
    // Both the stated limits (duration) and the settings before the deploy (config) read this row.
    key: `job ${JOB}`,
    insert: (wh) =>
      wh.session.run(
        `INSERT INTO sim_world.system_lakeflow__jobs BY NAME
         SELECT '1001' AS account_id, '4242' AS workspace_id, $job AS job_id, 'nightly' AS name,
           make_timestamp($at) AS change_time, false AS paused, $timeout AS timeout_seconds, make_timestamp($at) AS _visible_at`,
        { job: JOB, timeout, at: ts(DEPLOYED - HOUR) },
      ),
    toString: () => `system.lakeflow.jobs/timeout_seconds ${timeout}`,
  }),
);

export const hostileContextRows = { lineage, lakeflowJobs };
