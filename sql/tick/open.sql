-- The reads that open a tick, in one statement: the deployments of the look-back window with
-- their current verdict (kind 'deployment'), and where the previous tick stopped (kind 'mark').
-- Only deployments whose verdict is not final carry their details; the final ones are listed
-- (bundle, target, finish time) so the caller can tell when a newer deployment of the same bundle
-- and target took over from an open one. Marks: the per-pipeline ones from the watermarks table,
-- the ones that move every tick from the newest tick row (with whether it left a rollback open,
-- 1 or 0), and the recorded head of the audit log (seq, its hash as text), which the tick chains
-- its audit entries on. Params: now_ms, since_ms (oldest deployment looked at).
WITH latest AS (
  SELECT started_at, runs_from_ms, event_log_from_ms, rollback_open FROM {{ops}}.ticks ORDER BY started_at DESC LIMIT 1
),
marks AS (
  SELECT name, value_ms, CAST(NULL AS STRING) AS text FROM {{ops}}.watermarks
  UNION ALL SELECT 'last_tick_ms', unix_millis(started_at), NULL FROM latest
  UNION ALL SELECT 'jobs_runs_from_ms', runs_from_ms, NULL FROM latest WHERE runs_from_ms IS NOT NULL
  UNION ALL SELECT 'event_log_from_ms', event_log_from_ms, NULL FROM latest WHERE event_log_from_ms IS NOT NULL
  UNION ALL SELECT 'rollback_open', CASE WHEN rollback_open THEN 1 ELSE 0 END, NULL FROM latest
  UNION ALL SELECT 'audit_head', seq, hash FROM {{ops}}.audit_head WHERE name = 'audit_log'
)
SELECT 'deployment' AS kind, d.deployment_id, d.bundle, d.target, unix_millis(d.finished_at) AS finished_ms,
  coalesce(v.is_final, false) AS is_final,
  CASE WHEN coalesce(v.is_final, false) THEN NULL ELSE d.version END AS version,
  CASE WHEN coalesce(v.is_final, false) THEN NULL ELSE d.previous_version END AS previous_version,
  CASE WHEN coalesce(v.is_final, false) THEN NULL ELSE d.actor END AS actor,
  CASE WHEN coalesce(v.is_final, false) THEN NULL ELSE unix_millis(d.started_at) END AS started_ms,
  d.status,
  CASE WHEN coalesce(v.is_final, false) THEN NULL ELSE d.resources END AS resources,
  CASE WHEN coalesce(v.is_final, false) THEN NULL ELSE d.expected_changes END AS expected_changes,
  v.state AS verdict_state, v.post_runs AS verdict_post_runs,
  unix_millis(v.updated_at) AS judged_ms, unix_millis(v.recheck_at) AS recheck_ms,
  CAST(NULL AS STRING) AS name, CAST(NULL AS BIGINT) AS value_ms, CAST(NULL AS STRING) AS text
FROM {{ops}}.deployments d
LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = d.deployment_id
WHERE d.status = 'SUCCEEDED'
  AND d.finished_at <= timestamp_millis(:now_ms)
  AND d.finished_at >= timestamp_millis(:since_ms)
UNION ALL
SELECT 'mark', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, name, value_ms, text
FROM marks
