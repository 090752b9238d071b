-- DuckDB SQL. What a backtest decided for each exported deployment: its verdict now, and the
-- rollback it would have made (decided in dry run, so at most one ledger row each).
SELECT d.deployment_id, d.bundle, d.target, d.version, d.status, epoch_ms(d.finished_at) AS finished_ms,
  v.state, coalesce(v.is_final, false) AS is_final, v.reason, v.page_reason,
  r.state AS rollback_state, r.safety AS rollback_safety, r.strategy AS rollback_strategy,
  r.to_version AS rollback_to_version, r.detail AS rollback_detail, epoch_ms(r.requested_at) AS rollback_ms
FROM postflight.deployments d
LEFT JOIN postflight.verdicts v ON v.deployment_id = d.deployment_id
LEFT JOIN postflight.rollbacks r ON r.deployment_id = d.deployment_id
ORDER BY d.finished_at, d.deployment_id
