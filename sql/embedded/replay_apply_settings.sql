-- DuckDB SQL. The control plane of a replay world at its clock: every job and pipeline with the
-- settings in force then (sql/embedded/replay_world.sql), last_modified the time they took force.
DELETE FROM sim_world.api_resources;
INSERT INTO sim_world.api_resources
SELECT resource_id, resource_type, bundle, version, settings, from_ms, from_ms
FROM (
  SELECT h.*, row_number() OVER (PARTITION BY h.resource_type, h.resource_id ORDER BY h.from_ms DESC, h.source = 'snapshot' DESC) AS rn
  FROM sim_world.api_settings_history h, sim_world.clock c
  WHERE h.from_ms <= c.now_ms
)
WHERE rn = 1 AND settings IS NOT NULL;
