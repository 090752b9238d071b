-- The deployments of the look-back window with their current verdict. Only deployments whose
-- verdict is not final carry their details; the final ones are listed (bundle, target, finish
-- time) so the caller can tell when a newer deployment of the same bundle and target took over
-- from an open one. Where the previous tick stopped is read alongside (tick/marks.sql).
-- Params: now_ms, since_ms (oldest deployment looked at).
SELECT d.deployment_id, d.bundle, d.target, unix_millis(d.finished_at) AS finished_ms,
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
  coalesce(v.cost_watched, false) AS cost_watched
FROM {{ops}}.deployments d
-- A final verdict with a recheck is final for CI but still watched: its runs' cost awaits billing
-- (a HEALTHY one, or one whose other checks closed on their runs before the first was billed).
LEFT JOIN (
  SELECT deployment_id, state, post_runs, updated_at, recheck_at,
    is_final AND recheck_at IS NULL AS is_final, is_final AND recheck_at IS NOT NULL AS cost_watched
  FROM {{ops}}.verdicts
) v ON v.deployment_id = d.deployment_id
-- A row without a status or a finish time is listed too (by when it started or was recorded),
-- for the tick to report as malformed: left out, it would never be verified and nobody told.
WHERE (d.status IN ('SUCCEEDED', 'PARTIAL') OR d.status IS NULL)
  AND ((d.finished_at <= timestamp_millis(:now_ms) AND d.finished_at >= timestamp_millis(:since_ms))
    OR (d.finished_at IS NULL
      AND coalesce(d.started_at, d.recorded_at, timestamp_millis(:now_ms)) >= timestamp_millis(:since_ms)
      AND coalesce(d.started_at, d.recorded_at, timestamp_millis(:now_ms)) <= timestamp_millis(:now_ms)))
