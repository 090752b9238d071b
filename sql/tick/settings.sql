-- The settings each judged deployment left its jobs and pipelines with, and the ones they had
-- before it, for the config check. Snapshots first: the deployment's own (`postflight record`)
-- and the newest one an earlier deployment recorded. Where a side has no snapshot, the
-- system.lakeflow.jobs / pipelines row in force then (SCD2, hours late: the row the deploy itself
-- wrote is read once it has landed): before = the newest row changed before the deploy started,
-- after = the newest row changed while it ran. The caller prefers a snapshot to a row of the same
-- side. Rows: idx, deployment_id, resource_type, resource_id, started_ms, finished_ms.
-- Params: workspace_id.
WITH pairs AS ({{rows}}),
snaps AS (
  SELECT x.idx, x.side, x.settings,
    ROW_NUMBER() OVER (PARTITION BY x.idx, x.side ORDER BY x.captured_at DESC, x.deployment_id DESC) AS rn
  FROM (
    SELECT p.idx, CASE WHEN r.deployment_id = p.deployment_id THEN 'after' ELSE 'before' END AS side,
      r.settings, r.captured_at, r.deployment_id
    FROM pairs p
    JOIN {{ops}}.resource_snapshots r ON r.resource_type = p.resource_type AND r.resource_id = p.resource_id
    WHERE r.deployment_id = p.deployment_id OR r.captured_at < timestamp_millis(p.started_ms)
  ) x
),
job_rows AS (
  SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.idx, x.side ORDER BY x.change_time DESC) AS rn
  FROM (
    SELECT p.idx, CASE WHEN j.change_time < timestamp_millis(p.started_ms) THEN 'before' ELSE 'after' END AS side,
      j.change_time, j.name, j.paused, j.timeout_seconds,
      j.trigger.schedule.quartz_cron_expression AS schedule_cron,
      j.trigger.file_arrival IS NOT NULL AS file_arrival,
      j.trigger.table_update IS NOT NULL AS table_update,
      j.trigger.periodic IS NOT NULL AS periodic,
      j.trigger.continuous.enabled AS continuous_enabled,
      CAST(to_json(j.health_rules) AS STRING) AS health_rules
    FROM pairs p
    JOIN system.lakeflow.jobs j ON j.job_id = p.resource_id
    WHERE p.resource_type = 'job' AND j.workspace_id = :workspace_id
      AND j.change_time <= timestamp_millis(p.finished_ms)
  ) x
),
pipeline_rows AS (
  SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.idx, x.side ORDER BY x.change_time DESC) AS rn
  FROM (
    SELECT p.idx, CASE WHEN l.change_time < timestamp_millis(p.started_ms) THEN 'before' ELSE 'after' END AS side,
      l.change_time, l.name, l.settings.development AS development, l.settings.continuous AS continuous
    FROM pairs p
    JOIN system.lakeflow.pipelines l ON l.pipeline_id = p.resource_id
    WHERE p.resource_type = 'pipeline' AND l.workspace_id = :workspace_id
      AND l.change_time <= timestamp_millis(p.finished_ms)
  ) x
)
SELECT sn.idx, sn.side, 'snapshot' AS source, sn.settings, CAST(NULL AS STRING) AS name,
  CAST(NULL AS BOOLEAN) AS paused, CAST(NULL AS BIGINT) AS timeout_seconds, CAST(NULL AS STRING) AS schedule_cron,
  CAST(NULL AS BOOLEAN) AS file_arrival, CAST(NULL AS BOOLEAN) AS table_update, CAST(NULL AS BOOLEAN) AS periodic,
  CAST(NULL AS BOOLEAN) AS continuous_enabled, CAST(NULL AS STRING) AS health_rules,
  CAST(NULL AS BOOLEAN) AS development, CAST(NULL AS BOOLEAN) AS continuous
FROM snaps sn WHERE sn.rn = 1
UNION ALL
SELECT j.idx, j.side, 'lakeflow_row', CAST(NULL AS STRING), j.name, j.paused, j.timeout_seconds, j.schedule_cron,
  j.file_arrival, j.table_update, j.periodic, j.continuous_enabled, j.health_rules,
  CAST(NULL AS BOOLEAN), CAST(NULL AS BOOLEAN)
FROM job_rows j WHERE j.rn = 1
UNION ALL
SELECT l.idx, l.side, 'lakeflow_row', CAST(NULL AS STRING), l.name, CAST(NULL AS BOOLEAN), CAST(NULL AS BIGINT),
  CAST(NULL AS STRING), CAST(NULL AS BOOLEAN), CAST(NULL AS BOOLEAN), CAST(NULL AS BOOLEAN), CAST(NULL AS BOOLEAN),
  CAST(NULL AS STRING), l.development, l.continuous
FROM pipeline_rows l WHERE l.rn = 1
