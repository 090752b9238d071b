-- The embedded stand-in for `DESCRIBE HISTORY <table> LIMIT n`: the Delta commit log of every
-- simulated table, newest first. Params: table_name, max_rows.
SELECT version, timestamp, operation, operationMetrics, operationParameters, job.jobId AS job_id, job.runId AS run_id
FROM delta_history.commits
WHERE table_name = :table_name
ORDER BY version DESC
LIMIT :max_rows
