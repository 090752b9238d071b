-- DuckDB SQL. Each simulated table's Delta log starts as Delta's does: version 0 is the CREATE
-- TABLE commit, which writes no rows. Rows: name. Params: created_ms.
INSERT INTO sim_world.delta_commits BY NAME
SELECT t.name AS table_name, 0 AS version, timestamp_millis(:created_ms) AS "timestamp", 'sp-etl' AS userId,
  'sp-etl' AS userName, 'CREATE TABLE' AS operation,
  map(['isManaged', 'partitionBy', 'properties'], ['true', '[]', '{}']) AS operationParameters,
  NULL::STRUCT(jobId VARCHAR, jobName VARCHAR, runId VARCHAR) AS job, NULL::BIGINT AS readVersion,
  true AS isBlindAppend, map([]::VARCHAR[], []::VARCHAR[]) AS operationMetrics,
  'Databricks-Runtime/16.4.x-scala2.12' AS engineInfo, timestamp_millis(:created_ms) AS _visible_at
FROM ({{rows}}) t
