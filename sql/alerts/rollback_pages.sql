-- Page: failed deployments whose automatic rollback was blocked (not SAFE, over the cap, a
-- restored version failing again) or failed, with the explanation, from a time bound by the
-- caller. Params: since_ms (how far back pages stay open). The deployed alert, which can bind no
-- parameter, runs rollback_blocked.sql: the same pages, its window ending at the warehouse clock.
SELECT v.deployment_id, d.bundle, d.target, d.version, v.state AS verdict, v.page_reason,
  r.rollback_id, r.state AS rollback_state, r.safety, r.to_version, r.detail, r.updated_at
FROM {{ops}}.verdicts v
JOIN {{ops}}.deployments d ON d.deployment_id = v.deployment_id
LEFT JOIN {{ops}}.rollbacks r ON r.deployment_id = v.deployment_id
WHERE v.page_reason IS NOT NULL AND v.updated_at >= timestamp_millis(:since_ms)
ORDER BY v.updated_at DESC
