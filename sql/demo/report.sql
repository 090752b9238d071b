-- DuckDB SQL (embedded only): every replayed deployment with its ground-truth label, the verdict
-- postflight reached, and what became of its rollback. Params: from_ms, to_ms.
WITH rb AS (
  -- A bundle's next rollback may restore the same version again; its resets are its own.
  SELECT r.*, LEAD(r.requested_at) OVER (PARTITION BY r.bundle, r.target ORDER BY r.requested_at, r.rollback_id) AS next_requested_at
  FROM postflight.rollbacks r
),
ledger AS (
  SELECT deployment_id, count(*) AS ledger_rows, any_value(rollback_id) AS rollback_id, any_value(state) AS rollback_state,
    any_value(safety) AS rollback_safety, any_value(detail) AS rollback_detail, any_value(restore_deployment_id) AS restore_deployment_id,
    any_value(requested_at) AS requested_at, any_value(next_requested_at) AS next_requested_at, any_value(to_version) AS to_version,
    any_value(reason) AS rollback_reason
  FROM rb GROUP BY deployment_id
),
-- Resets and edits the control plane accepted for a rollback's resources, back to its target
-- version, from its request until the bundle's next rollback.
resets AS (
  SELECT g.deployment_id, max(n) AS max_resets_per_resource
  FROM (
    SELECT r.deployment_id, c.resource_id, count(*) AS n
    FROM ledger r
    JOIN postflight.deployments d ON d.deployment_id = r.deployment_id
    JOIN sim_world.api_changes c ON c.version = r.to_version AND c.changed_ms >= epoch_ms(r.requested_at)
      AND (r.next_requested_at IS NULL OR c.changed_ms < epoch_ms(r.next_requested_at))
      AND list_contains(json_extract_string(d.resources, '$[*].id'), c.resource_id)
    GROUP BY r.deployment_id, c.resource_id
  ) g GROUP BY g.deployment_id
)
SELECT l.deployment_id, l.label, l.kind, l.factor, l.pipeline_kind, l.cadence_min,
  d.finished_at, v.state, v.is_final, v.reason,
  epoch_ms(v.first_verdict_at) - epoch_ms(d.finished_at) AS first_verdict_ms,
  (SELECT min(epoch_ms(c.evaluated_at)) FROM postflight.check_results c
     WHERE c.deployment_id = l.deployment_id AND c.status = 'FAIL' AND c.critical AND c.suppressed_by IS NULL) - epoch_ms(d.finished_at) AS first_fail_ms,
  (SELECT CASE WHEN bool_or(c.status = 'FAIL' AND c.suppressed_by IS NULL) THEN 'FAIL'
       WHEN bool_or(c.status IN ('FAIL', 'WARN')) THEN 'WARN' WHEN count(*) > 0 THEN 'PASS' END
     FROM postflight.check_results c WHERE c.deployment_id = l.deployment_id AND c.check_name = 'config') AS config_status,
  (SELECT CASE WHEN bool_or(c.status = 'FAIL' AND c.suppressed_by IS NULL) THEN 'FAIL'
       WHEN bool_or(c.status IN ('FAIL', 'WARN')) THEN 'WARN' WHEN bool_or(c.status = 'PASS') THEN 'PASS' END
     FROM postflight.check_results c WHERE c.deployment_id = l.deployment_id AND c.check_name = 'cost') AS cost_status,
  (SELECT arg_min(c.explanation, c.look) FROM postflight.check_results c
     WHERE c.deployment_id = l.deployment_id AND c.check_name = 'cost' AND c.status = 'FAIL') AS cost_explanation,
  r.rollback_state, r.rollback_safety, r.rollback_detail, COALESCE(r.ledger_rows, 0) AS ledger_rows,
  COALESCE(x.max_resets_per_resource, 0) AS max_resets_per_resource, rv.state AS restored_state,
  r.rollback_reason, epoch_ms(r.requested_at) AS rollback_requested_ms
FROM sim_world.labels l
JOIN postflight.deployments d ON d.deployment_id = l.deployment_id
LEFT JOIN postflight.verdicts v ON v.deployment_id = l.deployment_id
LEFT JOIN ledger r ON r.deployment_id = l.deployment_id
LEFT JOIN resets x ON x.deployment_id = l.deployment_id
LEFT JOIN postflight.verdicts rv ON rv.deployment_id = r.restore_deployment_id
WHERE l.deploy_ms > $from_ms AND l.deploy_ms <= $to_ms
ORDER BY l.deploy_ms
