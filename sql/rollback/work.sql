-- Rollback work for this tick, in one statement: failed deployments that are still the live
-- version of their bundle and target and have no ledger row yet (decisions to make), and ledger
-- rows not finished (rollbacks to start or resume), each with the newest deployment of its bundle
-- and target; a deployment's status says whether its deploy reached all of it (SUCCEEDED) or part
-- (PARTIAL). Params: now_ms, since_ms (oldest failed deployment still rolled back).
WITH recent AS (
  SELECT d.*, ROW_NUMBER() OVER (PARTITION BY d.bundle, d.target ORDER BY d.finished_at DESC, d.deployment_id DESC) AS rn
  FROM {{ops}}.deployments d
  WHERE d.status IN ('SUCCEEDED', 'PARTIAL') AND d.finished_at >= timestamp_millis(:since_ms) AND d.finished_at <= timestamp_millis(:now_ms)
),
latest AS (SELECT bundle, target, deployment_id AS latest_id, version AS latest_version FROM recent WHERE rn = 1)
SELECT 'decide' AS work, d.deployment_id, d.bundle, d.target, d.version, d.previous_version, d.actor,
  unix_millis(d.started_at) AS started_ms, unix_millis(d.finished_at) AS finished_ms, d.resources, d.expected_changes,
  v.reason AS verdict_reason, l.latest_id, l.latest_version,
  CAST(NULL AS STRING) AS rollback_id, CAST(NULL AS STRING) AS state, CAST(NULL AS STRING) AS strategy,
  CAST(NULL AS STRING) AS to_version, CAST(NULL AS STRING) AS to_deployment_id, CAST(NULL AS STRING) AS restore_deployment_id,
  CAST(NULL AS BIGINT) AS attempts, CAST(NULL AS BIGINT) AS requested_ms, CAST(NULL AS BIGINT) AS not_before_ms,
  CAST(NULL AS STRING) AS detail, d.status
FROM {{ops}}.verdicts v
JOIN recent d ON d.deployment_id = v.deployment_id
JOIN latest l ON l.bundle = d.bundle AND l.target = d.target AND l.latest_id = d.deployment_id
LEFT JOIN {{ops}}.rollbacks r ON r.deployment_id = d.deployment_id
WHERE v.state = 'FAILED' AND r.rollback_id IS NULL
  -- History judged by a backfill is never rolled back (its verdicts carry a backfill tick id).
  AND NOT coalesce(v.tick_id LIKE 'backfill-%', false)
UNION ALL
SELECT 'resume' AS work, r.deployment_id, r.bundle, r.target, r.from_version AS version, CAST(NULL AS STRING) AS previous_version,
  CAST(NULL AS STRING) AS actor, CAST(NULL AS BIGINT) AS started_ms, CAST(NULL AS BIGINT) AS finished_ms,
  CAST(NULL AS STRING) AS resources, CAST(NULL AS STRING) AS expected_changes, r.reason AS verdict_reason,
  l.latest_id, l.latest_version, r.rollback_id, r.state, r.strategy, r.to_version, r.to_deployment_id, r.restore_deployment_id,
  r.attempts, unix_millis(r.requested_at) AS requested_ms, unix_millis(r.not_before) AS not_before_ms, r.detail,
  CAST(NULL AS STRING) AS status
FROM {{ops}}.rollbacks r
LEFT JOIN latest l ON l.bundle = r.bundle AND l.target = r.target
WHERE r.state IN ('REQUESTED', 'EXECUTING')
