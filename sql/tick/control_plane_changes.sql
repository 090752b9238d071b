-- Changes to jobs and pipelines in a period, as the workspace's audit log and the lakeflow tables'
-- history show them (the slow plane: both are up to hours late), each with whether an earlier
-- sweep recorded it as untracked already. The audit log names who and how (user agent); the
-- history tables only that the settings changed. Params: workspace_id, since_ms, until_ms.
WITH changes AS (
  SELECT concat('system.access.audit:', a.event_id) AS change_id, 'system.access.audit' AS source,
    CASE WHEN a.service_name = 'jobs' THEN 'job' ELSE 'pipeline' END AS resource_type,
    coalesce(a.request_params['job_id'], a.request_params['pipeline_id']) AS resource_id,
    unix_millis(a.event_time) AS changed_ms,
    coalesce(a.user_identity.email, a.identity_metadata.run_by) AS changed_by,
    concat(a.service_name, '.', a.action_name) AS action, a.user_agent,
    CAST(to_json(a.request_params) AS STRING) AS request_params
  FROM system.access.audit a
  WHERE a.workspace_id = :workspace_id
    AND a.event_date >= CAST(timestamp_millis(:since_ms) AS DATE)
    AND a.event_time >= timestamp_millis(:since_ms) AND a.event_time < timestamp_millis(:until_ms)
    AND ((a.service_name = 'jobs' AND a.action_name IN ('update', 'reset', 'delete', 'changeJobAcl'))
      OR (a.service_name = 'deltaPipelines' AND a.action_name IN ('edit', 'delete', 'changePipelineAcls')))
    AND (a.response.status_code IS NULL OR a.response.status_code = 200)
  UNION ALL
  SELECT concat('system.lakeflow.jobs:', j.job_id, ':', CAST(unix_millis(j.change_time) AS STRING)),
    'system.lakeflow.jobs', 'job', j.job_id, unix_millis(j.change_time), CAST(NULL AS STRING),
    CASE WHEN j.delete_time IS NULL THEN 'jobs.changed' ELSE 'jobs.deleted' END, CAST(NULL AS STRING),
    CAST(NULL AS STRING)
  FROM system.lakeflow.jobs j
  WHERE j.workspace_id = :workspace_id
    AND j.change_time >= timestamp_millis(:since_ms) AND j.change_time < timestamp_millis(:until_ms)
  UNION ALL
  SELECT concat('system.lakeflow.pipelines:', p.pipeline_id, ':', CAST(unix_millis(p.change_time) AS STRING)),
    'system.lakeflow.pipelines', 'pipeline', p.pipeline_id, unix_millis(p.change_time), CAST(NULL AS STRING),
    CASE WHEN p.delete_time IS NULL THEN 'pipelines.changed' ELSE 'pipelines.deleted' END, CAST(NULL AS STRING),
    CAST(NULL AS STRING)
  FROM system.lakeflow.pipelines p
  WHERE p.workspace_id = :workspace_id
    AND p.change_time >= timestamp_millis(:since_ms) AND p.change_time < timestamp_millis(:until_ms)
),
-- The bundle and target that last deployed each changed resource: what says whether it is production.
owners AS (
  SELECT o.resource_id, o.resource_key, o.bundle, o.target FROM (
    SELECT s.resource_id, s.resource_key, d.bundle, d.target,
      row_number() OVER (PARTITION BY s.resource_id ORDER BY d.started_at DESC, d.deployment_id DESC) AS n
    FROM {{ops}}.resource_snapshots s
    JOIN {{ops}}.deployments d ON d.deployment_id = s.deployment_id
    WHERE s.resource_id IN (SELECT resource_id FROM changes)
  ) o
  WHERE o.n = 1
)
SELECT c.change_id, c.source, c.resource_type, c.resource_id, c.changed_ms, c.changed_by, c.action,
  c.user_agent, c.request_params, o.resource_key, o.bundle, o.target, u.change_id IS NOT NULL AS recorded
FROM changes c
LEFT JOIN owners o ON o.resource_id = c.resource_id
LEFT JOIN {{ops}}.untracked_changes u ON u.change_id = c.change_id
WHERE c.resource_id IS NOT NULL
ORDER BY c.changed_ms, c.change_id
