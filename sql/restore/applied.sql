-- The restores a plan has already applied, per table. Params: plan_id.
SELECT table_name, to_version, restore_version, unix_millis(restored_at) AS restored_ms
FROM {{ops}}.restores
WHERE plan_id = :plan_id
ORDER BY table_name
