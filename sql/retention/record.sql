-- Records a retention run once: a run repeated at the same clock (a retry) keeps the first record.
MERGE INTO {{ops}}.retention_runs AS t
USING ({{rows}}) AS s
ON t.run_id = s.run_id
WHEN NOT MATCHED THEN INSERT
  (run_id, started_at, hot_before, archive_before, moved_rows, purged_rows, anchor_seq, anchor_hash, ok, tables, duration_ms)
VALUES
  (s.run_id, s.started_at, s.hot_before, s.archive_before, s.moved_rows, s.purged_rows, s.anchor_seq, s.anchor_hash, s.ok,
   s.tables, s.duration_ms)
