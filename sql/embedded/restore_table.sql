-- DuckDB SQL. The embedded stand-in for `RESTORE TABLE <table> TO VERSION AS OF <version>`: the
-- simulated table's Delta log gains a RESTORE commit at the world's clock, the version after the
-- newest it shows (rows are not modelled, only versions); embedded/restore_table_after moves the
-- commits the world holds for later up one. Params: table_name, to_version.
INSERT INTO sim_world.delta_commits BY NAME
SELECT :table_name AS table_name, MAX(c.version) + 1 AS version, timestamp_millis(k.now_ms) AS "timestamp",
  'postflight' AS userId, 'postflight' AS userName, 'RESTORE' AS operation,
  map(['version'], [CAST(:to_version AS VARCHAR)]) AS operationParameters,
  NULL::STRUCT(jobId VARCHAR, jobName VARCHAR, runId VARCHAR) AS job,
  MAX(c.version) AS readVersion, false AS isBlindAppend,
  map(['numRestoredFiles'], ['0']) AS operationMetrics, 'postflight-embedded' AS engineInfo,
  timestamp_millis(k.now_ms) AS _visible_at
FROM sim_world.delta_commits c, (SELECT max(now_ms) AS now_ms FROM sim_world.clock) k
WHERE c.table_name = :table_name AND c."timestamp" <= timestamp_millis(k.now_ms)
GROUP BY k.now_ms
HAVING MAX(c.version) >= :to_version
