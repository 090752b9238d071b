-- DuckDB SQL (embedded only): the hand edits made in the replay, each with the untracked changes
-- the sweep recorded for it (the live settings' drift is dated when seen, up to a sweep later; the
-- audit log's row when made), and when the first was found, and the untracked changes that match
-- no hand edit (a deploy or rollback reported as untracked: there must be none). Params: from_ms, to_ms.
WITH u AS (
  SELECT u.*, epoch_ms(u.changed_at) AS changed_ms, epoch_ms(u.detected_at) AS detected_ms
  FROM postflight.untracked_changes u
)
SELECT 'hand_edit' AS kind, h.resource_id, h.edit_ms,
  min(u.detected_ms) AS detected_ms, bool_or(coalesce(u.production, false)) AS production
FROM sim_world.hand_edits h
LEFT JOIN u ON u.resource_id = h.resource_id AND u.changed_ms BETWEEN h.edit_ms - 300000 AND h.edit_ms + 7200000
WHERE h.edit_ms > $from_ms AND h.edit_ms <= $to_ms
GROUP BY h.resource_id, h.edit_ms
UNION ALL
SELECT 'unmatched', u.resource_id, u.changed_ms, u.detected_ms, u.production
FROM u
WHERE NOT EXISTS (
  SELECT 1 FROM sim_world.hand_edits h
  WHERE h.resource_id = u.resource_id AND u.changed_ms BETWEEN h.edit_ms - 300000 AND h.edit_ms + 7200000
)
ORDER BY 1, 3, 2
