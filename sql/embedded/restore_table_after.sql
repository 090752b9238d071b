-- DuckDB SQL. After a RESTORE at the world's clock (embedded/restore_table), the table's commits
-- the world already holds for later (a run staged at its start that has not ended yet) happen
-- after it: each moves up one version, as Delta would number them. Params: table_name.
UPDATE sim_world.delta_commits
SET version = version + 1, readVersion = readVersion + 1
WHERE table_name = :table_name AND "timestamp" > (SELECT timestamp_millis(max(now_ms)) FROM sim_world.clock)
