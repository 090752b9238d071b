-- Untracked changes, one row per change_id (the source's own id of the change): a sweep that
-- sees the same change again, or a retried tick, writes nothing new.
MERGE INTO {{ops}}.untracked_changes AS t
USING ({{rows}}) AS s
ON t.change_id = s.change_id
WHEN NOT MATCHED THEN INSERT (change_id, source, resource_type, resource_id, resource_name, bundle, target, production,
  changed_at, changed_by, action, detail, detected_at, tick_id)
VALUES (s.change_id, s.source, s.resource_type, s.resource_id, s.resource_name, s.bundle, s.target, s.production,
  s.changed_at, s.changed_by, s.action, s.detail, s.detected_at, s.tick_id)
