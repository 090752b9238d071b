-- The error budget's watch over live versions no check looks at any more: for the subjects given
-- (those with a bad run new this tick), the deployment of each that is live now, when its verdict
-- is final and not failed, with the subject's runs from the run cache since runs_since_ms, one row
-- per run. History judged by a backfill is left alone, as the rollback step does.
-- Rows: id. Params: since_ms (oldest deployment still rolled back), runs_since_ms, now_ms.
WITH ids AS ({{rows}}),
recent AS (
  SELECT d.deployment_id, d.bundle, d.target, d.finished_at, d.resources,
    ROW_NUMBER() OVER (PARTITION BY d.bundle, d.target ORDER BY d.finished_at DESC, d.deployment_id DESC) AS rn
  FROM {{ops}}.deployments d
  WHERE d.status IN ('SUCCEEDED', 'PARTIAL') AND d.finished_at >= timestamp_millis(:since_ms) AND d.finished_at <= timestamp_millis(:now_ms)
),
live AS (
  SELECT ids.id AS subject_id, r.deployment_id, r.bundle, r.target, r.finished_at, r.resources, v.state
  FROM recent r
  JOIN {{ops}}.verdicts v ON v.deployment_id = r.deployment_id
  JOIN ids ON r.resources LIKE concat('%"', ids.id, '"%')
  WHERE r.rn = 1 AND v.is_final AND v.state IN ('HEALTHY', 'DEGRADED', 'INCONCLUSIVE')
    AND NOT coalesce(v.tick_id LIKE 'backfill-%', false)
)
SELECT l.subject_id, l.deployment_id, l.bundle, l.target, unix_millis(l.finished_at) AS finished_ms, l.resources,
  l.state AS verdict_state, o.run_id, unix_millis(o.start_time) AS start_ms, unix_millis(o.end_time) AS end_ms,
  o.result, o.cause
FROM live l
JOIN {{ops}}.observed_runs o ON o.subject_id = l.subject_id
WHERE o.end_time IS NOT NULL AND o.start_time >= timestamp_millis(:runs_since_ms) AND o.end_time <= timestamp_millis(:now_ms)
ORDER BY l.subject_id, o.end_time, o.run_id
