-- Alert (page): changes to production jobs and pipelines that no recorded deployment and no
-- rollback of postflight's explains (SOX), found in the last 20 minutes: one row each. The sweep
-- runs every 15 minutes and the alert every 5, so each change is paged on at least once. No
-- parameters (alerts bind none): the window ends at the warehouse clock.
SELECT u.change_id, u.resource_type, u.resource_id, u.resource_name, u.bundle, u.target, u.changed_at,
  u.changed_by, u.action, u.source, u.detail, u.detected_at
FROM {{ops}}.untracked_changes u
WHERE u.production
  AND u.detected_at > current_timestamp() - INTERVAL 20 MINUTES AND u.detected_at <= current_timestamp()
ORDER BY u.detected_at DESC, u.change_id
