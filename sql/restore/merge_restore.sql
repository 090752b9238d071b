-- A table restored by an approved plan: once per plan and table, so applying it again is a no-op.
-- Rows: plan_id, deployment_id, table_name, to_version, restore_version, restored_at, approved_by.
MERGE INTO {{ops}}.restores AS t
USING ({{rows}}) AS s
ON t.plan_id = s.plan_id AND t.table_name = s.table_name
WHEN NOT MATCHED THEN INSERT (plan_id, deployment_id, table_name, to_version, restore_version, restored_at, approved_by)
VALUES (s.plan_id, s.deployment_id, s.table_name, s.to_version, s.restore_version, s.restored_at, s.approved_by)
