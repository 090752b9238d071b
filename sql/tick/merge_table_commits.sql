-- Commits of watched tables: Delta history entries and pipeline flow progress, with the flow's
-- expectation counts and backlog. Rows: the table_commits columns.
MERGE INTO {{ops}}.table_commits AS t
USING ({{rows}}) AS s
ON t.table_name = s.table_name AND t.version = s.version
WHEN NOT MATCHED THEN INSERT (table_name, version, commit_time, operation, rows_written, job_id, run_id, read_at, expectations, backlog_records, backlog_seconds)
VALUES (s.table_name, s.version, s.commit_time, s.operation, s.rows_written, s.job_id, s.run_id, s.read_at, s.expectations, s.backlog_records, s.backlog_seconds)
