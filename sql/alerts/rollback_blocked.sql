-- Alert (page): failed deployments whose automatic rollback was blocked (not SAFE, over the cap, a
-- restored version failing again) or failed, still open: paged in the last 24 hours and not yet
-- followed by another deployment of the same bundle and target (a fix forward, or a rollback done
-- by hand through CI). One row each. The same pages as rollback_pages.sql, with the window ending
-- at the warehouse clock instead of a bound parameter, since alerts bind none.
SELECT v.deployment_id, d.bundle, d.target, d.version, v.state AS verdict, v.page_reason, v.updated_at AS paged_at,
  r.rollback_id, r.state AS rollback_state, r.safety, r.to_version, r.detail
FROM {{ops}}.verdicts v
JOIN {{ops}}.deployments d ON d.deployment_id = v.deployment_id
LEFT JOIN {{ops}}.rollbacks r ON r.deployment_id = v.deployment_id
WHERE v.page_reason IS NOT NULL
  AND v.updated_at > current_timestamp() - INTERVAL 24 HOURS AND v.updated_at <= current_timestamp()
  AND NOT EXISTS (
    SELECT 1 FROM {{ops}}.deployments n
    WHERE n.bundle = d.bundle AND n.target = d.target AND n.status IN ('SUCCEEDED', 'PARTIAL')
      AND n.finished_at > v.updated_at AND n.finished_at <= current_timestamp()
  )
ORDER BY v.updated_at DESC
